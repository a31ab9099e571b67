"""Back-test tables drawn generically from its JSON: the summary and any list of rows it holds.

Every top-level list of records (`intervals`, `decomposition`, and whatever the back-test adds,
such as per-queue rows) can be shown as a paged table with all its fields;
scalars and flat mappings (`outside_share`) make the summary.
"""

from __future__ import annotations

from typing import Any

from dash import html

from dashboard.pages.backtest.figures import metric_label, times

PAGE_SIZE = 24
MAX_SCALAR_CHARS = 80  # longer strings (a report, a path) stay out of the summary line
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
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() and abs(value) < 1e15 else f"{value:.4g}"
    return value


def table_rows(result: dict[str, Any], key: str) -> tuple[list[str], list[dict[str, Any]]]:
    """(fields, rows as shown) of one list of records: every field, a time beside `interval`."""
    rows = result.get(key) or []
    fields = list(dict.fromkeys(k for r in rows for k in r))
    stamps = None
    if "interval" in fields and "start" in result:
        stamps = times(result, [int(r["interval"]) for r in rows]).strftime("%a %d %b %H:%M")
        fields.insert(fields.index("interval") + 1, "time")
    shown = []
    for i, r in enumerate(rows):
        row = {k: _cell(v) for k, v in r.items()}
        if stamps is not None:
            row["time"] = stamps[i]
        shown.append(row)
    return fields, shown


def numeric_fields(rows: list[dict[str, Any]]) -> set[str]:
    """Fields holding numbers (right-aligned)."""
    return {k for r in rows for k, v in r.items() if isinstance(v, int | float)
            and not isinstance(v, bool)}  # fmt: skip


def data_table(result: dict[str, Any], key: str, only_outside: bool = False, page: Any = 1):
    """One page of a list of records as a table (rows outside their PI in red), and a note
    saying which rows these are."""
    fields, rows = table_rows(result, key)
    numeric = numeric_fields(result.get(key) or [])
    if only_outside and "outside" in fields:
        rows = [r for r in rows if r.get("outside") == "yes"]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page_ = min(max(int(page), 1), pages) if isinstance(page, int | float) else 1
    part = rows[(page_ - 1) * PAGE_SIZE : page_ * PAGE_SIZE]
    body = [
        html.Tr(
            [html.Td(r.get(f, ""), className="num" if f in numeric else None) for f in fields],
            className="row-bad" if r.get("outside") == "yes" else None,
        )
        for r in part
    ]
    head = html.Thead(html.Tr([html.Th(f.replace("_", " ")) for f in fields]))
    first = (page_ - 1) * PAGE_SIZE + 1 if rows else 0
    last = first + len(part) - 1 if part else 0
    note = f"Rows {first}–{last} of {len(rows)}, page {page_} of {pages}."
    return html.Div(
        [
            html.Div(
                html.Table([head, html.Tbody(body)], className="table", id="bt-table"),
                style={"overflowX": "auto"},
            ),
            html.P(note, className="panel-note", id="bt-table-note"),
        ]
    )


def summary(record: dict[str, Any] | None) -> Any:
    """What was compared, and per metric how often actual fell outside the simulated 95% PI."""
    if not record:
        return None
    result = record["result"]
    scalars = {k: v for k, v in result.items() if isinstance(v, int | float | bool)
               or (isinstance(v, str) and len(v) <= MAX_SCALAR_CHARS)}  # fmt: skip
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
