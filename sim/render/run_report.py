"""What `ccsim run` prints: the scenario, service by queue against targets, journeys, costs and
staffing needs, each table folded to the terminal's width.

Durations are shown in the unit of their channel (seconds for voice and chat, hours for email and
social). The `all` row shows only what adds up across channels (volumes, abandonment); service
level, ASA and AHT are read per channel.
"""

from __future__ import annotations

import datetime as dt
import math

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from sim.kpis.registry import kpi
from sim.model import CHANNELS
from sim.render.cells import kpi_cell, money_header
from sim.render.fit import Grid, fit
from sim.results import RunResult
from sim.scenario import Scenario
from sim.staffing.needs import SiteNeed

QUEUE_KPIS = ("offered", "bot_resolved", "handled", "abandon_rate", "service_level", "asa_s",
              "aht_s")  # fmt: skip
JOURNEY_KPIS = ("fcr", "repeat_rate", "contacts_per_issue", "bot_containment")
SITE_KPIS = ("handled", "occupancy", "agent_hours", "cost_total", "cost_per_contact",
             "cost_per_resolved_issue", "sla_penalty")  # fmt: skip


def sl_target(sc: Scenario, channel: str) -> tuple[float, float]:
    """(target share, threshold in seconds) of a channel's service level."""
    settings = getattr(sc.channels, channel)
    if channel in ("voice", "chat"):
        return settings.sl_target, settings.sl_threshold_s
    return settings.sla_target, settings.sla_hours * 3600.0


def _threshold(seconds: float) -> str:
    return f"{seconds:g} s" if seconds < 3600 else f"{seconds / 3600:g} h"


def header(result: RunResult) -> RenderableType:
    """Scenario name and file, dates and time zones, sites, SL targets, replications."""
    sc = result.model.scenario
    h = sc.horizon
    end = h.start + dt.timedelta(days=math.ceil(h.days) - 1)
    n = result.replications
    ci = "mean ± 95% CI half-width" if n > 1 else "one replication: no CI"
    channels = [CHANNELS[c] for c in dict.fromkeys(result.model.type_channel)]
    targets = ", ".join(
        f"{c} {sl_target(sc, c)[0]:.0%} in {_threshold(sl_target(sc, c)[1])}" for c in channels
    )
    sites = ", ".join(f"{s.name} ({s.location}, {s.timezone})" for s in sc.sites)
    text = Text()
    text.append(f"{sc.name}", style="bold")
    text.append(f" ({result.source})" if result.source else "")
    text.append(f": {sc.description}\n" if sc.description else "\n")
    text.append(
        f"{h.start:%a %d %b %Y} to {end:%a %d %b %Y} ({h.days:g} day{'' if h.days == 1 else 's'}, "
        f"{h.timezone}); "
        f"intervals of {h.interval_minutes} min reported in {sc.reporting.timezone}\n"
    )
    text.append(f"sites: {sites}\n")
    text.append(f"targets: {targets} ({sc.reporting.sl_definition})\n")
    text.append(f"{n} replications, seed {result.seed} ({ci})")
    return text


def _sl_cell(result: RunResult, dimension: str, key: str, channel: str) -> str:
    cell = kpi_cell(result, "service_level", dimension, key, channel)
    mean = result.kpi("service_level", dimension, key)["mean"] if cell not in ("", "–") else None
    if mean is None:
        return cell
    target, _ = sl_target(result.model.scenario, channel)
    return f"{cell} [green]✓[/]" if mean >= target - 1e-12 else f"{cell} [red]✗[/]"


def _has(result: RunResult, metric: str) -> bool:
    return metric in result.summary.columns.get_level_values(0)


def queue_grid(result: RunResult) -> Grid:
    """Per queue and channel: volumes, SL against target (✓ met, ✗ missed), ASA, AHT."""
    shown = [m for m in QUEUE_KPIS if m != "bot_resolved" or _bot_used(result)]
    headers = [kpi(m).short for m in shown]
    grid = Grid("service by queue", "queue", headers,
                caption="SL ✓ meets / ✗ misses its channel's target; the all row leaves SL, "
                "ASA and AHT to the channels (their units differ)")  # fmt: skip
    model = result.model
    rows = [("queue", n, CHANNELS[model.type_channel[i]], n)
            for i, n in enumerate(model.type_names)]  # fmt: skip
    channel_keys = list(dict.fromkeys(CHANNELS[c] for c in model.type_channel))
    if len(model.type_names) > 1:
        rows += [("channel", c, c, f"[italic]{c}[/]") for c in channel_keys]
    for dimension, key, channel, label in rows:
        cells = []
        for m in shown:
            if m == "service_level":
                cells.append(_sl_cell(result, dimension, key, channel))
            elif m == "bot_resolved" and not _bot_in(result, dimension, key):
                cells.append("")
            else:
                cells.append(kpi_cell(result, m, dimension, key, channel))
        grid.add(label, cells)
    grid.add(
        "[bold]all[/]",
        [kpi_cell(result, m, "overall", "all") if kpi(m).across_channels else "" for m in shown],
    )
    return grid


def _bot_used(result: RunResult) -> bool:
    return any(t.bot is not None for t in result.model.scenario.demand)


def _bot_in(result: RunResult, dimension: str, key: str) -> bool:
    """Whether any contact type in this row has a bot in front of it."""
    model = result.model
    for i, t in enumerate(model.scenario.demand):
        if t.bot is None:
            continue
        if (dimension, key) in (("queue", t.name), ("channel", CHANNELS[model.type_channel[i]])):
            return True
    return dimension == "overall"


def journeys_grid(result: RunResult) -> Grid | None:
    """Per queue: FCR, repeat rate, contacts per issue, bot containment."""
    shown = [m for m in JOURNEY_KPIS if _has(result, m)]
    if not _bot_used(result):
        shown = [m for m in shown if m != "bot_containment"]
    if "fcr" not in shown:
        return None
    grid = Grid("journeys (issues by the queue of their first contact)", "queue",
                [kpi(m).short for m in shown])  # fmt: skip
    for name in result.model.type_names:
        grid.add(name, [kpi_cell(result, m, "queue", name) for m in shown])
    grid.add("[bold]all[/]", [kpi_cell(result, m, "overall", "all") for m in shown])
    return grid


def site_grid(result: RunResult) -> Grid:
    """Per site: handled, occupancy, agent hours, cost, per contact and per resolved issue."""
    sc = result.model.scenario
    currency = sc.costs.currency
    shown = [m for m in SITE_KPIS if _has(result, m)]
    caption = _cost_caption(result, currency)
    grid = Grid("agents and cost by site (site cost = labour)", "site",
                [money_header(m, currency) for m in shown], caption=caption)  # fmt: skip
    for site in sc.sites:
        grid.add(f"{site.name}", [kpi_cell(result, m, "site", site.name) for m in shown])
    grid.add("[bold]all[/]", [kpi_cell(result, m, "overall", "all") for m in shown])
    return grid


def _cost_caption(result: RunResult, currency: str) -> str | None:
    parts = []
    for m in ("labour_cost", "telephony_cost", "bot_cost", "sla_penalty"):
        if _has(result, m):
            parts.append(f"{kpi(m).short} {kpi_cell(result, m, 'overall', 'all')}")
    if not parts:
        return None
    # one part a line, so a narrow terminal never splits a value from its CI
    return (
        f"all cost ({currency}) = " + "\n  + ".join(parts) + "\nper resolved issue at a site: "
        "its labour / issues its agents resolved"
    )


def staffing_grid(needs: list[SiteNeed]) -> Grid:
    """Analytic requirement against the roster at each site's peak interval and in FTE."""
    grid = Grid("staffing needs (analytic, with shrinkage) against the roster", "site",
                ["peak (local)", "need", "rostered", "FTE need", "FTE rostered"],
                caption="✓ / ✗: the roster covers / misses the need at the site's peak interval "
                "(local time); FTE need and FTE rostered: over the whole horizon, so a ✓ site "
                "can still be short of FTE at other hours; per interval and group, and the plan: "
                "ccsim staff SCENARIO")  # fmt: skip
    for n in needs:
        gap = n.rostered_at_peak - n.needed_at_peak
        mark = "[green]✓[/]" if gap >= -1e-9 else "[red]✗[/]"
        grid.add(n.site, [n.peak_local, f"{n.needed_at_peak:,.0f}",
                          f"{n.rostered_at_peak:,.0f} {mark}", f"{n.fte_needed:,.1f}",
                          f"{n.fte_rostered:,.1f}"])  # fmt: skip
    return grid


def run_report(
    result: RunResult, width: int, needs: list[SiteNeed] | None = None
) -> list[RenderableType]:
    """Everything `ccsim run` prints, laid out for a terminal `width` columns wide."""
    out: list[RenderableType] = [header(result)]
    grids = [queue_grid(result), journeys_grid(result), site_grid(result)]
    if needs:
        grids.append(staffing_grid(needs))
    for grid in grids:
        if grid is not None:
            out += fit(grid, width)
    return out


def kpi_tables(result: RunResult, width: int = 200) -> list[Table]:
    """The run's tables without the header (for callers that only want the tables)."""
    return [t for t in run_report(result, width) if isinstance(t, Table)]
