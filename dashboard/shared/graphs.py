"""Charts that appear with their figure: a slot in the layout, the graph put in by its callback.

A `dcc.Graph` laid out without a figure draws an empty plot on mount (axes, modebar; ~0.1 s of
the browser's main thread per chart on a loaded machine), then draws again when its callback's
figure arrives. A slot holds no graph until then, so each chart is drawn once; later figures go
to the same graph (React keeps it, plotly updates it in place).
"""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html


def graph_slot(graph_id: str, loading: bool = True) -> Any:
    """Where the graph `graph_id` will appear (under a loading spinner unless `loading` is off);
    its callback writes `drawn(graph_id, figure)` to `slot_id(graph_id)`'s children."""
    slot = html.Div(id=slot_id(graph_id))
    return dcc.Loading(slot, type="circle") if loading else slot


def slot_id(graph_id: str) -> str:
    return f"{graph_id}-slot"


def drawn(graph_id: str, figure: Any) -> Any:
    """The graph with its figure for the slot (no update stays no update)."""
    if figure is dash.no_update:
        return figure
    return dcc.Graph(id=graph_id, figure=figure)
