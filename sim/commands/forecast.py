"""`ccsim forecast import CSV`: interval volumes -> a demand entry with profiles and day factor."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.commands.common import fail, out_console
from sim.commands.options import AsJson
from sim.errors import ScenarioError

forecast_app = typer.Typer(help="Forecasts: import interval volumes as scenario demand.",
                           no_args_is_help=True)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(forecast_app, name="forecast")


@forecast_app.command("import")
def import_(
    csv: Annotated[Path, typer.Argument(help="CSV with interval_start, calls")],
    out: Annotated[
        Path | None, typer.Option(help="write the demand entry as YAML here (never overwritten)")
    ] = None,
    name: Annotated[str, typer.Option(help="contact type name")] = "forecast",
    timezone: Annotated[str, typer.Option(help="IANA zone of the clock times")] = "UTC",
    aht_s: Annotated[float, typer.Option(min=1, help="handle time for the staffing what-if")] = 300,
    quantile: Annotated[float, typer.Option(help="day-factor quantile to staff for")] = 0.9,
    replications: Annotated[int, typer.Option(min=2, help="simulations of the day variance")] = 10,
    seed: Annotated[int, typer.Option(min=0)] = 1,
    until: Annotated[
        str | None, typer.Option(help="fit only on intervals before this date (YYYY-MM-DD)")
    ] = None,
    plan: Annotated[
        Path | None,
        typer.Option(
            help="also write a plan scenario from --until (or the first date) to the "
            "file's last date, staffed by Erlang C 80/20 (new YAML file)"
        ),
    ] = None,  # fmt: skip
    as_json: AsJson = False,
) -> None:
    """Profiles, volume and gamma day factor from interval volumes; simulated check; what-if."""
    from sim.calibrate.forecast import import_forecast, simulated_dispersion, staffing_what_if
    from sim.calibrate.report import write_scenario
    from sim.scenario.models import check_timezone

    try:
        check_timezone(timezone, "--timezone")
        for option, path in (("--out", out), ("--plan", plan)):
            if path is not None and path.exists():
                raise ScenarioError(f"{option} {path}: already exists; ccsim never overwrites")
        fc = import_forecast(csv, name=name, timezone=timezone,
                             handle_time={"dist": "exponential", "mean_s": aht_s},
                             until=until)  # fmt: skip
        check = simulated_dispersion(fc, replications, seed)
        what_if = staffing_what_if(fc, aht_s, quantile)
        if out is not None:
            write_scenario(out, _yaml(fc, check, csv))
        if plan is not None:
            write_scenario(plan, _plan_yaml(fc, csv, aht_s, until))
    except ScenarioError as exc:
        fail(exc)
    summary = {
        "days": fc.days, "interval_s": fc.interval_s,
        "volume_per_day": fc.demand["volume_per_day"],
        "weekday_profile": fc.demand["weekday_profile"],
        "day_factor_cv": fc.overdispersion.cv,
        "interval_dispersion_observed": fc.interval_dispersion,
        "interval_dispersion_day_factor_only": fc.interval_dispersion_model,
        "day_variance": check,
        "what_if": {k: v for k, v in what_if.items() if not k.startswith("agents_by")},
    }  # fmt: skip
    if as_json:
        sys.stdout.write(json.dumps(summary) + "\n")
        return
    p = out_console.print
    d, c, w = fc.demand, check, what_if
    p(f"{fc.days} days of {fc.interval_s // 60}-min volumes; mean {d['volume_per_day']:.0f} "
      f"calls/day over the week; Monday..Sunday {d['weekday_profile']}")  # fmt: skip
    p(f"day-to-day variance / Poisson variance: observed "
      f"{c['observed_variance_over_poisson']:.1f}, simulated "
      f"{c['simulated_variance_over_poisson']:.1f} (95% CI {c['simulated_ci95'][0]:.1f}-"
      f"{c['simulated_ci95'][1]:.1f}); gamma day factor cv {fc.overdispersion.cv:.3f}")  # fmt: skip
    p(f"{fc.interval_s // 60}-min counts: variance/mean {fc.interval_dispersion:.2f} observed, "
      f"{fc.interval_dispersion_model:.2f} from the day factor alone (the rest is day-to-day "
      "change of the intraday shape)")  # fmt: skip
    mean_days = w["share_of_days_meeting_target_staffed_for_mean"]
    q_days = w["share_of_days_meeting_target_staffed_for_quantile"]
    p(f"what-if ({w['weekday']}, AHT {aht_s:g} s, 80/20 by Erlang C): staffed for the mean day "
      f"{w['agent_hours_for_mean']:.0f} agent-hours, expected SL "
      f"{w['expected_sl_staffed_for_mean']:.1%}, target met on {mean_days:.0%} of days; staffed "
      f"for the {quantile:.0%} day-factor quantile {w['agent_hours_for_quantile']:.0f} h, "
      f"{w['expected_sl_staffed_for_quantile']:.1%}, {q_days:.0%} of days")  # fmt: skip
    for path in (out, plan):
        if path is not None:
            p(f"wrote {path}")


def _yaml(fc, check: dict, source: Path) -> str:
    import yaml

    from sim.calibrate.report import _FlowLists

    header = [
        f"Demand imported by `ccsim forecast import` from {source.name}: {fc.days} days of "
        f"{fc.interval_s // 60}-minute volumes.",
        "Paste the entry under `demand:` of a scenario and give it its channel, language,",
        "handle time and patience. Gamma day factor: simulated day-to-day variance/Poisson",
        f"{check['simulated_variance_over_poisson']:.1f} vs observed "
        f"{check['observed_variance_over_poisson']:.1f}.",
    ]
    body = yaml.dump({"demand": [fc.demand]}, Dumper=_FlowLists, sort_keys=False, width=100)
    return "".join(f"# {h}\n" for h in header) + body


def _plan_yaml(fc, source: Path, aht_s: float, until: str | None) -> str:
    """The plan scenario over the rest of the file, as YAML with a header saying how it was made."""
    import textwrap

    import pandas as pd
    import yaml

    from sim.calibrate.forecast import plan_scenario
    from sim.calibrate.report import _FlowLists

    start = str(pd.Timestamp(until).date()) if until else fc.source_dates[0]
    days = (pd.Timestamp(fc.source_dates[1]) - pd.Timestamp(start)).days + 1
    data = plan_scenario(fc, start, max(days, 1), aht_s)
    header = [
        f"Plan written by `ccsim forecast import --plan` from {source.name}: demand forecast from "
        f"{fc.days} days before {start}; {data['horizon']['days']} days from {start}.",
        f"Staffing: Erlang C 80/20 per weekday and 15-min slot at the mean volume, AHT {aht_s:g} "
        "s (the volumes carry no handle times).",
        "Back-test the forecast: ccsim backtest PLAN VOLUMES.csv --format volumes",
    ]
    body = yaml.dump(data, Dumper=_FlowLists, sort_keys=False, width=100)
    lines = textwrap.wrap(" ".join(header[:2]), 96) + [header[2]]
    return "".join(f"# {h}\n" for h in lines) + body
