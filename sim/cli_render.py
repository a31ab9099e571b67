"""Rich tables for the CLI: verification results (run and compare reports are in `sim.render`)."""

from __future__ import annotations

from typing import Any

from rich.table import Table


def verify_table(report: dict[str, Any]) -> Table:
    table = Table(title="reference cases", title_justify="left")
    for col in ("case", "status", "metric", "expected", "analytic", "simulated", "z"):
        table.add_column(col, justify="left" if col in ("case", "status", "metric") else "right")
    colours = {"pass": "green", "fail": "red", "unsupported": "yellow"}
    for case in report["cases"]:
        status = f"[{colours[case['status']]}]{case['status']}[/]"
        if not case["checks"]:
            table.add_row(case["id"], status, "", "", "", "", "")
        for i, chk in enumerate(case["checks"]):
            table.add_row(
                case["id"] if i == 0 else "",
                status if i == 0 else "",
                chk["metric"],
                _fmt(chk.get("expected")),
                _fmt(chk.get("analytic")),
                _fmt(chk.get("simulated")),
                _fmt(chk.get("z"), "{:+.2f}"),
            )
    return table


def _fmt(value: Any, fmt: str = "{:.6g}") -> str:
    if value is None:
        return ""
    return fmt.format(value)
