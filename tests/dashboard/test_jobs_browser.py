"""Background runs in the browser: every click starts a run, none hangs, cancel, killed workers,
two sessions at once, and no worker left once the server stops."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from helpers import browser_port, single_queue

from dashboard.app import create_app
from dashboard.shared.state import AppState, app_state
from sim import api

pytestmark = pytest.mark.browser
PORT = browser_port(3)  # each browser test file has its own port
SERVER_PORT = browser_port(4)
READY = "#run-kpi-service_level .kpi-value"
JOB_JS = "return sessionStorage.getItem('run-job')"


def medium_scenario() -> dict:
    """One voice queue for a day, ~43k contacts a replication (a few tenths of a second)."""
    return single_queue(rate_per_s=0.5, aht_s=180, agents=100, patience_s=180)


@pytest.fixture(scope="module")
def medium_result():
    return api.run(api.from_dict(medium_scenario(), "medium"), replications=1)


@pytest.fixture
def served(dash_duo, medium_result, tmp_path: Path):
    """The app on the medium scenario (its served scenario is what Run simulates)."""
    app = create_app(result=medium_result, store=tmp_path / "runs")
    dash_duo.start_server(app, port=PORT)
    dash_duo.state = app_state(app.server)
    return dash_duo


def job_id(duo) -> str | None:
    raw = duo.driver.execute_script(JOB_JS)
    return json.loads(raw)["id"] if raw else None


def set_replications(duo, n: int) -> None:
    duo.clear_input("#run-replications")
    duo.find_element("#run-replications").send_keys(str(n))


def wait_for(condition, timeout: float, what: str) -> float:
    """Poll `condition()` until true; the seconds it took (fails the test after `timeout`)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def run_finished(duo, previous: str | None) -> bool:
    """A new job id is stored, the page says Finished and Run is enabled again."""
    return bool(
        job_id(duo) not in (None, previous)
        and duo.driver.execute_script("return document.querySelector('#run-done') !== null")
        and not duo.find_element("#run-start").get_attribute("disabled")
    )


def start_long_run(duo) -> str:
    """Start 50 replications and wait until the first ones are done; the job id."""
    duo.driver.get(duo.server_url + "/run")
    duo.wait_for_element(READY, timeout=20)
    set_replications(duo, 50)
    duo.find_element("#run-start").click()
    duo.wait_for_contains_text("#run-progress-text", "replications done", timeout=30)
    return job_id(duo)


def test_a_click_right_after_the_page_appears_starts_a_run(served) -> None:
    """Ten times: open Run, click the moment the button exists; each click runs to the end."""
    state: AppState = served.state
    for _ in range(10):
        before = job_id(served)
        served.driver.get(served.server_url + "/run")
        served.wait_for_element("#run-start", timeout=20).click()
        wait_for(lambda before=before: run_finished(served, before), 30, "the run to finish")
        assert state.jobs.status(job_id(served)).state == "done"
    assert served.get_logs() == []


def test_twenty_runs_in_a_row_finish(served) -> None:
    """Twenty one-replication runs in a row: each finishes and gives the button back."""
    served.driver.get(served.server_url + "/run")
    served.wait_for_element(READY, timeout=20)
    set_replications(served, 1)
    times = []
    for _ in range(20):
        before = job_id(served)
        served.find_element("#run-start").click()
        times.append(wait_for(lambda b=before: run_finished(served, b), 30, "the run to finish"))
    print(f"20 runs: click to 'Finished' mean {sum(times) / 20:.2f} s, max {max(times):.2f} s")
    assert served.get_logs() == []


def test_cancel_mid_run_stops_it_and_the_next_run_works(served) -> None:
    """Cancel ends a running job: the page says so, its worker is gone, Run works again."""
    job = start_long_run(served)
    pid = served.state.jobs.status(job).pid
    served.find_element("#run-cancel").click()
    served.wait_for_element("#run-cancelled", timeout=10)
    wait_for(lambda: not served.find_element("#run-start").get_attribute("disabled"), 5, "Run")
    wait_for(lambda: not _alive(pid), 5, "the cancelled worker to end")
    assert served.state.jobs.status(job).state == "cancelled"
    set_replications(served, 1)
    served.find_element("#run-start").click()
    wait_for(lambda: run_finished(served, job), 30, "a run after the cancel")


def test_a_killed_worker_is_reported_failed_and_run_comes_back(served) -> None:
    """Killing the worker mid-run shows a failed run within seconds; the next run works."""
    job = start_long_run(served)
    os.kill(served.state.jobs.status(job).pid, signal.SIGKILL)
    took = wait_for(
        lambda: "worker process stopped" in served.find_element("#run-status").text,
        10,
        "the failure on the page",
    )
    print(f"killed worker reported on the page after {took:.2f} s")
    assert took < 3
    wait_for(lambda: not served.find_element("#run-start").get_attribute("disabled"), 5, "Run")
    set_replications(served, 1)
    served.find_element("#run-start").click()
    wait_for(lambda: run_finished(served, job), 30, "a run after the kill")


def test_two_sessions_run_at_the_same_time(served) -> None:
    """Two tabs (two sessions) run at once on the two workers, and both finish."""
    driver, state = served.driver, served.state
    first = start_long_run(served)
    driver.switch_to.new_window("tab")
    second = start_long_run(served)
    assert first != second
    both = [state.jobs.status(first), state.jobs.status(second)]
    assert [job.state for job in both] == ["running", "running"]
    assert both[0].pid != both[1].pid
    for job in (first, second):
        wait_for(lambda job=job: state.jobs.status(job).state == "done", 90, "both runs")
    served.wait_for_element("#run-done", timeout=10)
    driver.switch_to.window(driver.window_handles[0])
    served.wait_for_element("#run-done", timeout=10)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[-1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_no_worker_outlives_the_server(dash_duo, tmp_path: Path, how: signal.Signals) -> None:
    """`ccsim dashboard` after a run has workers; stopping the server (TERM or KILL) ends them."""
    scenario = tmp_path / "medium.yaml"
    scenario.write_text(yaml.safe_dump(medium_scenario()))
    url = f"http://127.0.0.1:{SERVER_PORT}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    command = "from sim.cli import main; main()"
    server = subprocess.Popen(
        [sys.executable, "-c", command, "dashboard", str(scenario), "--port", str(SERVER_PORT),
         "--replications", "1"],
        env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for(lambda: _answers(url), 180, "the server to start")
        dash_duo.driver.get(url + "/run")
        dash_duo.wait_for_element(READY, timeout=30)
        dash_duo.find_element("#run-start").click()
        dash_duo.wait_for_element("#run-done", timeout=60)
        workers = _children(server.pid)
        assert len(workers) == 2, workers
        server.send_signal(how)
        server.wait(10)
        wait_for(lambda: not any(_alive(pid) for pid in workers), 5, "the workers to end")
    finally:
        if server.poll() is None:
            server.kill()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False
