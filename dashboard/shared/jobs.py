"""Background jobs for the dashboard: a small supervised pool of spawned worker processes.

A job starts only when a callback submits it (a click), runs in one of `size` workers (see
`dashboard.shared.worker`), and is polled by the page (a `dcc.Interval`) until it is done,
failed or cancelled. One supervisor thread in the server watches every worker's pipe and process
sentinel, so a worker that dies or is killed turns its job into a failed one within a poll, and
a fresh worker takes its place. Cancel kills the job's worker (a simulation cannot be interrupted
politely) and starts another. `shutdown` (at exit, and on SIGTERM through `install_shutdown`)
stops every worker; workers also end themselves when the server disappears.
"""

from __future__ import annotations

import atexit
import itertools
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from typing import Any

ACTIVE = ("queued", "running")
POLL_S = 0.05
KEEP_FINISHED_S = 3600.0
JOIN_TIMEOUT_S = 2.0


class JobRefused(Exception):
    """A job was not started; the message says why (shown on the page)."""


@dataclass
class Job:
    """One job's state as pages poll it (a copy: callers never see it change under them)."""

    id: str
    owner: str
    kind: str
    state: str = "queued"  # queued, running, done, failed, cancelled
    done: int = 0
    total: int = 0
    value: Any = None
    message: str = ""
    pid: int | None = None
    submitted: float = field(default_factory=time.monotonic)
    finished: float | None = None

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


@dataclass
class _Worker:
    process: subprocess.Popen
    conn: Connection
    ready: bool = False
    job: str | None = None
    killed: bool = False  # by cancel or shutdown: its exit is not a failure


class JobManager:
    """Queue, run, poll and cancel jobs on `size` spawned workers (started on first use)."""

    def __init__(self, size: int = 2) -> None:
        self.size = max(1, size)
        self._lock = threading.RLock()
        self._jobs: dict[str, Job] = {}
        self._queue: deque[tuple[str, Callable[..., Any], tuple[Any, ...]]] = deque()
        self._workers: list[_Worker] = []
        self._thread: threading.Thread | None = None
        self._stopping = False
        self._counter = itertools.count(1)

    # --- what callbacks call ---------------------------------------------------------------
    def submit(self, owner: str, kind: str, fn: Callable[..., Any], *args: Any) -> str:
        """Queue `fn(progress, *args)` for `owner`; JobRefused if it already has one of `kind`.

        `fn` must be importable by name (a module-level function) and `args` picklable.
        """
        with self._lock:
            if self._stopping:
                raise JobRefused("the server is shutting down")
            busy = [j for j in self._jobs.values() if j.owner == owner and j.kind == kind]
            if any(j.active for j in busy):
                raise JobRefused(f"this session already has a {kind} going: wait or cancel it")
            job_id = f"{next(self._counter)}-{secrets.token_urlsafe(12)}"
            self._jobs[job_id] = Job(job_id, owner, kind)
            self._queue.append((job_id, fn, args))
            self._forget_old()
            self._start()
            self._dispatch()  # to an idle worker now, not at the supervisor's next turn
        return job_id

    def status(self, job_id: str | None) -> Job | None:
        """A snapshot of the job (None if unknown, e.g. after a server restart)."""
        with self._lock:
            job = self._jobs.get(job_id or "")
            return None if job is None else replace(job)

    def cancel(self, job_id: str | None) -> Job | None:
        """Stop the job (kill its worker if it runs); its state becomes 'cancelled'."""
        with self._lock:
            job = self._jobs.get(job_id or "")
            if job is None or not job.active:
                return None if job is None else replace(job)
            self._queue = deque(item for item in self._queue if item[0] != job.id)
            for worker in self._workers:
                if worker.job == job.id:
                    self._kill(worker)
            self._finish(job, "cancelled", message="cancelled")
            return replace(job)

    def warm(self) -> None:
        """Start the workers now (they import the simulator) without starting any job, so the
        first Run does not wait for a fresh interpreter."""
        with self._lock:
            if not self._stopping:
                self._start()

    def ready_workers(self) -> int:
        """How many workers are up and waiting for a job."""
        with self._lock:
            return sum(1 for w in self._workers if w.ready and not w.killed)

    def worker_pids(self) -> list[int]:
        """Process ids of the live workers (for tests and diagnostics)."""
        with self._lock:
            return [w.process.pid for w in self._workers if not w.killed]

    def shutdown(self) -> None:
        """Stop every worker and the supervisor; running jobs end as cancelled."""
        with self._lock:
            self._stopping = True
            for job in self._jobs.values():
                if job.active:
                    self._finish(job, "cancelled", message="the server stopped")
            workers, self._workers = self._workers, []
            for worker in workers:
                self._kill(worker)
        for worker in workers:
            _reap(worker, JOIN_TIMEOUT_S)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(JOIN_TIMEOUT_S)

    # --- the supervisor ----------------------------------------------------------------------
    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._supervise, name="ccsim-jobs", daemon=True)
            self._thread.start()
            atexit.register(self.shutdown)

    def _spawn(self) -> None:
        """Start a worker: a fresh interpreter (not a fork) talking over a socket pair.

        Not `multiprocessing`'s spawn either: that re-imports the server's main module in the
        child, which a script without a `__main__` guard cannot survive.
        """
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
        code = f"from dashboard.shared.worker import main; main({theirs.fileno()}, {os.getpid()})"
        process = subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=[theirs.fileno()], env=env, close_fds=True
        )
        theirs.close()
        self._workers.append(_Worker(process, Connection(ours.detach())))

    def _supervise(self) -> None:
        """Run the supervisor loop; if it ever stops abnormally, stop the workers with it."""
        try:
            self._loop()
        except BaseException as exc:  # e.g. SystemExit raised into it by a test server's stop
            self.shutdown()
            if not isinstance(exc, SystemExit):
                raise

    def _loop(self) -> None:
        while True:
            with self._lock:
                if self._stopping:
                    return
                for worker in [w for w in self._workers if w.killed]:
                    _reap(worker, 0.0)
                self._workers = [w for w in self._workers if not w.killed]
                while len(self._workers) < self.size:
                    self._spawn()
                self._dispatch()
                handles = {w.conn: w for w in self._workers}
            for ready in wait(list(handles), timeout=POLL_S):
                self._handle(handles[ready], ready)

    def _dispatch(self) -> None:
        for worker in self._workers:
            if not self._queue:
                return
            if worker.ready and worker.job is None:
                job_id, fn, args = self._queue.popleft()
                job = self._jobs[job_id]
                try:
                    worker.conn.send((job_id, fn, args))
                except Exception as exc:  # noqa: BLE001 - e.g. arguments that cannot be pickled
                    self._finish(job, "failed", message=f"the job could not start: {exc}")
                    continue
                worker.job, job.state, job.pid = job_id, "running", worker.process.pid

    def _handle(self, worker: _Worker, ready: Any) -> None:
        message = None
        if ready is worker.conn:
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                message = None
        with self._lock:
            if message is None:
                self._lost(worker)
                return
            kind, job_id, payload = message
            if kind == "ready":
                worker.ready = True
                return
            job = self._jobs.get(job_id)
            if job is None or not job.active:
                return
            if kind == "progress":
                job.done, job.total = payload
            else:
                worker.job = None
                self._finish(job, kind, value=payload if kind == "done" else None,
                             message="" if kind == "done" else str(payload))  # fmt: skip

    def _lost(self, worker: _Worker) -> None:
        """A worker's pipe closed or its process ended: fail its job, replace it."""
        if worker not in self._workers or worker.killed:
            return
        try:
            code = worker.process.wait(0.5)
        except subprocess.TimeoutExpired:
            code = None
        job = self._jobs.get(worker.job or "")
        if job is not None and job.active:
            how = f"killed by signal {-code}" if code is not None and code < 0 else f"code {code}"
            self._finish(job, "failed", message=f"the worker process stopped ({how})")
        self._kill(worker)

    def _kill(self, worker: _Worker) -> None:
        worker.killed = True
        if worker.process.poll() is None:
            worker.process.kill()

    def _finish(self, job: Job, state: str, value: Any = None, message: str = "") -> None:
        job.state, job.value, job.message, job.finished = state, value, message, time.monotonic()

    def _forget_old(self) -> None:
        now = time.monotonic()
        old = [
            k
            for k, j in self._jobs.items()
            if j.finished is not None and now - j.finished > KEEP_FINISHED_S
        ]
        for key in old:
            del self._jobs[key]


def _reap(worker: _Worker, timeout: float) -> None:
    """Collect a stopped worker's exit status and close its pipe."""
    try:
        worker.process.wait(timeout)
    except subprocess.TimeoutExpired:
        pass
    worker.conn.close()


def install_shutdown(manager: JobManager) -> None:
    """Stop `manager`'s workers on SIGTERM too (main thread only; keeps a custom handler)."""
    if threading.current_thread() is not threading.main_thread():
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous not in (signal.SIG_DFL, None):
        return

    def on_term(signum: int, _frame: Any) -> None:
        manager.shutdown()
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
