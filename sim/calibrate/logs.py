"""Reading real call logs into one tidy table of calls, saying what was dropped and why.

Every reader returns a `CallLog`: one row per call that reached the agent queue, with its arrival
(queue entry, local wall-clock seconds from the first local midnight of the log), wait, outcome
(served or abandoned), talk time and agent; plus the list of dropped rows with the reason. The
formats are the Technion "Anonymous Bank" log (`anonymous-bank`) and a generic CSV (`csv`, columns
documented in docs/calibration.md). Calls simulated by ccsim convert to the same table
(`observed.calls_from_contact_log`), so observed and simulated KPIs share one code path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.errors import ScenarioError
from sim.scenario.models import check_timezone

FORMATS = ("anonymous-bank", "csv")
BANK_COLUMNS = (
    "priority", "type", "date", "vru_entry", "vru_time", "q_start", "q_time", "outcome",
    "ser_start", "ser_time", "server",
)  # fmt: skip
CSV_REQUIRED = ("arrival", "type", "outcome", "wait_s", "service_s")
CSV_OUTCOMES = ("served", "abandoned")
CALL_COLUMNS = (
    "call_id", "type", "priority", "arrival_s", "wait_s", "served", "service_s", "agent",
)  # fmt: skip
NO_AGENT = ""


@dataclass
class CallLog:
    """Calls that reached the agent queue, with the rows dropped on the way (reason -> count)."""

    calls: pd.DataFrame  # CALL_COLUMNS, sorted by arrival_s
    start: pd.Timestamp  # local midnight of the first day (arrival_s = 0)
    days: int
    timezone: str
    source: str
    dropped: dict[str, int] = field(default_factory=dict)
    rows_read: int = 0
    priority_is_order: bool = False  # True: `priority` is the queue order (1 = served first)

    def drop(self, mask: np.ndarray | pd.Series, reason: str) -> None:
        """Remove the calls where `mask` holds and record how many and why."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.dropped[reason] = self.dropped.get(reason, 0) + int(mask.sum())
            self.calls = self.calls[~mask].reset_index(drop=True)

    def dates(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, periods=self.days, freq="D")


def read_log(path: str | Path, fmt: str = "anonymous-bank", timezone: str | None = None) -> CallLog:
    """Read and clean a call log in one of FORMATS (timezone: IANA zone of its clock times)."""
    path = Path(path)
    if fmt not in FORMATS:
        raise ScenarioError(f"--format {fmt!r}: unknown log format; use one of {list(FORMATS)}")
    if not path.exists():
        raise ScenarioError(f"{path}: no such file; give the path of a call log")
    if path.is_dir():
        raise ScenarioError(f"{path}: is a folder; give the path of a call log file")
    if fmt == "anonymous-bank":
        zone = check_timezone(timezone or "Asia/Jerusalem", "--timezone")
        return _read_bank(path, zone)
    return _read_csv(path, check_timezone(timezone or "UTC", "--timezone"))


def _table(path: Path, sep: str, required: tuple[str, ...]) -> pd.DataFrame:
    try:
        df = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise ScenarioError(
            f"{path}: the file is empty; a call log needs a header row and calls"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        kind = "TSV" if sep == "\t" else "CSV"
        raise ScenarioError(f"{path}: not a readable {kind} file: {exc}") from None
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ScenarioError(
            f"{path}: missing column(s) {missing}; the format needs {list(required)} "
            f"(found {list(df.columns)[:12]})"
        )
    if df.empty:
        raise ScenarioError(f"{path}: has a header but no calls")
    return df


def _numbers(df: pd.DataFrame, column: str, path: Path) -> np.ndarray:
    values = pd.to_numeric(df[column].str.strip(), errors="coerce")
    bad = values.isna()
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ScenarioError(
            f"{path}: column {column!r} row {row + 2}: {df[column].iloc[row]!r} is not a number "
            f"({int(bad.sum())} such rows)"
        )
    return values.to_numpy(dtype=float)


def _clock_seconds(values: pd.Series, column: str, path: Path) -> np.ndarray:
    """H:MM:SS clock times -> seconds after midnight, with a clear error on a bad stamp."""
    parts = values.str.strip().str.extract(r"^(\d{1,2}):(\d{2}):(\d{2})$")
    bad = parts.isna().any(axis=1)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ScenarioError(
            f"{path}: column {column!r} row {row + 2}: {values.iloc[row]!r} is not a clock time "
            f"H:MM:SS ({int(bad.sum())} such rows)"
        )
    p = parts.astype(int).to_numpy()
    return p[:, 0] * 3600 + p[:, 1] * 60 + p[:, 2]


def _read_bank(path: Path, timezone: str) -> CallLog:
    """The Anonymous Bank log: VRU, queue and service stamps per call (see data README)."""
    df = _table(path, "\t", BANK_COLUMNS)
    raw_dates = df["date"].str.strip()
    dates = pd.to_datetime(raw_dates, format="%y%m%d", errors="coerce")
    dates[~raw_dates.str.fullmatch(r"\d{6}")] = pd.NaT
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise ScenarioError(
            f"{path}: column 'date' row {row + 2}: {df['date'].iloc[row]!r} is not a date yymmdd"
        )
    start = dates.min()
    day_s = ((dates - start).dt.days * 86_400).to_numpy()
    entry = _clock_seconds(df["vru_entry"], "vru_entry", path)
    q_start = _clock_seconds(df["q_start"], "q_start", path)
    s_start = _clock_seconds(df["ser_start"], "ser_start", path)
    # stamps after midnight belong to the next day (the date column is the VRU entry's)
    q_start = q_start + np.where(q_start < entry - 3600, 86_400, 0)
    s_start = s_start + np.where(s_start < entry - 3600, 86_400, 0)
    vru_time = _numbers(df, "vru_time", path)
    q_time = _numbers(df, "q_time", path)
    ser_time = _numbers(df, "ser_time", path)
    outcome = df["outcome"].str.strip().str.upper()
    known = outcome.isin(["AGENT", "HANG", "PHANTOM"])
    if not known.all():
        row = int(np.flatnonzero(~known.to_numpy())[0])
        raise ScenarioError(
            f"{path}: column 'outcome' row {row + 2}: {df['outcome'].iloc[row]!r}; "
            "use AGENT, HANG or PHANTOM"
        )
    queued = df["q_start"].str.strip() != "0:00:00"
    served = (outcome == "AGENT").to_numpy()
    server = df["server"].str.strip()
    calls = pd.DataFrame(
        {
            "call_id": df.get("call_id", pd.Series(range(len(df)))).astype(str),
            "type": df["type"].str.strip(),
            "priority": pd.to_numeric(df["priority"], errors="coerce").fillna(0).astype(int),
            "arrival_s": (day_s + np.where(queued, q_start, s_start)).astype(float),
            "wait_s": np.where(queued, q_time, 0.0),
            "served": served,
            "service_s": np.where(served, ser_time, 0.0),
            "agent": np.where(served & (server != "NO_SERVER"), server, NO_AGENT),
        }
    )
    raw = pd.DataFrame({"vru": vru_time, "q": q_time, "ser": ser_time, "queued": queued,
                        "outcome": outcome})  # fmt: skip
    log = CallLog(calls, start, int(day_s.max() // 86_400) + 1, timezone, str(path), {}, len(df))
    log.calls = pd.concat([calls, raw.add_prefix("_")], axis=1)
    c = log.calls
    log.drop(c["_outcome"] == "PHANTOM", "PHANTOM outcome: not a real call (the data's own label)")
    c = log.calls
    log.drop(
        (c["_vru"] < 0) | (c["_q"] < 0) | (c["_ser"] < 0),
        "negative VRU, queue or service time: inconsistent time stamps",
    )
    c = log.calls
    log.drop(
        (c["_outcome"] == "HANG") & ~c["_queued"],
        "hung up in the VRU before reaching the agent queue (no queue stamp): IVR demand, not "
        "agent-queue demand (this includes the zero-VRU-time rows and the night-time calls)",
    )
    return _finish(log)


def _read_csv(path: Path, timezone: str) -> CallLog:
    """The generic CSV format (docs/calibration.md)."""
    df = _table(path, ",", CSV_REQUIRED)
    arrival = pd.to_datetime(df["arrival"].str.strip(), errors="coerce", format="ISO8601")
    if arrival.isna().any():
        row = int(np.flatnonzero(arrival.isna().to_numpy())[0])
        raise ScenarioError(
            f"{path}: column 'arrival' row {row + 2}: {df['arrival'].iloc[row]!r} is not a date "
            "and time; use ISO 8601 local time, e.g. 2024-03-04 09:15:02"
        )
    if getattr(arrival.dt, "tz", None) is not None:
        arrival = arrival.dt.tz_convert(timezone).dt.tz_localize(None)
    outcome = df["outcome"].str.strip().str.lower()
    bad = ~outcome.isin(CSV_OUTCOMES)
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise ScenarioError(
            f"{path}: column 'outcome' row {row + 2}: {df['outcome'].iloc[row]!r}; "
            f"use one of {list(CSV_OUTCOMES)}"
        )
    served = (outcome == "served").to_numpy()
    wait = _numbers(df, "wait_s", path)
    service = np.where(served, _numbers(df.assign(service_s=df["service_s"].replace("", "0")),
                                        "service_s", path), 0.0)  # fmt: skip
    start = arrival.min().normalize()
    agent = df["agent"].str.strip() if "agent" in df else pd.Series(NO_AGENT, index=df.index)
    priority = (
        pd.to_numeric(df["priority"], errors="coerce").fillna(0).astype(int)
        if "priority" in df
        else pd.Series(0, index=df.index)
    )
    calls = pd.DataFrame(
        {
            "call_id": df["call_id"] if "call_id" in df else pd.Series(range(len(df))).astype(str),
            "type": df["type"].str.strip(),
            "priority": priority,
            "arrival_s": (arrival - start).dt.total_seconds().to_numpy(),
            "wait_s": wait,
            "served": served,
            "service_s": service,
            "agent": np.where(served, agent, NO_AGENT),
        }
    )
    days = int(calls["arrival_s"].max() // 86_400) + 1
    log = CallLog(calls, start, days, timezone, str(path), {}, len(df), "priority" in df)
    log.drop((wait < 0) | (service < 0), "negative wait or service time")
    log.drop(log.calls["type"] == "", "no call type")
    return _finish(log)


def _finish(log: CallLog) -> CallLog:
    if log.calls.empty:
        raise ScenarioError(f"{log.source}: no usable calls left after cleaning ({log.dropped})")
    bad = ~log.calls["type"].str.match(r"^[A-Za-z0-9_\-]+$")
    if bad.any():
        raise ScenarioError(
            f"{log.source}: call type {log.calls['type'][bad].iloc[0]!r}: use letters, digits, "
            "_ or - only"
        )
    calls = log.calls[list(CALL_COLUMNS)]
    log.calls = calls.sort_values("arrival_s", kind="stable").reset_index(drop=True)
    return log


def write_calls_csv(calls: pd.DataFrame, start: pd.Timestamp, path: str | Path) -> None:
    """Write a table of calls in the generic CSV format (e.g. a ccsim run, to test calibration)."""
    arrival = start + pd.to_timedelta(calls["arrival_s"].to_numpy(), unit="s")
    pd.DataFrame(
        {
            "arrival": arrival.strftime("%Y-%m-%d %H:%M:%S.%f"),
            "type": calls["type"].to_numpy(),
            "outcome": np.where(calls["served"], "served", "abandoned"),
            "wait_s": calls["wait_s"].round(3).to_numpy(),
            "service_s": calls["service_s"].round(3).to_numpy(),
            "agent": calls["agent"].to_numpy(),
            "priority": calls["priority"].to_numpy(),
        }
    ).to_csv(path, index=False)
