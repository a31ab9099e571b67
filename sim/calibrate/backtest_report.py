"""The back-test as one self-contained HTML file: plotly figures per metric and the per-queue table.

Each interval metric is a curve over the period (actual, simulated mean, 95% prediction band, the
intervals outside marked); the decomposition ratios are curves around 1; the per-queue rows are a
table with the outside flags. The file is written once: an existing path is refused (unless
`force`), as every ccsim output.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from sim.errors import ScenarioError

LABELS = {
    "offered": "calls offered",
    "abandon_share": "abandonment (share of calls offered)",
    "asa_s": "ASA (s)",
    "service_level": "service level",
    "aht_s": "AHT (s)",
    "agents": "agents seen answering",
}


def check_out(path: Path, force: bool) -> None:
    """Refuse an existing --out (unless force) or a missing folder, before any simulation."""
    if path.exists() and not force:
        raise ScenarioError(f"--out {path}: already exists; choose a new file (or --force)")
    if path.exists() and path.is_dir():
        raise ScenarioError(f"--out {path}: is a folder; give the path of an .html file")
    if not path.parent.exists():
        raise ScenarioError(f"--out {path}: folder {path.parent} does not exist")


def _time_axis(result: dict[str, Any], intervals: pd.Series) -> pd.DatetimeIndex:
    return pd.Timestamp(result["start"]) + pd.to_timedelta(intervals * result["slot_s"], unit="s")


def metric_figure(result: dict[str, Any], metric: str) -> go.Figure:
    """Actual vs simulated mean with the 95% PI band over the period; outside intervals marked."""
    t = pd.DataFrame(result["intervals"])
    t = t[t["metric"] == metric].sort_values("interval")
    x = list(_time_axis(result, t["interval"]))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x + x[::-1], y=list(t["pi_high"]) + list(t["pi_low"])[::-1],
                             fill="toself", fillcolor="rgba(31,119,180,0.18)", line={"width": 0},
                             name="simulated 95% prediction interval"))  # fmt: skip
    fig.add_trace(go.Scatter(x=x, y=t["sim_mean"], name="simulated mean",
                             line={"color": "#1f77b4"}))  # fmt: skip
    fig.add_trace(go.Scatter(x=x, y=t["actual"], name="actual", mode="lines",
                             line={"color": "#d62728"}))  # fmt: skip
    out = t["outside"].to_numpy()
    fig.add_trace(go.Scatter(x=[v for v, o in zip(x, out, strict=True) if o],
                             y=t.loc[t["outside"], "actual"], mode="markers", name="outside the PI",
                             marker={"color": "#d62728", "size": 7, "symbol": "x"}))  # fmt: skip
    share = result["outside_share"][metric]
    fig.update_layout(title=f"{LABELS.get(metric, metric)}: actual outside the PI in {share:.0%} "
                      "of intervals", height=330, margin={"t": 50, "b": 30})  # fmt: skip
    return fig


def decomposition_figure(result: dict[str, Any]) -> go.Figure:
    """Volume, handle-time and staffing ratios (actual / simulated) per interval; 1 = as planned."""
    d = pd.DataFrame(result["decomposition"]).sort_values("interval")
    x = list(_time_axis(result, d["interval"]))
    fig = go.Figure()
    for col in ("volume_ratio", "aht_ratio", "staffing_ratio"):
        fig.add_trace(go.Scatter(x=x, y=d[col], name=col.replace("_", " "), mode="lines"))
    fig.add_hline(y=1.0, line={"dash": "dot", "color": "grey"})
    fig.update_layout(title="where the plan missed: actual / simulated per interval", height=330,
                      margin={"t": 50, "b": 30})  # fmt: skip
    return fig


def queue_html(result: dict[str, Any]) -> str:
    """The per-queue rows as an HTML table, outside-the-PI cells in bold red."""
    q = pd.DataFrame(result["queues"])
    if q.empty:
        return "<p>no queues</p>"
    head = "".join(f"<th>{html.escape(LABELS[m])}</th>" for m in q["metric"].unique())
    body = []
    for queue, rows in q.groupby("queue", sort=True):
        cells = []
        for _, r in rows.iterrows():
            style = ' style="color:#d62728;font-weight:bold"' if r["outside"] else ""
            cells.append(f"<td{style}>{r['actual']:.4g} [{r['pi_low']:.4g}, {r['pi_high']:.4g}]"
                         "</td>")  # fmt: skip
        body.append(f"<tr><th>{html.escape(str(queue))}</th>{''.join(cells)}</tr>")
    table = f"<table border=1 cellpadding=4><tr><th>queue</th>{head}</tr>{''.join(body)}</table>"
    return table + "<p>actual [simulated 95% prediction interval]; bold red: outside</p>"


def volume_figures(result: dict[str, Any]) -> list[go.Figure]:
    """Daily actual vs planned calls with the 95% PI, and the volume ratio per slot of the day."""
    d = pd.DataFrame(result["days_detail"])
    x = list(pd.to_datetime(d["date"]))
    daily = go.Figure()
    daily.add_trace(go.Scatter(x=x, y=d["pi_high"], mode="lines", line={"width": 0},
                               showlegend=False))  # fmt: skip
    daily.add_trace(go.Scatter(x=x, y=d["pi_low"], mode="lines", line={"width": 0}, fill="tonexty",
                               fillcolor="rgba(31,119,180,0.18)",
                               name="plan's 95% prediction interval"))  # fmt: skip
    daily.add_trace(go.Scatter(x=x, y=d["planned"], name="planned", mode="markers",
                               marker={"color": "#1f77b4"}))  # fmt: skip
    daily.add_trace(go.Scatter(x=x, y=d["actual"], name="actual", mode="markers",
                               marker={"color": "#d62728", "symbol": [
                                   "x" if o else "circle" for o in d["outside"]]}))  # fmt: skip
    daily.update_layout(title=f"calls per day: outside the PI on {result['days_outside_pi']:.0%} "
                        "of days (x)", height=360, margin={"t": 50, "b": 30})  # fmt: skip
    ratio = result["slot_of_day_ratio"]
    hours = [int(s) * result["slot_s"] / 3600 for s in ratio]
    shape = go.Figure(go.Bar(x=hours, y=list(ratio.values()), name="actual / planned"))
    shape.add_hline(y=1.0, line={"dash": "dot", "color": "grey"})
    shape.update_layout(title="volume ratio by time of day (intraday shape miss)", height=300,
                        xaxis_title="hour", margin={"t": 50, "b": 30})  # fmt: skip
    return [daily, shape]


def report_html(result: dict[str, Any], title: str) -> str:
    """The whole report as one HTML page (plotly.js inlined once, so it opens offline)."""
    if result.get("kind") == "volumes":
        return _page(title, _volume_intro(result), "", volume_figures(result))
    figs = [metric_figure(result, m) for m in result["outside_share"]]
    figs.append(decomposition_figure(result))
    intro = (f"{result['start']} + {result['days']} days, {result['replications']} replications "
             f"(seed {result['seed']}), {result['slot_s'] // 60}-minute intervals, service level "
             f"threshold {result['sl_threshold_s']:g} s")  # fmt: skip
    return _page(title, intro, f"<h2>Per queue</h2>{queue_html(result)}<h2>Per interval</h2>", figs)


def _volume_intro(result: dict[str, Any]) -> str:
    return (f"{result['start']} + {result['days']} days: actual {result['actual_calls']:,.0f} "
            f"calls, planned {result['planned_calls']:,.0f} (ratio {result['volume_ratio']:.3f}); "
            f"daily mean absolute error {result['daily_mape']:.1%}")  # fmt: skip


def _page(title: str, intro: str, tables: str, figs: list[go.Figure]) -> str:
    parts = [f.to_html(full_html=False, include_plotlyjs=(i == 0)) for i, f in enumerate(figs)]
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"</head><body><h1>{html.escape(title)}</h1><p>{html.escape(intro)}</p>"
            f"{tables}{''.join(parts)}</body></html>")  # fmt: skip


def write_report(result: dict[str, Any], path: Path, title: str, force: bool = False) -> None:
    """Write the HTML report to `path` (refused if it exists, unless force)."""
    check_out(path, force)
    path.write_text(report_html(result, title), encoding="utf-8")
