"""Replications in forked copies of this process: no start-up, nothing to send but the results.

A process that has already imported ccsim and compiled its model (a dashboard job worker) can
fork children that inherit both, so a short run spreads over the cores at once, where starting
worker interpreters would cost more than the run. Items go to lanes round-robin, one child per
lane; with more lanes than cores (by default one lane per item, up to `MAX_LANES`) the system
shares the cores evenly, so 5 replications on 2 cores take ~2.5 replications' time, not 3.
Results come back in item order, so a run's numbers are bit-identical to the serial backend's.

Only for a process whose other threads hold no locks (a fork copies just the calling thread; a
lock held elsewhere would stay held in the child). Each child dies with its parent (Linux:
PR_SET_PDEATHSIG), so killing the parent, as Cancel does, stops the whole run.
"""

from __future__ import annotations

import ctypes
import gc
import os
import pickle
import signal
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, Pipe, wait
from typing import Any

from sim.experiments.backends import Done, SerialBackend

MAX_LANES = 8
PR_SET_PDEATHSIG = 1


class ForkBackend:
    """Runs `fn(shared, item)` for each item in forked children, `lanes` of them at a time."""

    def __init__(self, lanes: int | None = None) -> None:
        self.lanes = lanes
        self.workers = lanes or MAX_LANES
        self.label = f"forked:{self.workers}"

    def map(
        self, fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any], done: Done | None
    ) -> list[Any]:
        """`[fn(shared, item) for item in items]`, computed in forked children."""
        lanes = max(1, min(len(items), self.lanes or MAX_LANES))
        if len(items) <= 1 or not hasattr(os, "fork"):
            return SerialBackend().map(fn, shared, items, done)
        children: dict[Connection, int] = {}
        finished = False
        try:
            gc.freeze()  # the children's collections then skip (and do not copy) our objects
            try:
                for lane in range(lanes):
                    reader, pid = _fork_lane(fn, shared, items, range(lane, len(items), lanes))
                    children[reader] = pid
            finally:
                gc.unfreeze()
            out = _collect(children, len(items), done)
            finished = True
            return out
        finally:
            _reap(children, kill=not finished)

    def close(self) -> None:
        pass

    def __enter__(self) -> ForkBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _fork_lane(
    fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any], indices: range
) -> tuple[Connection, int]:
    """Fork a child that sends `(index, fn(shared, items[index]))` for each index, then exits."""
    reader, writer = Pipe(duplex=False)
    parent = os.getpid()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid:
        writer.close()
        return reader, pid
    code = 0
    try:  # the child: never returns into the caller's code
        reader.close()
        _die_with(parent)
        for index in indices:
            if index == indices[-1]:
                gc.disable()  # this process ends after its last item: its garbage goes with it
            try:
                writer.send((index, True, fn(shared, items[index])))
            except BaseException as exc:  # noqa: BLE001 - sent to the parent, which raises it
                writer.send((index, False, _picklable(exc)))
                return
    except BaseException:  # noqa: BLE001 - e.g. the parent is gone: nothing to report to
        code = 1
    finally:
        os._exit(code)


def _die_with(parent: int) -> None:
    """Have the kernel kill this child when its parent dies (Linux), or exit if it already has."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _picklable(exc: BaseException) -> BaseException:
    try:
        pickle.dumps(exc)
    except Exception:  # noqa: BLE001 - the exception itself is what matters, not its type
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def _collect(children: dict[Connection, int], n: int, done: Done | None) -> list[Any]:
    """Gather every item's result from the children; raise the first error one reports."""
    out: list[Any] = [None] * n
    received = 0
    open_ = list(children)
    while received < n:
        if not open_:
            raise RuntimeError("a replication process stopped before sending its results")
        for conn in wait(open_):
            try:
                index, ok, value = conn.recv()  # type: ignore[union-attr]
            except (EOFError, OSError):
                open_.remove(conn)  # type: ignore[arg-type]
                continue
            if not ok:
                raise value
            out[index] = value
            received += 1
            if done is not None:
                done(received)
    return out


def _reap(children: dict[Connection, int], kill: bool) -> None:
    """Reap the children (they exit once they have sent everything); first kill them if `kill`
    (after an error, the others' results are not wanted)."""
    for conn, pid in children.items():
        conn.close()
        try:
            if kill:
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ChildProcessError, ProcessLookupError):
            pass
