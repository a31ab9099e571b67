"""`ccsim plan --out DIR`: the plan's tables as CSV and Parquet, plan.json and an HTML chart.

The folder must be new (never overwritten; missing parents are created); files are written to a
hidden temporary folder that is renamed at the end, so an interrupted run leaves nothing
half-written.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from sim.output import check_out_dir
from sim.planning.figures import write_chart
from sim.planning.result import PlanResult


def write_plan(result: PlanResult, out: Path) -> list[Path]:
    """Write weeks, by_week, classes, short_weeks (and simulation) tables, JSON and chart."""
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    check_out_dir(out)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        frames = {"weeks": result.weeks, "by_week": result.by_week(),
                  "classes": result.classes, "short_weeks": result.short_weeks()}  # fmt: skip
        if result.simulation is not None:
            frames["simulation"] = result.simulation
        for name, frame in frames.items():
            frame = frame.copy()
            for col in ("week_start", "start"):
                if col in frame.columns:
                    frame[col] = frame[col].astype(str)
            frame.to_csv(tmp / f"{name}.csv", index=False)
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
        (tmp / "plan.json").write_text(json.dumps(result.to_json(), indent=2, allow_nan=False))
        write_chart(result, tmp / "plan_chart.html")
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return sorted(out.iterdir())
