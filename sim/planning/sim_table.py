"""Plan vs simulation as text, for the CLI and the dashboard alike (KPI registry formats).

Rows come from the simulation records (``PlanResult.to_json()["simulation"]``); each value is
formatted by ``sim.kpis.registry.format_value`` in the KPI's display unit (percent, seconds or
hours for email and social waits, money). The plan's own weekly cost, on its payroll basis, is
stated apart with its definition (``payroll_line``): it is not what the simulator measures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sim.kpis.registry import format_value, kpi

BASIS_NOTE = (
    "plan: SL, ASA and aband. predicted at the staffing the plan provides this week (the week's "
    "roster after shrinkage: Erlang A/X for voice and chat, the fluid backlog for email and "
    "social), beside the target or cap (– = none); * = the plan's value lies outside the "
    "simulated 95% CI; FCR the skills' FCR times the learning curve; labour the week's roster "
    "priced as the simulator prices labour (worked shift hours, absences expected, at the wage "
    "or vendor price; for a price per productive hour the offered work is the busy time, chats at "
    "full concurrency, while the simulator counts all time holding a chat: the plan's figure "
    "is then low)"
)


def metric_label(kpi_name: str, channel: str) -> str:
    """`SL voice`, `ASA chat`, `FCR`, `labour`: the registry's short label and the channel."""
    short = kpi(kpi_name).short
    return short if channel == "all" else f"{short} {channel}"


def _value(name: str, value: Any, channel: str) -> str:
    return format_value(name, value, channel=None if channel == "all" else channel)


def simulation_rows(records: Iterable[Mapping[str, Any]], currency: str = "") -> list[dict]:
    """One display row per week and metric: week, metric, plan, simulation, 95% CI, plan basis,
    target (– = none) and agrees ("yes" when the plan's value lies inside the simulated CI)."""
    out = []
    for r in records:
        name, channel = r["kpi"], r["channel"]
        plan = _value(name, r["plan"], channel)
        if r["plan"] is not None and not r["covered"]:
            plan += " (short)"
        low, high = _value(name, r["sim_ci95_low"], channel), _value(name, r["sim_ci95_high"],
                                                                    channel)  # fmt: skip
        label = metric_label(name, channel)
        if kpi(name).kind == "money" and currency:
            label += f" ({currency})"
        outside = r.get("outside_ci")
        out.append({
            "week": f"{r['week']} ({str(r['week_start'])[5:10]})", "metric": label, "plan": plan,
            "simulation": _value(name, r["sim_mean"], channel), "ci95": f"{low}–{high}",
            "plan_basis": r["plan_basis"], "target": _value(name, r.get("target"), channel),
            "agrees": "" if outside is None else ("no" if outside else "yes"),
        })  # fmt: skip
    return out


def payroll_line(week: Mapping[str, Any], currency: str, hours_per_week: float) -> str:
    """The plan's own cost of a week (a `by_week` record) with its definition and parts."""

    def money(value: float) -> str:
        return format_value("cost_total", value)

    return (
        f"week {week['week']}: plan's own weekly cost {money(week['cost'])} {currency} on the "
        f"payroll basis (not simulated): wages {money(week['cost_wages'])} "
        f"({week['headcount']:,.1f} agents on payroll and {week['in_training']:,.0f} in training "
        f"x {hours_per_week:g} h, absences paid) + overtime {money(week['cost_overtime'])} + "
        f"hiring {money(week['cost_hiring'])} + training {money(week['cost_training'])}"
    )
