"""Compare-page figures: paired differences with CIs, and cost against service level."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from dashboard.shared.plotting import PALETTE, error_y, style

AXES = {
    "voice_service_level": ("Service level, voice (% within threshold)", ".0%"),
    "chat_service_level": ("Service level, chat (% within threshold)", ".0%"),
    "email_service_level": ("Service level, email (% within the SLA hours)", ".0%"),
    "abandon_rate": ("Abandonment, all channels (% of queued)", ".0%"),
    "fcr": ("First-contact resolution (% of issues)", ".0%"),
    "cost_total": ("Total cost over the simulated period ({currency})", ",.0f"),
    "cost_per_contact": ("Cost per contact ({currency})", ",.2f"),
    "cost_per_resolved_issue": ("Cost per resolved issue ({currency})", ",.2f"),
    "sla_penalty": ("SLA penalties over the simulated period ({currency})", ",.0f"),
}
X_AXES = ("voice_service_level", "chat_service_level", "email_service_level", "abandon_rate",
          "fcr")  # fmt: skip
Y_AXES = ("cost_total", "cost_per_contact", "cost_per_resolved_issue", "sla_penalty")


def difference_figure(record: dict[str, Any]) -> go.Figure:
    """B relative to A for each headline KPI, with the paired 95% CI as error bars."""
    rows = [r for r in record["rows"] if r["rel"] is not None][::-1]
    palette = {"better": "#2f9e44", "worse": "#d64545", "changed": "#2e90fa"}
    colors = [palette.get(r.get("direction", ""), "#9aa5b1") for r in rows]
    fig = go.Figure(
        go.Bar(
            x=[r["rel"] for r in rows],
            y=[r["label"] for r in rows],
            orientation="h",
            marker={"color": colors},
            error_x=error_y(
                [r["rel"] for r in rows],
                [r["rel_low"] for r in rows],
                [r["rel_high"] for r in rows],
            ),  # fmt: skip
            name="B relative to A",
            hovertemplate="%{y}: %{x:+.1%}<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": "#1f2933", "width": 1})
    fig = style(
        fig,
        f"{record['label_b']} relative to {record['label_a']}: change with paired 95% CI "
        f"({record['replications']} paired replications; green better, red worse, "
        "blue changed (no better or worse), grey within noise)",
        "Change of B relative to A (%)",
        "KPI",
        height=140 + 38 * len(rows),
    )
    fig.update_xaxes(tickformat="+.0%", zeroline=False, range=_range(rows))
    fig.update_layout(showlegend=False, margin={"l": 190})
    return fig


def _range(rows: list[dict[str, Any]]) -> list[float]:
    """An x range showing every change; CIs far wider than the biggest change are cut."""
    changes = [abs(r["rel"]) for r in rows] or [0.1]
    cap = max(1.5 * max(changes), 0.05)
    bounds = [abs(r[k]) for r in rows for k in ("rel_low", "rel_high") if r[k] is not None]
    lim = min(max([*changes, *bounds]), cap) * 1.1
    return [-lim, lim]


def cost_sl_figure(record: dict[str, Any], x_metric: str, y_metric: str) -> go.Figure:
    """One curve per scenario across headcount factors: cost against service level, with CIs."""
    fig = go.Figure()
    currency = "USD"
    for i, series in enumerate(record["series"]):
        currency = series["currency"]
        pts = [p for p in series["points"] if p.get(x_metric) and p.get(y_metric)]
        xs = [p[x_metric] for p in pts]
        ys = [p[y_metric] for p in pts]
        color = PALETTE[i % len(PALETTE)]
        fig.add_trace(
            go.Scatter(
                x=[v[0] for v in xs],
                y=[v[0] for v in ys],
                mode="lines+markers+text",
                name=series["label"],
                text=[f"×{p['factor']:g}" for p in pts],
                textposition="top left",
                line={"color": color, "width": 2},
                marker={"size": 9},
                error_x=error_y([v[0] for v in xs], [v[1] for v in xs], [v[2] for v in xs]),
                error_y=error_y([v[0] for v in ys], [v[1] for v in ys], [v[2] for v in ys]),
                hovertemplate="headcount %{text}<br>x %{x:.3g}<br>y %{y:,.2f}<extra>"
                + series["label"]
                + "</extra>",
            )
        )
    x_title, x_fmt = AXES[x_metric]
    y_title, y_fmt = AXES[y_metric]
    if x_metric == "voice_service_level" and record["series"]:
        target = record["series"][0]["target"]
        fig.add_vline(x=target, line={"dash": "dash", "color": "#52606d"},
                      annotation_text=f"voice target {target:.0%}",
                      annotation_position="bottom right")  # fmt: skip
    days = record.get("days")
    period = f"first {days:g} days" if days else "whole horizon"
    fig = style(
        fig,
        "Cost against service level as every shift's headcount is scaled (labels: factor; "
        f"bars: 95% CIs; {record['replications']} replications, {period})",
        x_title.format(currency=currency),
        y_title.format(currency=currency),
        height=520,
    )
    fig.update_xaxes(tickformat=x_fmt)
    fig.update_yaxes(tickformat=y_fmt)
    return fig
