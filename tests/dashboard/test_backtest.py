"""Back-test page callbacks as plain functions: uploads, inputs, the job, and generic drawing."""

from __future__ import annotations

import base64
import copy
import sys
from types import ModuleType

import pandas as pd
import pytest
from dash import Dash

from dashboard.pages.backtest import figures, logs, tables
from dashboard.pages.backtest.job import get_record
from dashboard.shared.state import AppState
from sim.api import ScenarioError


@pytest.fixture(scope="module")
def page(app: Dash) -> ModuleType:
    """The back-test page module as the app loaded it (pages import only once an app exists)."""
    return sys.modules["dashboard.pages.backtest.page"]


def upload(raw: bytes, name: str) -> tuple[str, str]:
    return "data:text/plain;base64," + base64.b64encode(raw).decode(), name


@pytest.fixture(scope="module")
def record(page: ModuleType, state: AppState) -> dict:
    """One day of the bank log back-tested against the calibrated plan (2 replications)."""
    fn, args = page.prepare(state, "bundled", None, "csv", "calibrated", None, 1, 2, 1)
    seen: list[tuple[int, int]] = []
    entry = fn(lambda done, total: seen.append((done, total)), *args)
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)
    return {"entry": entry, "record": get_record(state.work_dir, entry["token"])}


def test_upload_of_the_wrong_type_says_what_to_upload(state: AppState) -> None:
    """A .yaml file is refused with a message naming the accepted call log types."""
    with pytest.raises(ScenarioError, match=r"wrong file type \(a .yaml file\).*\.tsv, \.csv"):
        logs.save_upload(state.work_dir, *upload(b"name: x\n", "plan.yaml"))


def test_upload_over_the_limit_names_the_limit(state: AppState) -> None:
    """Too big (measured in the browser or on the server): the message gives size and limit."""
    with pytest.raises(ScenarioError, match=r"3.0 MB is too big.*limited to 2 MB"):
        logs.save_upload(state.work_dir, None, "calls.tsv", 3 * 1024**2)
    big = b"x" * (logs.MAX_UPLOAD_BYTES + 1)
    with pytest.raises(ScenarioError, match="limited to 2 MB"):
        logs.save_upload(state.work_dir, *upload(big, "calls.tsv"))


def test_an_upload_is_kept_under_a_token_and_resolved_back(page: ModuleType, state: AppState):
    """A good upload is saved in the work folder; the session's token finds it, a forged one not;
    a second upload replaces the first on the server and sets the format from its type."""
    raw = logs.BANK_LOG.read_bytes()[:50_000]
    contents, name = upload(raw, "feb.tsv")
    kept, message, source, fmt = page.uploaded(
        {"contents": contents, "filename": name}, None, state
    )
    assert source == "upload" and fmt == "anonymous-bank" and "Uploaded feb.tsv" in str(message)
    path, label, fmt = logs.log_choice(state.work_dir, "upload", kept, "anonymous-bank")
    assert path.read_bytes() == raw and label == "feb.tsv (uploaded)" and fmt == "anonymous-bank"
    forged = {**kept, "token": "../../etc/passwd"}
    with pytest.raises(ScenarioError, match="upload a file first"):
        logs.log_choice(state.work_dir, "upload", forged, "anonymous-bank")
    contents, name = upload(b"arrival,type,outcome,wait_s,service_s\n", "calls.csv")
    second, _, _, fmt = page.uploaded({"contents": contents, "filename": name}, kept, state)
    assert fmt == "csv" and not path.exists()
    assert logs.log_choice(state.work_dir, "upload", second, fmt)[0].is_file()


def test_inputs_out_of_range_are_refused_with_the_field_named(
    page: ModuleType, state: AppState
) -> None:
    """Replications below 2, a fractional day count or no uploaded file: the message says so."""
    with pytest.raises(ScenarioError, match="replications: enter a whole number from 2 to 50"):
        page.prepare(state, "bundled", None, "csv", "calibrated", None, None, 1, 1)
    with pytest.raises(ScenarioError, match="days: enter a whole number from 1"):
        page.prepare(state, "bundled", None, "csv", "calibrated", None, 1.5, 4, 1)
    with pytest.raises(ScenarioError, match="call log: upload a file first"):
        page.prepare(state, "upload", None, "csv", "calibrated", None, None, 4, 1)


def test_the_served_scenario_fails_with_the_period_message(
    page: ModuleType, state: AppState
) -> None:
    """The session's (served) scenario plans another period: the job fails naming horizon.start."""
    fn, args = page.prepare(state, "bundled", None, "csv", "session", None, 1, 2, 1)
    with pytest.raises(ScenarioError, match="horizon.start"):
        fn(lambda *_: None, *args)


def test_a_bad_upload_fails_naming_the_users_file_not_the_servers_copy(
    page: ModuleType, state: AppState
) -> None:
    """A CSV without the needed columns fails naming data.csv; the path of the server's private
    copy (a temporary folder and a token) never reaches the page."""
    contents, name = upload(b"when,what\n2026-01-01,x\n", "data.csv")
    kept, *_ = page.uploaded({"contents": contents, "filename": name}, None, state)
    fn, args = page.prepare(state, "upload", kept, "csv", "calibrated", None, 1, 2, 1)
    with pytest.raises(ScenarioError) as failed:
        fn(lambda *_: None, *args)
    assert "data.csv (uploaded)" in str(failed.value)
    assert str(state.work_dir) not in str(failed.value) and kept["token"] not in str(failed.value)


def test_the_job_keeps_the_backtest_json_for_the_session(record: dict) -> None:
    """The cached record is the back-test's JSON (NaN as None) with the plan and log labels."""
    result = record["record"]["result"]
    assert record["entry"]["days"] == 1 and result["days"] == 1
    assert record["record"]["plan"].startswith("bank_1999")
    assert set(figures.metrics(result)) >= {"offered", "abandon_share", "asa_s"}
    values = [v for r in result["intervals"] for v in r.values() if isinstance(v, float)]
    assert all(v == v for v in values)  # no NaN left


def test_interval_chart_highlights_every_outside_point(record: dict) -> None:
    """One panel per chosen metric; the red markers are exactly the rows flagged outside."""
    rec = record["record"]
    fig = figures.interval_figure(rec, list(figures.DEFAULT_METRICS))
    rows = pd.DataFrame(rec["result"]["intervals"])
    red = [t for t in fig.data if t.name == "Actual outside the PI"]
    assert len(red) == 3
    flagged = rows[rows["outside"] & rows["metric"].isin(figures.DEFAULT_METRICS)
                   & rows["actual"].notna()]  # fmt: skip
    assert sum(len(t.x) for t in red) == len(flagged)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["calls offered (per hour)", "abandonment", "average speed of answer (s)"]


def test_decomposition_volume_is_total_actual_over_total_planned(record: dict) -> None:
    """Weighted by planned calls, the volume bar is sum(actual)/sum(simulated) offered calls."""
    result = record["record"]["result"]
    parts = figures.decomposition_summary(result)
    offered = pd.DataFrame(result["intervals"]).query("metric == 'offered'")
    dec = pd.DataFrame(result["decomposition"]).dropna(subset=["volume_ratio"])
    used = offered[offered["interval"].isin(dec["interval"])]
    assert parts["volume_ratio"] == pytest.approx(used["actual"].sum() / used["sim_mean"].sum())
    assert set(parts) == {"volume_ratio", "aht_ratio", "staffing_ratio"}
    worst = max(parts, key=lambda f: abs(parts[f] - 1))
    text = figures.reading(parts, 1)
    assert text.startswith("Over 1 day, ") and figures.RATIO_WORDS[worst][0].lower() in text


def test_new_fields_and_row_lists_show_up_without_code_changes(record: dict) -> None:
    """Per-queue rows, a new metric and a new list of rows appear in choices, chart and tables."""
    rec = copy.deepcopy(record["record"])
    result = rec["result"]
    extra = [{**r, "queue": "PS"} for r in result["intervals"]]
    extra += [{**r, "metric": "new_metric", "queue": "PS"} for r in extra if
              r["metric"] == "abandon_share"]  # fmt: skip
    result["intervals"] += extra
    result["per_queue"] = [{"queue": "PS", "offered": 10.0, "note": "new field"}]
    result["html_report"] = "<html>" + "x" * 1000
    result["sl_target"] = 0.8
    line = tables.summary(rec).children[1].children
    assert "sl target: 0.8" in line and "<html>" not in line
    assert figures.queues(result) == ["PS"]
    assert "new_metric" in figures.metrics(result)
    fig = figures.interval_figure(rec, ["new_metric"], "PS")
    assert any(t.name == "Simulated mean" for t in fig.data)
    assert "per_queue" in [o["value"] for o in tables.table_options(result)]
    fields, data = tables.table_rows(result, "per_queue")
    assert fields == ["queue", "offered", "note"] and data[0]["note"] == "new field"
    fields, data = tables.table_rows(result, "intervals")
    assert {"interval", "time", "metric", "outside", "queue"} <= set(fields)
    assert {d["outside"] for d in data} <= {"yes", "no"}


def test_table_pages_and_keeps_only_outside_rows_when_asked(record: dict) -> None:
    """Pages of 24 rows; with the filter, every row shown is one flagged outside its PI."""
    result = record["record"]["result"]
    rows = result["intervals"]
    outside = sum(r["outside"] for r in rows)
    note = tables.data_table(result, "intervals", False, 2).children[1].children
    assert note.startswith(f"Rows 25–48 of {len(rows)}")
    view = tables.data_table(result, "intervals", True, 1)
    body = view.children[0].children.children[1].children
    assert len(body) == min(outside, tables.PAGE_SIZE) and outside > 0
    assert all(tr.className == "row-bad" for tr in body)
