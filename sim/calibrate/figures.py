"""Plotly figures of a calibration and its validation (used by the HTML report)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sim.calibrate.build import Calibration
from sim.calibrate.durations import distribution
from sim.calibrate.staffing import WEEKDAY_NAMES
from sim.calibrate.validate import Validation

LABELS = {
    "offered": "calls offered per day",
    "abandon_rate": "abandonment (share of calls that waited)",
    "abandon_share": "abandonment (share of calls offered)",
    "asa_s": "ASA (s)",
    "service_level": "service level",
    "occupancy": "occupancy",
}


def hourly_figure(v: Validation, metric: str) -> go.Figure:
    """Observed vs simulated KPI by hour of day, with the CI of the mean and the 95% PI."""
    t = v.table.loc[metric].drop("all")
    offered = v.table.loc["offered"].drop("all")["observed"]
    t = t[(offered.reindex(t.index) >= 1.0) & (t["sim_mean"].notna() | t["observed"].notna())]
    hours = [int(h) for h in t.index]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=hours + hours[::-1], y=list(t["pi_high"]) + list(t["pi_low"])[::-1],
                             fill="toself", fillcolor="rgba(31,119,180,0.12)", line={"width": 0},
                             name="simulated 95% prediction interval (one period)"))  # fmt: skip
    fig.add_trace(go.Scatter(x=hours + hours[::-1], y=list(t["ci_high"]) + list(t["ci_low"])[::-1],
                             fill="toself", fillcolor="rgba(31,119,180,0.35)", line={"width": 0},
                             name="simulated mean, 95% CI"))  # fmt: skip
    fig.add_trace(go.Scatter(x=hours, y=t["sim_mean"], name="simulated mean",
                             line={"color": "#1f77b4"}))  # fmt: skip
    fig.add_trace(go.Scatter(x=hours, y=t["observed"], name="observed", mode="lines+markers",
                             line={"color": "#d62728"}))  # fmt: skip
    fig.update_layout(title=f"{LABELS[metric]} by hour of day", xaxis_title="hour (local)",
                      yaxis_title=LABELS[metric], height=380, margin={"t": 50})  # fmt: skip
    return fig


def staffing_figure(cal: Calibration) -> go.Figure:
    """Measured available agents per weekday slot, the scenario's headcount, agents seen."""
    st = cal.staffing
    hours = np.arange(st.by_weekday.shape[1]) * st.slot_s / 3600
    weekday = cal.log.dates().day_of_week.to_numpy()
    fig = go.Figure()
    for w in range(7):
        if not st.open_slots()[w].any():
            continue
        seen = st.distinct_seen[weekday == w].mean(axis=0)
        fig.add_trace(go.Scatter(x=hours, y=st.by_weekday[w], name=f"{WEEKDAY_NAMES[w]} measured",
                                 legendgroup=str(w)))  # fmt: skip
        fig.add_trace(go.Scatter(x=hours, y=st.headcount[w], name=f"{WEEKDAY_NAMES[w]} scenario",
                                 line={"shape": "hv", "dash": "dot"},
                                 legendgroup=str(w)))  # fmt: skip
        fig.add_trace(go.Scatter(x=hours, y=seen, name=f"{WEEKDAY_NAMES[w]} distinct agents seen",
                                 line={"dash": "dash", "width": 1}, legendgroup=str(w),
                                 visible="legendonly"))  # fmt: skip
    fig.update_layout(title="agents available per slot: measured (mean over dates) and scenario",
                      xaxis_title="hour (local)", yaxis_title="agents", height=420)  # fmt: skip
    return fig


def handle_figure(cal: Calibration, call_type: str) -> go.Figure:
    """Histogram of genuine talk times with the fitted densities (log time axis)."""
    fits = cal.types[call_type]
    short = cal.options["short_service_s"]
    calls = cal.log.calls
    x = calls[(calls["type"] == call_type) & calls["served"] & (calls["agent"] != "")
              & (calls["service_s"] >= short)]["service_s"].to_numpy(dtype=float)  # fmt: skip
    edges = np.geomspace(max(x.min(), 1.0), x.max() * 1.01, 40)
    counts, _ = np.histogram(x, edges)
    density = counts / (len(x) * np.diff(edges))
    mids = np.sqrt(edges[1:] * edges[:-1])
    fig = go.Figure(go.Bar(x=mids, y=density, width=np.diff(edges), name="observed",
                           marker_color="#bbbbbb"))  # fmt: skip
    grid = np.geomspace(edges[0], edges[-1], 200)
    for f in fits.handle_fits:
        fig.add_trace(go.Scatter(x=grid, y=distribution(f).pdf(grid),
                                 name=f"{f.family} (AIC {f.aic:,.0f}, KS {f.ks:.3f})"))  # fmt: skip
    fig.update_layout(title=f"{call_type}: talk time >= {short:g} s ({len(x)} calls)",
                      xaxis={"type": "log", "title": "seconds"}, yaxis_title="density",
                      height=340, bargap=0)  # fmt: skip
    return fig


def patience_figure(cal: Calibration) -> go.Figure:
    """Kaplan-Meier survival of patience per call type with the scenario's fitted survival."""
    fig = go.Figure()
    for i, (name, fits) in enumerate(sorted(cal.types.items())):
        if fits.km is None:
            continue
        color = f"hsl({i * 55 % 360},60%,45%)"
        km = fits.km
        fig.add_trace(go.Scatter(x=np.concatenate([[0], km.times]),
                                 y=np.concatenate([[1], km.survival]), line={"shape": "hv",
                                 "color": color}, name=f"{name} Kaplan-Meier"))  # fmt: skip
        grid = np.linspace(0, float(km.times.max()), 100)
        best = fits.patience_fit
        fig.add_trace(go.Scatter(x=grid, y=distribution(best).sf(grid), name=f"{name} {best.family}"
                                 f" fit", line={"dash": "dot", "color": color}))  # fmt: skip
    fig.update_layout(title="patience: P(still waiting | no answer) by time waited",
                      xaxis_title="seconds waited", yaxis_title="survival", height=420)  # fmt: skip
    return fig


def daily_figure(cal: Calibration, v: Validation) -> go.Figure:
    """Observed daily volumes against the simulated mean per date."""
    dates = [d.date().isoformat() for d in cal.log.dates()]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=dates, y=v.daily["observed_daily"], name="observed"))
    fig.add_trace(go.Scatter(x=dates, y=v.daily["simulated_daily_mean"], name="simulated mean",
                             mode="lines+markers"))  # fmt: skip
    fig.update_layout(title="calls per day", height=340)
    return fig


def sensitivity_figure(table: pd.DataFrame, observed: dict[str, float]) -> go.Figure:
    """Simulated overall abandonment and ASA against the availability factor."""
    fig = go.Figure()
    for metric, axis in (("abandon_rate", "y"), ("asa_s", "y2")):
        fig.add_trace(go.Scatter(x=table["factor"], y=table[metric], yaxis=axis,
                                 error_y={"array": table[f"{metric}_ci"]},
                                 name=f"simulated {LABELS[metric]}"))  # fmt: skip
        fig.add_trace(go.Scatter(x=table["factor"], y=[observed[metric]] * len(table),
                                 yaxis=axis, line={"dash": "dot"},
                                 name=f"observed {LABELS[metric]}"))  # fmt: skip
    fig.update_layout(title="sensitivity to agent availability", xaxis_title="availability factor",
                      yaxis={"title": "abandonment"},
                      yaxis2={"title": "ASA (s)", "overlaying": "y", "side": "right"},
                      height=380)  # fmt: skip
    return fig
