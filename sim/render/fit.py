"""Tables that fit the terminal: columns folded into several tables rather than wrapped cells.

Rich shrinks a table that is wider than the console by wrapping cells, which splits numbers
across lines. Here every value column is measured first and the columns are packed, in order,
into as many tables as needed so that each fits the width; the key column (queue, site) repeats
in each. Cells never wrap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.table import Table
from rich.text import Text

_BORDER = 3  # a column's left border and padding on both sides


@dataclass
class Grid:
    """A table before layout: a key column, value columns and rows of cell markup."""

    title: str
    key: str
    columns: list[str]
    rows: list[tuple[str, list[str]]] = field(default_factory=list)
    caption: str | None = None

    def add(self, key: str, cells: list[str]) -> None:
        self.rows.append((key, cells))


def _width(markup: str) -> int:
    return Text.from_markup(markup).cell_len


def fit(grid: Grid, width: int) -> list[Table]:
    """The grid as one table if it fits `width`, else as several with the columns folded."""
    key_w = max([_width(k) for k, _ in grid.rows] + [len(grid.key)])
    col_w = [
        max([_width(cells[i]) for _, cells in grid.rows] + [_width(h)])
        for i, h in enumerate(grid.columns)
    ]
    room = width - 1 - (key_w + _BORDER)
    packs: list[list[int]] = [[]]
    used = 0
    for i, w in enumerate(col_w):
        if packs[-1] and used + w + _BORDER > room:
            packs.append([])
            used = 0
        packs[-1].append(i)
        used += w + _BORDER
    tables = []
    for n, cols in enumerate(packs):
        title = grid.title if n == 0 else f"{grid.title} (continued)"
        caption = grid.caption if n == len(packs) - 1 else None
        table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
        table.add_column(grid.key, no_wrap=True)
        for i in cols:
            table.add_column(grid.columns[i], justify="right", no_wrap=True, min_width=col_w[i])
        for key, cells in grid.rows:
            table.add_row(key, *(cells[i] for i in cols))
        tables.append(table)
    return tables
