"""How fast the dashboard feels in a browser: click Run to KPI cards, and every page's warm load.

Starts `ccsim dashboard --port P` from this checkout (a subprocess, its own process group, a
temporary run store), drives headless Chromium with selenium, and measures in the browser:

* click to results: on the Run page with the shipped defaults, from the click on Run to the new
  run's KPI cards shown (the first run after the server is up, then warm runs; each and the median);
* page loads: every page in the navigation, opened by URL and by its navigation link, until its
  content is settled (no callback pending, every chart drawn); each page is opened once to warm
  up, then timed (the median of `--page-repeats`).

Then, unless `--no-phases`, the in-process phase breakdown (`benchmarks/dashboard_run.py`) in the
same session, so the ratio of browser to in-process time is meaningful on a shared machine; the
load average is printed at the start and the end. One line per figure, a JSON last line. Usage:
PYTHONPATH=$PWD python benchmarks/dashboard_browser.py [--port 8230] [--runs 4] [--root DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SERVER_START_TIMEOUT_S = 180.0
RUN_TIMEOUT_S = 120.0
PAGE_TIMEOUT_S = 60.0
CHECK_S = 0.02
QUIET_S = 0.5  # settled this long in a row: a page's next round of callbacks can start later

# True once the page shows content, no callback is pending and every chart is drawn.
SETTLED_JS = """
const store = window.store;
if (!store) { return false; }
const cbs = Object.assign({}, store.getState().callbacks);
delete cbs.stored; delete cbs.completed;
if ([].concat(...Object.values(cbs)).length) { return false; }
const page = document.querySelector('#_pages_content');
if (!page || !page.querySelector('h1, h2')) { return false; }
if (arguments[0] && !page.querySelector(arguments[0])) { return false; }
for (const graph of page.querySelectorAll('.dash-graph')) {
  if (graph.offsetParent !== null && !graph.querySelector('.main-svg')) { return false; }
}
// every graph in the layout is in the page: plotly's bundle loads when the first graph mounts,
// and until then a graph has no element at all
const graphIds = [];
const walk = (node) => {
  if (Array.isArray(node)) { node.forEach(walk); return; }
  if (!node || typeof node !== 'object') { return; }
  if (node.type === 'Graph' && node.props && typeof node.props.id === 'string') {
    graphIds.push(node.props.id);
  }
  if (node.props) { Object.values(node.props).forEach(walk); }
};
const layout = store.getState().layout;
walk(layout && layout.components ? layout.components : layout);
for (const id of graphIds) {
  if (!document.getElementById(id)) { return false; }
}
return true;
"""
# What is holding a page back (for the timeout's message).
PENDING_JS = """
const cbs = Object.assign({}, (window.store && window.store.getState().callbacks) || {});
delete cbs.stored; delete cbs.completed;
const page = document.querySelector('#_pages_content');
return {callbacks: Object.fromEntries(Object.entries(cbs).map(([k, v]) => [k, v.length])),
        heading: !!(page && page.querySelector('h1, h2')),
        undrawn: page ? Array.from(page.querySelectorAll('.dash-graph'))
          .filter(g => g.offsetParent !== null && !g.querySelector('.main-svg'))
          .map(g => g.id) : null};
"""
# The Run page's timer: the click on Run, and the first moment the new run's cards are shown
# (the label of the current run stops naming the served run and KPI cards are in the page).
RUN_TIMER_JS = """
window.__ccsimClick = null; window.__ccsimDone = null;
document.addEventListener('click', (e) => {
  if (e.target.closest('#run-start') && window.__ccsimClick === null) {
    window.__ccsimClick = performance.now();
  }
}, true);
const check = () => {
  const label = document.querySelector('#run-current');
  if (window.__ccsimClick !== null && window.__ccsimDone === null && label
      && label.textContent && !label.textContent.includes('(served run)')
      && document.querySelector('#run-kpis .kpi-value')) {
    window.__ccsimDone = performance.now();
  }
};
new MutationObserver(check).observe(document.body,
  {subtree: true, childList: true, characterData: true});
"""


def _line(name: str, seconds: float, note: str = "") -> None:
    print(f"{name:<40} {seconds:7.3f} s{('  ' + note) if note else ''}", flush=True)


def _wait(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    """Poll `condition()` until it returns something truthy; that value."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(CHECK_S)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


@contextmanager
def dashboard_server(port: int, root: Path = ROOT) -> Iterator[tuple[str, float]]:
    """`ccsim dashboard --port port` from the checkout `root`: (its URL, seconds to answer)."""
    store = tempfile.mkdtemp(prefix="ccsim-bench-store-")
    env = {**os.environ, "PYTHONPATH": str(root), "CCSIM_RUNS": store, "CCSIM_STORE": store}
    started = time.perf_counter()
    errors = Path(store) / "server.log"  # a file, not a pipe: a full pipe would block requests
    with errors.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "sim.cli", "dashboard", "--port", str(port)],
            cwd=store,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
            start_new_session=True,  # its own process group: the workers are stopped with it
        )
    url = f"http://127.0.0.1:{port}"
    try:

        def answers() -> bool:
            if server.poll() is not None:
                raise RuntimeError(f"the server stopped: {errors.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as reply:
                    return reply.status == 200
            except OSError:
                return False

        _wait(answers, SERVER_START_TIMEOUT_S, "the dashboard server")
        yield url, time.perf_counter() - started
    finally:
        _stop_group(server)
        shutil.rmtree(store, ignore_errors=True)


def _stop_group(server: subprocess.Popen) -> None:
    """SIGTERM the server's process group (the server stops its workers), SIGKILL what is left."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            os.killpg(server.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(server.pid, signal.SIGKILL)
    if server.poll() is None:
        server.wait(5)


@contextmanager
def chromium() -> Iterator[Any]:
    """Headless Chromium through chromedriver (quit at the end, whatever happens)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    for argument in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,1000"):  # fmt: skip
        options.add_argument(argument)
    if binary := shutil.which("chromium"):
        options.binary_location = binary
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def _settled(driver: Any, selector: str = "") -> bool:
    return bool(driver.execute_script(SETTLED_JS, selector))


def _settled_at(driver: Any, selector: str = "") -> float:
    """performance.now() (ms) when the page became settled for good: the start of a stretch of
    `QUIET_S` settled checks in a row. (Two checks were not enough: between two rounds of
    chained callbacks no callback is pending for a moment, and an empty graph counts as drawn.)"""
    first = None
    end = time.monotonic() + PAGE_TIMEOUT_S
    while time.monotonic() < end:
        now = driver.execute_script("return performance.now()")
        if _settled(driver, selector):
            if first is None:
                first = now
            elif now - first >= QUIET_S * 1000:
                return first
        else:
            first = None
        time.sleep(CHECK_S)
    raise TimeoutError(
        f"page not settled after {PAGE_TIMEOUT_S:.0f} s: {driver.execute_script(PENDING_JS)}"
    )


def click_to_results(driver: Any, url: str) -> tuple[float, float]:
    """Seconds from the click on Run (shipped defaults) to the new run's KPI cards, and the
    simulation's own wall time in the worker (the page's "Finished ... in X s")."""
    driver.get(url + "/run")
    driver.execute_script("window.sessionStorage.clear()")  # a fresh tab: the served run shown
    driver.get(url + "/run")
    _wait(lambda: _settled(driver, "#run-kpis .kpi-value"), PAGE_TIMEOUT_S, "the Run page")
    driver.execute_script(RUN_TIMER_JS)
    driver.find_element("css selector", "#run-start").click()
    done = _wait(
        lambda: driver.execute_script(
            "return window.__ccsimDone === null ? null : window.__ccsimDone - window.__ccsimClick"
        ),
        RUN_TIMEOUT_S,
        "the run's KPI cards",
    )
    finished = driver.find_element("css selector", "#run-done").text
    simulated = re.search(r" in ([0-9.]+) s", finished)
    return done / 1000, float(simulated.group(1)) if simulated else float("nan")


def pages(driver: Any, url: str) -> list[tuple[str, str]]:
    """(name, path) of every page in the navigation."""
    driver.get(url + "/")
    _settled_at(driver)
    links = driver.find_elements("css selector", "#nav a")
    return [(a.text, a.get_attribute("pathname")) for a in links]


def load_by_url(driver: Any, url: str, path: str) -> float:
    """Seconds from navigation start to the page settled (a full page load by URL)."""
    driver.get(url + path)
    return _settled_at(driver) / 1000


def load_by_link(driver: Any, path: str) -> float:
    """Seconds from a click on the page's navigation link to the page settled (no reload)."""
    link = driver.find_element("css selector", f"#nav a[href='{path}']")
    start = driver.execute_script("return performance.now()")
    link.click()
    return (_settled_at(driver) - start) / 1000


def page_loads(driver: Any, url: str, repeats: int) -> dict[str, dict[str, float]]:
    """Warm load times of every page, by URL and by navigation link (median of `repeats`)."""
    out: dict[str, dict[str, float]] = {}
    for name, path in pages(driver, url):
        load_by_url(driver, url, path)  # warm-up: first visit fills the server's caches
        by_url = statistics.median(load_by_url(driver, url, path) for _ in range(repeats))
        by_link = []
        for _ in range(repeats):
            driver.get(url + ("/runs" if path == "/" else "/"))
            _settled_at(driver)
            by_link.append(load_by_link(driver, path))
        out[path] = {"url_s": round(by_url, 3), "link_s": round(statistics.median(by_link), 3)}
        _line(f"page {name} ({path}) by URL", by_url)
        _line(f"page {name} ({path}) by link", statistics.median(by_link))
    return out


def phases(root: Path) -> dict[str, Any]:
    """The in-process breakdown of the Run job (`root`'s benchmarks/dashboard_run.py JSON)."""
    done = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "dashboard_run.py")],
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=True,
    )
    lines = done.stdout.strip().splitlines()
    for line in lines[:-1]:
        print(f"  in-process {line}")
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    base = int(os.environ.get("CCSIM_TEST_PORT_BASE", "8058"))
    parser.add_argument("--port", type=int, default=base + 30)
    parser.add_argument("--runs", type=int, default=4, help="Run clicks (the first is 'first')")
    parser.add_argument("--page-repeats", type=int, default=3)
    parser.add_argument("--no-pages", action="store_true")
    parser.add_argument("--no-phases", action="store_true")
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the ccsim checkout to serve (default: this one), e.g. an export "
                             "of an older commit to compare with")  # fmt: skip
    args = parser.parse_args()
    out: dict[str, Any] = {"load_avg_start": [round(x, 2) for x in os.getloadavg()]}
    print(f"load average at start: {out['load_avg_start']} on {os.cpu_count()} cores")
    out["root"] = str(args.root)
    with dashboard_server(args.port, args.root) as (url, ready_s), chromium() as driver:
        out["server_ready_s"] = round(ready_s, 3)
        _line("server start to first answer", ready_s)
        runs, simulated = [], []
        for i in range(args.runs):
            total, job = click_to_results(driver, url)
            runs.append(round(total, 3))
            simulated.append(job)
            note = f"(simulation {job:.1f} s in the worker{'; first' if i == 0 else ''})"
            _line(f"click Run to results, run {i + 1}", total, note)
        out["run_click_to_results_s"] = runs
        out["run_simulation_s"] = simulated
        out["run_overhead_median_s"] = round(
            statistics.median(t - j for t, j in zip(runs, simulated, strict=True)), 3
        )
        _line("click to results minus simulation, median", out["run_overhead_median_s"])
        out["run_first_s"] = runs[0]
        if len(runs) > 1:
            out["run_warm_median_s"] = round(statistics.median(runs[1:]), 3)
            _line("click Run to results, warm median", out["run_warm_median_s"])
        out["run_median_s"] = round(statistics.median(runs), 3)
        _line("click Run to results, median of all", out["run_median_s"])
        if not args.no_pages:
            out["pages"] = page_loads(driver, url, args.page_repeats)
    if not args.no_phases:
        out["in_process"] = phases(args.root)
    out["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    print(f"load average at end: {out['load_avg_end']}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
