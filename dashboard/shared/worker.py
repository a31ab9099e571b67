"""The main loop of one job worker: a spawned process that runs jobs the server sends it.

Started as a fresh interpreter (`python -c`), never forked: so it cannot inherit a lock some
server thread held at the fork (the hang background workers had with a forking manager). It
imports the simulator once, then loops: receive `(job_id, fn, args)`, run `fn(progress, *args)`,
send back progress messages and one final `done` or `failed`. It exits when the server closes
the pipe, sends None, or disappears (a watchdog thread checks the parent every half second, so a
worker never outlives a killed server).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from multiprocessing.connection import Connection
from typing import Any

PARENT_CHECK_S = 0.5


def _watch_parent(parent_pid: int) -> None:
    """End this process as soon as the server that started it is gone."""
    while True:
        time.sleep(PARENT_CHECK_S)
        if os.getppid() != parent_pid:
            os._exit(0)


def failure_message(exc: BaseException) -> str:
    """What the page shows for a job's error: a user error's own words, else its type and text."""
    from sim.api import ScenarioError

    if isinstance(exc, ScenarioError):
        return str(exc)
    return f"the job failed ({type(exc).__name__}): {exc}"


def main(fd: int, parent_pid: int) -> None:
    """Entry point of `python -c`: serve jobs over the socket `fd` (see the module docstring)."""
    serve(Connection(fd), parent_pid)


def serve(conn: Connection, parent_pid: int) -> None:
    """Serve jobs over `conn` until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C goes to the server, which stops us
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    import dashboard.shared.state  # noqa: F401 - warm: the first job does not pay for the
    import sim.api  # noqa: F401 - imports (the simulator, the results cache every job writes)

    conn.send(("ready", None, None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        job_id, fn, args = message

        def progress(done: int, total: int, job_id: str = job_id) -> None:
            conn.send(("progress", job_id, (int(done), int(total))))

        try:
            value: Any = fn(progress, *args)
        except Exception as exc:  # noqa: BLE001 - reported to the page as a failed job
            conn.send(("failed", job_id, failure_message(exc)))
        else:
            conn.send(("done", job_id, value))
