"""Where replications run: in this process, on local worker processes, or on a Dask cluster.

Every backend does one thing: `map(fn, shared, items)` returns `[fn(shared, item) for item in
items]`, in the order of `items`, whichever worker finished first. Results are then combined in
that order by the caller, so a run's numbers are bit-identical on any backend with any number of
workers (each item carries its own replication index, hence its own random streams).

Local processes come from a `forkserver` context: the server imports ccsim once and forks each
worker from it, which is quick and safe even while the parent runs threads (progress bars, Dask).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol

from sim.errors import ScenarioError

Done = Callable[[int], None]  # called with the number of items finished so far
AUTO_MIN_CONTACTS = 400_000  # below this much work, starting processes does not pay


class Backend(Protocol):
    """Runs `fn(shared, item)` for each item and returns the results in item order."""

    workers: int
    label: str

    def map(
        self, fn: Callable[[Any, Any], Any], shared: Any, items: Sequence[Any], done: Done | None
    ) -> list[Any]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Backend: ...

    def __exit__(self, *exc: object) -> None: ...


class SerialBackend:
    """Everything in this process, one item after the other."""

    workers = 1
    label = "serial"

    def map(self, fn, shared, items, done=None):  # noqa: D102
        out = []
        for item in items:
            out.append(fn(shared, item))
            if done is not None:
                done(len(out))
        return out

    def close(self) -> None:
        pass

    def __enter__(self) -> SerialBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ProcessBackend:
    """A pool of local worker processes, started on first use and kept for the next maps."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.label = f"processes:{workers}"
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["sim.experiments.tasks"])
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
        return self._pool

    def map(self, fn, shared, items, done=None):  # noqa: D102
        pool = self._executor()
        futures: dict[Future, int] = {pool.submit(fn, shared, it): i for i, it in enumerate(items)}
        out: list[Any] = [None] * len(items)
        pending = set(futures)
        try:
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    out[futures[fut]] = fut.result()
                if done is not None:
                    done(len(items) - len(pending))
        except BaseException:
            for fut in pending:
                fut.cancel()
            self.close(cancel=True)
            raise
        return out

    def close(self, cancel: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self._pool = None

    def __enter__(self) -> ProcessBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(cancel=exc[0] is not None)


class DaskBackend:
    """A Dask cluster: an existing scheduler (`tcp://host:8786`) or `local` (a LocalCluster)."""

    connect_timeout = "10s"

    def __init__(self, address: str, workers: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - dask is a dependency
            raise ScenarioError(
                "--dask needs dask[distributed]: pip install 'dask[distributed]'"
            ) from None
        self._cluster = None
        if address == "local":
            n = workers or os.cpu_count() or 1
            self._cluster = LocalCluster(
                n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self._client = Client(self._cluster)
        else:
            try:
                self._client = Client(address, timeout=self.connect_timeout)
            except (OSError, TimeoutError) as exc:
                raise ScenarioError(
                    f"--dask {address}: cannot reach a Dask scheduler there ({exc}); start one "
                    "with `dask scheduler` (see docs/experiments.md) or use --dask local"
                ) from None
        self.workers = max(1, sum(self._client.nthreads().values()))
        self.label = f"dask:{address}"

    def map(self, fn, shared, items, done=None):  # noqa: D102
        from distributed import as_completed

        shared_f = self._client.scatter(shared, broadcast=True)
        futures = [self._client.submit(fn, shared_f, it, pure=False) for it in items]
        index = {f.key: i for i, f in enumerate(futures)}
        out: list[Any] = [None] * len(items)
        try:
            for n, fut in enumerate(as_completed(futures), start=1):
                out[index[fut.key]] = fut.result()
                if done is not None:
                    done(n)
        except BaseException:
            self._client.cancel(futures)
            raise
        return out

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self) -> DaskBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def auto_workers(expected_contacts: float, tasks: int) -> int:
    """Local processes worth starting: 1 for small runs, else one per core (at most one a task)."""
    cores = os.cpu_count() or 1
    if tasks <= 1 or expected_contacts * tasks < AUTO_MIN_CONTACTS:
        return 1
    return max(1, min(cores, tasks))


def make_backend(workers: int | None = 1, dask: str | None = None) -> Backend:
    """A backend from the CLI options: `dask` wins; else `workers` processes (1 = in process)."""
    if workers is not None and workers < 1:
        raise ScenarioError(f"--workers must be at least 1 (got {workers})")
    if dask:
        return DaskBackend(dask, workers)
    if workers is None or workers == 1:
        return SerialBackend()
    return ProcessBackend(workers)
