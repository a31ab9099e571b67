"""Callbacks and helpers of the scenario, run, results, staffing and past-runs pages, no browser."""

from __future__ import annotations

import base64
import io
import sys
from pathlib import Path
from types import ModuleType

import dash
import pandas as pd
import pytest
import yaml
from dash import Dash, html
from dash.exceptions import PreventUpdate

from dashboard.pages.results import figures as fr
from dashboard.pages.results.downloads import kpi_parquet, kpi_table
from dashboard.pages.scenario.forms import all_fields, apply_edits, set_path
from dashboard.pages.staffing.plan import site_series, staffing_view, totals
from dashboard.shared.cards import RESULT_CARDS, build_cards
from dashboard.shared.session import add_run, current_token, edited_scenario, run_entry
from dashboard.shared.state import STARTUP_TOKEN, AppState, SessionRun
from dashboard.shared.stored_runs import list_runs, load_run, save_run
from sim import api
from sim.errors import ScenarioError
from sim.kpis.journeys import BOT, QUEUE, RESOLVED, journey_flows
from sim.results import RunResult
from sim.scenario import BUNDLED_DIR, load_scenario

SCENARIOS = Path(BUNDLED_DIR)


def page(name: str) -> ModuleType:
    """A page module as the app loaded it (pages can only be imported once an app exists)."""
    return sys.modules[f"dashboard.pages.{name}.page"]


def upload(text: str | bytes, name: str = "bad.yaml") -> tuple[str, str]:
    raw = text.encode() if isinstance(text, str) else text
    return "data:application/x-yaml;base64," + base64.b64encode(raw).decode(), name


def texts(component: object) -> str:
    """All text inside a Dash component tree."""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        return " ".join(texts(c) for c in children)
    return "" if children is None else texts(children)


def test_every_page_registered_and_served(app: Dash) -> None:
    """All eleven pages are registered and their URLs answer 200."""
    paths = [p["path"] for p in dash.page_registry.values()]
    assert paths == ["/", "/scenario", "/run", "/results", "/staffing", "/compare", "/lab",
                     "/runs", "/calibration", "/capacity", "/backtest"]  # fmt: skip
    client = app.server.test_client()
    for path in paths:
        assert client.get(path).status_code == 200, path


def test_form_edits_validate_and_map_problems_to_fields(state: AppState) -> None:
    """Edits are validated like YAML; each problem lands on the field whose path it names."""
    base = state.scenario.model_dump(mode="json")
    values = {f.path: f.value for f in all_fields(base)}
    scenario, messages, others = apply_edits(base, values)
    assert scenario == state.scenario and messages == {} and others == []
    values["demand[0].volume_per_day"] = -5
    values["sites[0].groups[0].shifts[0].headcount"] = 2.5
    values["sites[1].groups[0].wage_per_hour"] = None
    scenario, messages, _ = apply_edits(base, values)
    assert scenario is None
    assert messages == {"sites[1].groups[0].wage_per_hour": "enter a number"}
    values["sites[1].groups[0].wage_per_hour"] = 9.0
    _, messages, _ = apply_edits(base, values)
    assert messages["demand[0].volume_per_day"] == "must be at least 0; you entered -5"
    assert "valid integer" in messages["sites[0].groups[0].shifts[0].headcount"]


def test_form_problems_of_no_field_name_their_items(state: AppState) -> None:
    """A problem the form has no field for is listed as the reader sees it, with the names of
    the site and group its path passes (the fields' own messages stay short)."""
    base = state.scenario.model_dump(mode="json")
    values = {f.path: f.value for f in all_fields(base)}
    site, group = base["sites"][1]["name"], base["sites"][1]["groups"][0]["name"]
    base["sites"][1]["groups"][0]["skills"][0]["fcr"] = 2.0
    scenario, messages, others = apply_edits(base, values)
    assert scenario is None and messages == {}
    assert others == [f"sites[1].groups[0].skills[0].fcr: Input should be less than or equal to 1 "
                      f"(got 2.0) (in site {site!r}, group {group!r})"]  # fmt: skip


def test_share_fields_speak_in_percentages(state: AppState) -> None:
    """A bot share out of range names the allowed range in percent and what was typed."""
    base = state.scenario.model_dump(mode="json")
    share = next(f for f in all_fields(base) if f.path.endswith(".bot.share"))
    assert share.share and "25%" in share.hint
    _, messages, _ = apply_edits(base, {share.path: 1.5})
    assert messages[share.path] == (
        "a share from 0% to 100% (0 to 1): must be at most 100%; you entered 1.5 (150%)"
    )


def test_peak_multipliers_field_holds_one_number_per_peak() -> None:
    """Peaks keep their own multipliers; edits apply per peak; a wrong count is flagged."""
    original = load_scenario(SCENARIOS / "peak_season.yaml")
    base = original.model_dump(mode="json")
    values = {f.path: f.value for f in all_fields(base)}
    field = "demand[0].peaks[*].multiplier"
    assert apply_edits(base, values)[0] == original  # untouched form: the same scenario
    multipliers = [p.multiplier for p in original.demand[0].peaks]
    values[field] = ", ".join(f"{2 * m:g}" for m in multipliers)
    values["sites[0].groups[0].shifts[0].headcount"] = 7.0
    scenario, messages, _ = apply_edits(base, values)
    assert messages == {}
    assert [p.multiplier for p in scenario.demand[0].peaks] == [2 * m for m in multipliers]
    assert [p.multiplier for p in scenario.demand[1].peaks] == multipliers
    assert scenario.sites[0].groups[0].shifts[0].headcount == 7
    values[field] = "1, 2"
    assert "give 8 numbers" in apply_edits(base, values)[1][field]
    values[field] = ", ".join(["-1"] + ["1"] * 7)
    assert "must be more than 0" in apply_edits(base, values)[1][field]
    data = {"a": [{"b": 1}, {"b": 2}]}
    set_path(data, "a[*].b", 3)
    assert data == {"a": [{"b": 3}, {"b": 3}]}


def test_edit_callback_marks_fields_and_keeps_valid_scenario(app: Dash, state: AppState) -> None:
    """The edit callback returns a message per field, and the edited scenario only when valid."""
    scn = page("scenario")
    base = {"id": "x", "label": "default", "scenario": state.scenario.model_dump(mode="json")}
    fields = all_fields(base["scenario"])
    ids = [{"type": scn.FIELD, "path": f.path} for f in fields]
    msg_ids = [{"type": scn.MSG, "path": f.path} for f in fields]
    values = [f.value for f in fields]
    record, msgs, _ = scn.edit(values, ids, msg_ids, base, state)
    assert record["valid"] and set(msgs) == {""}
    values[0] = values[0] * 2
    record, _, _ = scn.edit(values, ids, msg_ids, base, state)
    assert record["label"].endswith("(edited)")
    assert record["scenario"]["demand"][0]["volume_per_day"] == values[0]
    values[0] = -1
    record, msgs, status = scn.edit(values, ids, msg_ids, base, state)
    assert not record["valid"] and msgs[0] and not any(msgs[1:])
    assert "1 problem" in texts(status)
    with pytest.raises(ScenarioError, match="fix the fields"):
        edited_scenario(record, state)


def test_upload_errors_are_messages_never_tracebacks(app: Dash, state: AppState) -> None:
    """Invalid YAML, invalid values, binary and oversized files each show a readable message."""
    scn = page("scenario")
    cases = {
        "key: [unclosed": "not valid YAML at line 1",
        "- just\n- a list\n": "expected a mapping",
        SCENARIOS.joinpath("default.yaml").read_text().replace("headcount: 22", "headcount: -3"):
            "sites[0].groups[0].shifts[0].headcount",
        b"\xff\xfe\x00binary": "not a text file",
        "x" * (scn.MAX_UPLOAD_BYTES + 1): "limited to 1 MB",
    }  # fmt: skip
    for text, expected in cases.items():
        store, box = scn.load_upload(*upload(text), state=state)
        assert store is dash.no_update
        assert expected in texts(box), (expected, texts(box))
        assert "Traceback" not in texts(box)
    store, box = scn.load_upload("data:x;base64,@@@", "../../etc/passwd", state=state)
    assert store is dash.no_update and "could not be read" in texts(box)
    assert "/" not in texts(box).split(":")[0]


def test_upload_and_bundled_load_give_session_base(app: Dash, state: AppState) -> None:
    """A valid upload or a bundled name becomes the session's base; unknown names are refused."""
    scn = page("scenario")
    store, box = scn.load_upload(
        *upload((SCENARIOS / "teaching_mmc.yaml").read_text(), "t.yaml"), state=state
    )
    assert box is None and store["scenario"]["name"] == "teaching_mmc"
    assert "uploaded t.yaml" in store["label"]
    store, _ = scn.load_bundled(1, "pooling_pooled", state=state)
    assert store["scenario"]["name"] == "pooling_pooled"
    store, box = scn.load_bundled(1, "../../etc/passwd", state=state)
    assert store is dash.no_update and "bundled" in texts(box)


def test_upload_feedback_names_type_limit_and_what_stays_loaded(app: Dash, state: AppState) -> None:
    """A PNG or CSV is refused as the wrong type, a big file with the limit; the old base stays."""
    scn = page("scenario")
    base = {"id": "b1", "label": "bank (bundled)", "scenario": {}}
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452") + b"\x00" * 64
    cases = {
        ("logo.png", png): "wrong file type (a .png file)",
        ("calls.csv", "date,calls\n2024-01-01,120\n"): "wrong file type (a .csv file)",
    }
    for (name, raw), expected in cases.items():
        store, box = scn.load_upload(*upload(raw, name), base, state=state)
        assert store is dash.no_update and expected in texts(box), texts(box)
        assert "Still using: bank (bundled)" in texts(box)
    size = int(3.4 * 1024**2)
    store, box = scn.load_upload_file({"filename": "big.yaml", "size_bytes": size}, base)
    assert store is dash.no_update
    assert "3.4 MB is too big; scenario files are limited to 1 MB" in texts(box)
    assert "Still using: bank (bundled)" in texts(box)


def test_download_is_yaml_of_the_edited_scenario(app: Dash, state: AppState) -> None:
    """The downloaded YAML parses back to exactly the edited scenario."""
    scn = page("scenario")
    edited = {"valid": True, "scenario": state.scenario.model_dump(mode="json")}
    out = scn.download(1, edited)
    assert out["filename"] == "default.yaml"
    assert api.load(None)[0].model_validate(yaml.safe_load(out["content"])) == state.scenario
    with pytest.raises(PreventUpdate):
        scn.download(1, {"valid": False, "scenario": None})


def test_results_cache_keeps_runs_per_token(state: AppState, small_result: RunResult) -> None:
    """Runs are found only by their random token; the served run by 'startup'."""
    token = state.put(SessionRun(small_result, "mine"))
    assert len(token) >= 20 and state.get(token).label == "mine"
    assert state.get("not-a-token") is None and state.get(None) is None
    assert state.get(STARTUP_TOKEN) is state.startup
    runs = add_run(None, {"token": "a"} | run_entry(token, state.get(token), 1))
    assert current_token(runs) == token and current_token(None) == STARTUP_TOKEN
    for i in range(20):
        runs = add_run(runs, {"token": f"t{i}", "label": "x", "replications": 1, "seed": 1,
                              "created": "now"})  # fmt: skip
    assert len(runs["runs"]) == 12 and runs["current"] == "t19"


def test_run_simulates_the_session_scenario(app: Dash, state: AppState) -> None:
    """A run of the session's (edited) scenario lands in the cache with its journeys."""
    run_page = page("run")
    sc = load_scenario(SCENARIOS / "chatbot_after.yaml")
    store = {"valid": True, "scenario": sc.model_dump(mode="json"), "label": "bot"}
    seen: list[tuple[int, int]] = []
    token, run, seed = run_page.simulate(state, store, 2, 7, lambda d, n: seen.append((d, n)))
    assert seen[-1] == (2, 2) and seed == 7
    assert state.get(token).result.model.scenario.name == "chatbot_after"
    flows = {(f["source"], f["target"]) for f in run.journey["flows"]}
    assert ("First contacts", BOT) in flows and (BOT, QUEUE) in flows
    assert (QUEUE, RESOLVED) in flows
    for bad in ((0, 1), (2.5, 1), (2, -1), ("x", 1), (51, 1)):
        with pytest.raises(ScenarioError):
            run_page.check_inputs(*bad)
    cards, label = run_page.current_cards({"current": token}, None, state)
    assert "2 replications" in label and "run-kpi-fcr" in str(cards)


def test_journey_flows_conserve_contacts() -> None:
    """Every contact in the window enters once and ends once; bot flows add up."""
    result = api.run(SCENARIOS / "chatbot_after.yaml", replications=1, keep_logs=True)
    log, model = result.logs[0], result.model
    journey = journey_flows(result.logs, model)
    flows = pd.DataFrame(journey["flows"])
    out_of = flows.groupby("source")["value"].sum()
    into = flows.groupby("target")["value"].sum()
    n = ((log.arrival_s >= model.warmup_s) & (log.arrival_s < model.measure_end_s)).sum()
    origins = [s for s in out_of.index if s not in (BOT, QUEUE)]
    assert out_of[origins].sum() == n
    assert out_of[BOT] == into[BOT] and out_of[QUEUE] == into[QUEUE]
    assert fr.sankey_figure(journey).data[0].type == "sankey"
    assert journey_flows({}, model) is None


def test_result_cards_and_downloads(small_result: RunResult) -> None:
    """Cards with CIs clipped to the metric's range (SL/AHT per channel only); KPI table as
    CSV/Parquet round-trips."""
    cards = build_cards(small_result, RESULT_CARDS)
    assert [c.metric for c in cards] == [spec.metric for spec in RESULT_CARDS]
    for card in cards:
        est = card.overall
        if card.metric in ("service_level", "aht_s"):
            assert est.mean is None and card.breakdown
            continue
        assert est.mean is not None and est.low <= est.mean <= est.high
        if card.kind == "percent":
            assert 0 <= est.low and est.high <= 1
    table = kpi_table(small_result)
    assert list(table.columns) == ["dimension", "key", "metric", "mean", "se", "ci95_low",
                                   "ci95_high", "n"]  # fmt: skip
    back = pd.read_parquet(io.BytesIO(kpi_parquet(small_result)))
    pd.testing.assert_frame_equal(back, table)
    row = table[(table["dimension"] == "overall") & (table["metric"] == "service_level")]
    assert row["mean"].item() == small_result.kpi("service_level")["mean"]


def test_heatmap_local_clock_moves_each_site_by_its_offset(small_result: RunResult) -> None:
    """Local time shifts Manila's hours by +8 and Mexico City's by -6; the axis title says so."""
    table = small_result.interval_table()
    zones = dict(zip(small_result.model.site_names, small_result.model.site_timezones,
                     strict=True))  # fmt: skip
    for metric in fr.HEATMAP_METRICS:
        utc = fr.heatmap_matrix(table, zones, metric, "utc")
        local = fr.heatmap_matrix(table, zones, metric, "local")
        for site, offset in (("manila", 8), ("mexico_city", -6)):
            rolled = utc.loc[site].to_numpy()[[(h - offset) % 24 for h in range(24)]]
            assert local.loc[site].to_numpy() == pytest.approx(rolled, nan_ok=True)
        values = utc.stack().dropna()
        assert values.between(0, 1 + 1e-9).all()
    assert fr.heatmap_figure(table, zones, "occupancy", "utc").layout.xaxis.title.text == (
        "Hour of day (UTC)"
    )
    local_fig = fr.heatmap_figure(table, zones, "sl_answered", "local")
    assert local_fig.layout.xaxis.title.text == "Hour of day, each site's local time"


def test_results_callbacks(app: Dash, state: AppState) -> None:
    """Results callbacks draw the served run; unknown tokens and options change nothing."""
    res = page("results")
    options, value = res.pick_run(None, None, state)
    assert value == STARTUP_TOKEN and options[-1]["value"] == STARTUP_TOKEN
    cards, info, queues, ticked, days, day = res.overview(STARTUP_TOKEN, state)
    assert "res-kpi-cost_per_contact" in str(cards) and "replications" in info
    assert set(ticked) <= {q["value"] for q in queues} and day in {d["value"] for d in days}
    for metric in fr.INTRADAY_METRICS:
        fig = res.intraday(STARTUP_TOKEN, metric, ticked, day, state)
        assert fig.layout.title.text and fig.layout.yaxis.title.text and fig.layout.xaxis.title.text
    occupancy, sl = res.heatmaps(STARTUP_TOKEN, "local", state)
    assert "local time" in occupancy.layout.title.text and "local time" in sl.layout.title.text
    for bad in (lambda: res.overview("nope", state), lambda: res.heatmaps(STARTUP_TOKEN, "mars"),
                lambda: res.intraday(STARTUP_TOKEN, "x", [], None, state)):  # fmt: skip
        with pytest.raises(PreventUpdate):
            bad()
    csv = res.download(1, None, STARTUP_TOKEN, "csv", state)
    assert csv["filename"] == "default-kpis.csv" and csv["content"].startswith("dimension,key")
    assert res.download(None, 1, STARTUP_TOKEN, "parquet", state)["base64"]


def test_staffing_required_vs_rostered(state: AppState) -> None:
    """The plan sits beside the roster; statuses follow the gap; the page draws each site."""
    view = staffing_view(state.scenario)
    t = view.table
    assert (t.loc[t["status"] == "under", "gap"] < 0).all()
    assert (t.loc[t["status"] == "over", "gap"] >= 2).all()
    assert totals(view)["fte"] == pytest.approx(view.plan.totals()["fte"])
    manila = site_series(view, "manila")
    assert manila["local_start"].iloc[0] == pd.Timestamp("2026-09-14 08:00")  # UTC+8
    cards, table, fig, days, error, _short = page("staffing").plan(
        "manila", None, None, 80, 20, 80, 60, "erlang", None, None, state
    )
    assert error is None and "stf-fte" in str(cards)
    assert len(days) == 1 + 8  # whole horizon + the 8 Manila dates a UTC week touches
    assert "Asia/Manila local time" in fig.layout.xaxis2.title.text
    *_, error, _short = page("staffing").plan(
        "manila", None, None, None, 20, 80, 60, "erlang", None, None, state
    )
    assert "voice target" in texts(error)


def test_stored_runs_round_trip_and_open(app: Dash, state: AppState, small_result) -> None:
    """A saved run is listed with SL and ASA per channel (in s for voice, h for email), and
    opening it restores the same KPIs into the session."""
    runs_page = page("runs")
    assert "No saved runs" in texts(runs_page.runs_table(None, None, state))
    run_id = save_run(SessionRun(small_result, "x"), state.store_root)
    assert [r["id"] for r in list_runs(state.store_root)] == [run_id]
    back = load_run(state.store_root, run_id).result
    pd.testing.assert_frame_equal(back.summary, small_result.summary, check_names=False)
    listing = texts(runs_page.runs_table(None, None, state))
    voice_asa = small_result.kpi("asa_s", "channel", "voice")["mean"]
    assert f"voice {voice_asa:.1f} s" in listing and " h" in listing.split("email")[-1]
    assert "runs-list" in str(runs_page.runs_table(None, None, state))
    session, message = runs_page.open_run([1], None, run_id, state)
    assert state.get(session["current"]).result.kpi("asa_s") == small_result.kpi("asa_s")
    assert "Opened" in texts(message)
    _, message = runs_page.open_run([1], None, "no-such-run", state)
    assert isinstance(message, html.Div) and "no run matching" in texts(message)


def test_header_and_footer_name_the_sessions_scenario_and_run(
    state: AppState, small_result: RunResult
) -> None:
    """The shell names the session's loaded/edited scenario and its current run, not the served."""
    from dashboard.shared.context import session_context

    head, about, run, foot = session_context(None, None, None, state)
    assert head == f"scenario: {state.scenario.name} (served scenario)"
    assert about == (state.scenario.description or "")
    assert run == f"run: {state.startup.label}" and f"seed {small_result.seed}" in foot
    base = {"id": "b1", "label": "peak_season (bundled)", "scenario": {"description": "peak"}}
    edited = {"id": "b1", "label": "peak_season (bundled) (edited)", "valid": True,
              "scenario": {"description": "peak, edited"}}  # fmt: skip
    token = state.put(SessionRun(small_result, "peak_season (bundled) (edited)"))
    head, about, run, foot = session_context(base, edited, {"current": token}, state)
    assert head == "scenario: peak_season (bundled) (edited)" and about == "peak, edited"
    assert run == "run: peak_season (bundled) (edited)"
    assert foot.startswith("Showing run: peak_season (bundled) (edited)")
    head, about, _, _ = session_context(
        base, {**edited, "valid": False, "scenario": None}, None, state
    )
    assert head.endswith("(edits with problems)") and about == "peak"
