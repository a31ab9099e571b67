"""The plain-language verdict of a paired comparison: what B costs and what customers get.

A pure function of the paired differences (the shape of `ccsim compare --json`'s
`differences.overall` and `differences.by_channel` blocks), so the CLI and the dashboard say the
same thing. A change is stated only when its 95% CI excludes zero; otherwise it is "unchanged"
(or "the same within noise"). Shares differ in percentage points, money in the scenario's
currency, and service level is read per channel (channels have different targets and units).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

Row = Mapping[str, Any]


def pm(value: float, half: float, unit: str, sign: str = "") -> str:
    """`12.4% ± 1.1%` or `3.2 ± 0.8 points`, with enough decimals to show the half-width."""
    places = 1
    if half > 0 and math.isfinite(half):
        places = max(1, min(4, 1 - math.floor(math.log10(half))))
    if not math.isfinite(half):
        return f"{value:{sign}.{places}f}{unit} (no CI)"
    if unit == "%":
        return f"{value:{sign}.{places}f}% ± {half:.{places}f}%"
    return f"{value:{sign}.{places}f} ± {half:.{places}f}{unit}"


def _f(row: Row | None, key: str) -> float:
    value = None if row is None else row.get(key)
    if isinstance(value, Mapping):  # a by-dimension JSON block was passed where a row belongs
        raise TypeError(f"expected one KPI's statistics, got a block with {key!r}")
    return math.nan if value is None else float(value)


def half(row: Row, stat: str) -> float:
    """Half-width of the paired 95% CI of `stat` ("diff" or "rel")."""
    return (_f(row, f"{stat}_ci95_high") - _f(row, f"{stat}_ci95_low")) / 2


def significant(row: Row, stat: str) -> bool:
    """The CI of `stat` excludes zero (without a CI: any non-zero change)."""
    lo, hi = _f(row, f"{stat}_ci95_low"), _f(row, f"{stat}_ci95_high")
    if math.isnan(lo) or math.isnan(hi):
        return _f(row, stat) not in (0.0,) and not math.isnan(_f(row, stat))
    return lo > 0 or hi < 0


def _defined(row: Row | None, stat: str) -> bool:
    return row is not None and not math.isnan(_f(row, stat))


def _cost(row: Row | None, a: str, b: str) -> str | None:
    if not _defined(row, "rel") or _f(row, "a") <= 0:
        return None
    rel, h = _f(row, "rel") * 100, half(row, "rel") * 100
    if significant(row, "rel"):
        return f"{b} costs {pm(abs(rel), h, '%')} {'less' if rel < 0 else 'more'} than {a}"
    return f"{b} costs the same as {a} within noise ({pm(rel, h, '%', '+')})"


def _fcr(fcr: Row | None, cpi: Row | None) -> str | None:
    if not _defined(fcr, "diff"):
        return None
    d, h = _f(fcr, "diff") * 100, half(fcr, "diff") * 100
    if significant(fcr, "diff"):
        text = (f"resolves {pm(abs(d), h, ' points')} {'fewer' if d < 0 else 'more'} issues at "
                "first contact")  # fmt: skip
    else:
        text = f"first-contact resolution unchanged ({pm(d, h, ' points', '+')})"
    if _defined(cpi, "rel") and significant(cpi, "rel"):
        rel = _f(cpi, "rel") * 100
        text += f" ({abs(rel):.0f}% {'fewer' if rel < 0 else 'more'} contacts per issue)"
    return text


def _per_resolved(row: Row | None) -> str | None:
    if not _defined(row, "rel"):
        return None
    rel, h = _f(row, "rel") * 100, half(row, "rel") * 100
    if significant(row, "rel"):
        return f"cost per resolved issue {pm(abs(rel), h, '%')} {'lower' if rel < 0 else 'higher'}"
    return "cost per resolved issue unchanged"


def _service(by_channel: Mapping[str, Mapping[str, Row]]) -> str | None:
    changed, seen = [], False
    for channel, rows in by_channel.items():
        row = rows.get("service_level")
        if not _defined(row, "diff"):
            continue
        seen = True
        if significant(row, "diff"):
            d, h = _f(row, "diff") * 100, half(row, "diff") * 100
            verb = "falls" if d < 0 else "rises"
            changed.append(f"{channel} service level {verb} {pm(abs(d), h, ' points')}")
    if changed:
        return "; ".join(changed)
    return "service level unchanged" if seen else None


def _penalty(row: Row | None, currency: str) -> str | None:
    if not _defined(row, "diff") or (_f(row, "a") == 0 and _f(row, "b") == 0):
        return None
    d, h = _f(row, "diff"), half(row, "diff")
    if not significant(row, "diff"):
        return "SLA penalties unchanged"
    h_text = f" ± {currency} {h:,.0f}" if math.isfinite(h) else ""
    return f"SLA penalties {currency} {abs(d):,.0f}{h_text} {'lower' if d < 0 else 'higher'}"


def trade_off_verdict(
    overall: Mapping[str, Row],
    by_channel: Mapping[str, Mapping[str, Row]],
    label_a: str,
    label_b: str,
    currency: str = "USD",
    replications: int | None = None,
) -> str:
    """One line: cost, first-contact resolution, cost per resolved issue, service, penalties.

    `overall` maps KPI name -> paired statistics (a, b, diff, diff_ci95_low/high, rel,
    rel_ci95_low/high); `by_channel` maps channel -> the same.
    """
    cost = _cost(overall.get("cost_total"), label_a, label_b)
    fcr = _fcr(overall.get("fcr"), overall.get("contacts_per_issue"))
    if cost is None and fcr is not None and fcr.startswith("resolves"):
        fcr = f"{label_b} {fcr}"
    parts = [
        cost,
        fcr,
        _per_resolved(overall.get("cost_per_resolved_issue")),
        _service(by_channel),
        _penalty(overall.get("sla_penalty"), currency),
    ]
    text = "; ".join(p for p in parts if p) or f"{label_b} against {label_a}: no KPI to compare"
    if replications:
        text += f" ({replications} paired replications, 95% CIs)"
    return text
