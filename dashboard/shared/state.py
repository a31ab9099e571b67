"""Server-side state of one dashboard app: the served run, bundled scenarios, and session results.

Browser sessions keep their own work in `dcc.Store`s (the edited scenario, the list of their runs).
A run's full result is too big for the browser, so it lives in a disk cache on the server under an
unguessable random token that only the session which made it holds: two sessions never see each
other's runs. Nothing here is mutated after the app starts except that cache (process-safe, so
the job workers that simulate can write to it), the job manager (`dashboard.shared.jobs`), and
what only saves work: the few runs read last, kept unpickled, and each run's memo of the figures
pages built from it (a run never changes once made, so neither does what is derived from it).
"""

from __future__ import annotations

import atexit
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import diskcache
import flask
import pandas as pd

from dashboard.shared.jobs import JobManager
from dashboard.shared.memo import Memo
from sim import api
from sim.api import Scenario
from sim.results import RunResult

STATE_KEY = "CCSIM_DASHBOARD_STATE"
STARTUP_TOKEN = "startup"
RESULT_TTL_S = 12 * 3600  # a session's run stays on the server this long after it was made
CACHE_LIMIT_BYTES = 2 * 1024**3
TOKEN_BYTES = 16
RECENT_RUNS = 4  # session runs kept unpickled in the server's memory, most recently read first


@dataclass
class SessionRun:
    """A finished run as the result pages read it: the result (without logs) and its journeys."""

    result: RunResult
    label: str
    journey: dict[str, Any] | None = None  # mean flows from the contact logs, see sim.kpis.journeys

    @property
    def memo(self) -> Memo:
        """What pages derived from this run in this process (see `dashboard.shared.memo`)."""
        memo = self.__dict__.get("_memo")
        if memo is None:
            memo = self.__dict__.setdefault("_memo", Memo())
        return memo

    def site_interval_table(self) -> pd.DataFrame:
        """`result.site_interval_table()`, computed once per run and process (read-only)."""
        return self.memo.get("site_interval_table", self.result.site_interval_table)

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the memo (it is rebuilt where the run is read)."""
        return {k: v for k, v in self.__dict__.items() if k != "_memo"}


@dataclass
class AppState:
    """What every callback of one app may read: fixed at start-up, plus the results cache."""

    startup: SessionRun
    store_root: Path
    work_dir: Path
    bundled: dict[str, Path] = field(default_factory=dict)
    jobs: JobManager = field(default_factory=JobManager)
    _recent: OrderedDict[str, SessionRun] = field(default_factory=OrderedDict, repr=False)
    _recent_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def scenario(self) -> Scenario:
        """The scenario the dashboard was started with (the default for new sessions)."""
        return self.startup.result.model.scenario

    def cache(self) -> diskcache.Cache:
        """The results cache (a new handle per call, as diskcache recommends across processes)."""
        return results_cache(self.work_dir)

    def put(self, run: SessionRun) -> str:
        """Keep a session's run on the server; returns the token the session holds."""
        return put_run(self.work_dir, run)

    def get(self, token: str | None) -> SessionRun | None:
        """The run behind a session's token (the served run for 'startup'); None if gone."""
        if token == STARTUP_TOKEN:
            return self.startup
        if not isinstance(token, str) or not token:
            return None
        with self._recent_lock:
            if token in self._recent:  # a run never changes once stored: no need to re-read it
                self._recent.move_to_end(token)
                return self._recent[token]
        with self.cache() as cache:
            run = cache.get(token)
        if not isinstance(run, SessionRun):
            return None
        with self._recent_lock:
            self._recent[token] = run
            while len(self._recent) > RECENT_RUNS:
                self._recent.popitem(last=False)
        return run


def results_cache(work_dir: Path) -> diskcache.Cache:
    """The results cache under an app's work folder (job workers open it by path)."""
    return diskcache.Cache(str(work_dir / "results"), size_limit=CACHE_LIMIT_BYTES)


def put_run(work_dir: Path, run: SessionRun) -> str:
    """Keep `run` in the results cache under a new unguessable token; returns the token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with results_cache(work_dir) as cache:
        cache.set(token, run, expire=RESULT_TTL_S)
    return token


def new_state(startup: SessionRun, store_root: Path, jobs: JobManager | None = None) -> AppState:
    """State for a new app, with a private work folder removed when the process exits (and
    `jobs` as its job manager, else a new one)."""
    work = Path(tempfile.mkdtemp(prefix="ccsim-dashboard-"))
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    return AppState(startup, store_root, work, api.bundled_scenarios(), jobs or JobManager())


def attach_state(server: flask.Flask, state: AppState) -> None:
    server.config[STATE_KEY] = state


def app_state(server: flask.Flask | None = None) -> AppState:
    """This app's state (the current request's app when `server` is not given)."""
    return (server or flask.current_app).config[STATE_KEY]
