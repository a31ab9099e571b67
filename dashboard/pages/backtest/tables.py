"""Back-test tables drawn generically from its JSON: the summary and any list of rows it holds.

Every top-level list of records (`intervals`, `decomposition`, and whatever the back-test adds,
such as per-queue rows) can be shown as a sortable, filterable table with all its fields;
scalars and flat mappings (`outside_share`) make the summary.
"""

from __future__ import annotations

from typing import Any

from dash import dash_table, html
from dash.dash_table.Format import Format, Scheme

from dashboard.pages.backtest.figures import metric_label, times

PAGE_SIZE = 24
TABLE_LABELS = {"intervals": "Intervals: actual vs simulated", "decomposition": "Decomposition"}


def row_lists(result: dict[str, Any]) -> list[str]:
    """Top-level fields of the result that are lists of records (each can be a table)."""
    return [
        k
        for k, v in result.items()
        if isinstance(v, list) and v and all(isinstance(r, dict) for r in v)
    ]


def table_options(result: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {"label": TABLE_LABELS.get(k, k.replace("_", " ").capitalize()), "value": k}
        for k in row_lists(result)
    ]


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def table_rows(result: dict[str, Any], key: str) -> tuple[list[dict[str, Any]], list[dict]]:
    """(columns, data) of one list of records: every field, with a time beside `interval`."""
    rows = result.get(key) or []
    fields = list(dict.fromkeys(k for r in rows for k in r))
    stamps = None
    if "interval" in fields and "start" in result:
        stamps = times(result, [int(r["interval"]) for r in rows]).strftime("%a %d %b %H:%M")
        fields.insert(fields.index("interval") + 1, "time")
    data = []
    for i, r in enumerate(rows):
        row = {k: _cell(v) for k, v in r.items()}
        if stamps is not None:
            row["time"] = stamps[i]
        data.append(row)
    numeric = {
        f
        for f in fields
        if any(isinstance(r.get(f), int | float) and not isinstance(r.get(f), bool) for r in rows)
    }
    columns = [
        {
            "name": f,
            "id": f,
            "type": "numeric",
            "format": Format(precision=4, scheme=Scheme.decimal_or_exponent),
        }
        if f in numeric
        else {"name": f, "id": f}
        for f in fields
    ]
    return columns, data


def data_table(result: dict[str, Any], key: str) -> dash_table.DataTable:
    """A paged table of one list of records; rows outside their prediction interval in red."""
    columns, data = table_rows(result, key)
    return dash_table.DataTable(
        id="bt-table",
        columns=columns,
        data=data,
        page_size=PAGE_SIZE,
        sort_action="native",
        filter_action="native",
        style_table={"overflowX": "auto"},
        style_cell={"fontFamily": "inherit", "fontSize": "13px", "padding": "4px 8px"},
        style_header={"fontWeight": "600"},
        style_data_conditional=[
            {"if": {"filter_query": '{outside} = "yes"'}, "backgroundColor": "#fde8e8"}
        ],
    )


def summary(record: dict[str, Any] | None) -> Any:
    """What was compared, and per metric how often actual fell outside the simulated 95% PI."""
    if not record:
        return None
    result = record["result"]
    scalars = {k: v for k, v in result.items() if isinstance(v, str | int | float | bool)}
    mappings = {
        k: v
        for k, v in result.items()
        if isinstance(v, dict) and all(isinstance(x, int | float | None) for x in v.values())
    }
    line = " · ".join(f"{k.replace('_', ' ')}: {v}" for k, v in scalars.items())
    blocks: list[Any] = [
        html.P([html.Strong(record["plan"]), " against ", html.Strong(record["log"])]),
        html.P(line, className="panel-note"),
    ]
    slot_s = int(result.get("slot_s", 3600))
    for key, values in mappings.items():
        share = key == "outside_share"
        head = ["Metric", "Actual outside the 95% PI"] if share else [key.replace("_", " "), ""]
        body = [
            html.Tr(
                [
                    html.Td(metric_label(m, slot_s) if share else m),
                    html.Td(
                        "–" if v is None else (f"{v:.0%} of intervals" if share else f"{v:.4g}")
                    ),
                ]
            )
            for m, v in values.items()
        ]
        blocks.append(
            html.Table(
                [html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                className="table",
                id=f"bt-{key}",
            )
        )
    return html.Div(blocks)
