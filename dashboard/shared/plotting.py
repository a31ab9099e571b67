"""Shared look of the dashboard's charts: layout style, CI bands and error bars."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import hex_to_rgb, qualitative

PALETTE = qualitative.Plotly
FONT = {"family": "Open Sans, Liberation Sans, Arial, sans-serif", "size": 13}


def style(
    fig: go.Figure,
    title: str,
    x_title: str | None = None,
    y_title: str | None = None,
    height: int | None = None,
    legend_below: bool = False,
) -> go.Figure:
    """White template, title top-left, legend above the plot (or below it), readable font."""
    legend = {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "xanchor": "left"}
    margin = {"l": 70, "r": 20, "t": 90, "b": 60}
    if legend_below:
        legend |= {"yanchor": "top", "y": -0.2}
        margin |= {"t": 60, "b": 130}
    fig.update_layout(
        template="plotly_white",
        font=FONT,
        title={"text": title, "x": 0.01, "xanchor": "left"},
        legend=legend,
        margin=margin,
    )
    if height is not None:
        fig.update_layout(height=height)
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


def rgba(color: str, alpha: float) -> str:
    """'#636EFA' -> 'rgba(99,110,250,alpha)'."""
    r, g, b = hex_to_rgb(color)
    return f"rgba({r},{g},{b},{alpha})"


def band(
    x: Sequence,
    low: pd.Series,
    high: pd.Series,
    color: str,
    group: str,
    clip: tuple[float, float] | None = None,
) -> go.Scatter:
    """A shaded CI band: one polygon per run of points where both bounds exist."""
    return go.Scatter(**band_spec(x, low, high, color, group, clip))


def band_spec(
    x: Sequence,
    low: pd.Series,
    high: pd.Series,
    color: str,
    group: str,
    clip: tuple[float, float] | None = None,
) -> dict:
    """The band as a plain trace dict (for figures built without plotly.py's validation)."""
    frame = pd.DataFrame({"x": list(x), "low": low.to_numpy(), "high": high.to_numpy()})
    if clip is not None:
        frame[["low", "high"]] = frame[["low", "high"]].clip(*clip)
    ok = frame["low"].notna() & frame["high"].notna()
    run_id = (ok != ok.shift()).cumsum()
    xs: list = []
    ys: list = []
    for _, run in frame[ok].groupby(run_id[ok]):
        xs += [*run["x"], *run["x"][::-1], None]
        ys += [*run["high"], *run["low"][::-1], None]
    return {
        "type": "scatter",
        "x": xs,
        "y": ys,
        "fill": "toself",
        "fillcolor": rgba(color, 0.18),
        "line": {"width": 0},
        "mode": "lines",
        "name": f"{group} 95% CI",
        "legendgroup": group,
        "showlegend": False,
        "hoverinfo": "skip",
    }


@cache
def template_white() -> dict:
    """The plotly_white template as a dict (plotly.js knows no template names)."""
    return pio.templates["plotly_white"].to_plotly_json()


def error_y(mean: Sequence[float], low: Sequence[float], high: Sequence[float]) -> dict:
    """Asymmetric error bars from CI bounds (missing bounds draw no bar)."""
    m = pd.Series(list(mean), dtype=float)
    plus = (pd.Series(list(high), dtype=float) - m).fillna(0.0).clip(lower=0.0)
    minus = (m - pd.Series(list(low), dtype=float)).fillna(0.0).clip(lower=0.0)
    return {"type": "data", "symmetric": False, "array": plus.tolist(),
            "arrayminus": minus.tolist(), "thickness": 1.5, "width": 4}  # fmt: skip


def placeholder(title: str, text: str, height: int = 260) -> go.Figure:
    """An empty chart that says what to do to fill it."""
    fig = go.Figure()
    fig.add_annotation(text=text, showarrow=False, font={"size": 15, "color": "#52606d"})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, title, height=height)
