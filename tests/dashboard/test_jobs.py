"""The dashboard's job manager: jobs run in spawned workers, report progress, fail, cancel, stop."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator

import pytest
from job_functions import count, crash, user_error

from dashboard.shared.jobs import Job, JobManager, JobRefused

TIMEOUT_S = 120.0  # liveness bound: spawning a worker (imports sim, dash) is slow under load


@pytest.fixture(scope="module")
def manager() -> Iterator[JobManager]:
    """One manager with two workers for the module (starting workers costs about a second)."""
    jobs = JobManager(2)
    yield jobs
    jobs.shutdown()


def wait_until(manager: JobManager, job_id: str, test, timeout: float = TIMEOUT_S) -> Job:
    """Poll the job until `test(job)` holds (fails the test after `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = manager.status(job_id)
        if job is not None and test(job):
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} stuck: {manager.status(job_id)}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie is dead too
        return stat.read().split(")")[-1].split()[0] != "Z"


def test_a_job_reports_progress_and_its_value(manager: JobManager) -> None:
    """A job runs in another process, its progress is seen while it runs, its value at the end."""
    job_id = manager.submit("s1", "count", count, 5, 0.1)
    running = wait_until(manager, job_id, lambda j: j.state == "running" and j.done >= 1)
    assert running.pid != os.getpid() and running.total == 5
    done = wait_until(manager, job_id, lambda j: not j.active)
    assert (done.state, done.value, done.done, done.total) == ("done", 5, 5, 5)


def test_errors_become_failed_jobs_with_a_message(manager: JobManager) -> None:
    """A user error keeps its own words; another exception names its type; no traceback."""
    a = manager.submit("s1", "user", user_error)
    b = manager.submit("s1", "crash", crash)
    first = wait_until(manager, a, lambda j: not j.active)
    second = wait_until(manager, b, lambda j: not j.active)
    assert first.state == "failed" and first.message.startswith("demand[0].volume_per_day")
    assert second.state == "failed" and "ZeroDivisionError" in second.message


def test_one_job_of_a_kind_per_session(manager: JobManager) -> None:
    """A second job of the same kind for the same session is refused; another session's runs."""
    mine = manager.submit("s2", "count", count, 3, 0.2)
    with pytest.raises(JobRefused, match="already has a count going"):
        manager.submit("s2", "count", count, 1, 0.0)
    theirs = manager.submit("s3", "count", count, 3, 0.2)
    for job_id in (mine, theirs):
        assert wait_until(manager, job_id, lambda j: not j.active).state == "done"


def test_a_killed_worker_fails_its_job_and_is_replaced(manager: JobManager) -> None:
    """Killing the worker mid-job marks the job failed within a second; the next job runs."""
    job_id = manager.submit("s4", "count", count, 100, 0.1)
    pid = wait_until(manager, job_id, lambda j: j.done >= 1).pid
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    failed = wait_until(manager, job_id, lambda j: not j.active, timeout=5)
    assert time.monotonic() - killed_at < 1.0
    assert failed.state == "failed" and "signal 9" in failed.message
    again = manager.submit("s4", "count", count, 2, 0.0)
    assert wait_until(manager, again, lambda j: not j.active).state == "done"


def test_cancel_stops_the_worker(manager: JobManager) -> None:
    """Cancel ends a running job as cancelled and kills its worker process."""
    job_id = manager.submit("s5", "count", count, 100, 0.1)
    pid = wait_until(manager, job_id, lambda j: j.done >= 1).pid
    assert manager.cancel(job_id).state == "cancelled"
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid)
    assert manager.status(job_id).state == "cancelled"


def test_no_worker_is_left_after_shutdown() -> None:
    """Shutdown ends every worker, cancels running jobs, and refuses new ones."""
    jobs = JobManager(2)
    job_id = jobs.submit("s", "count", count, 100, 0.1)
    wait_until(jobs, job_id, lambda j: j.done >= 1)
    pids = jobs.worker_pids()
    assert len(pids) == 2
    jobs.shutdown()
    assert not any(alive(pid) for pid in pids)
    assert jobs.status(job_id).state == "cancelled"
    with pytest.raises(JobRefused, match="shutting down"):
        jobs.submit("s", "count", count, 1, 0.0)


def test_no_job_or_worker_before_the_first_submit() -> None:
    """A new manager starts nothing until a job is submitted."""
    jobs = JobManager(2)
    time.sleep(0.2)
    assert jobs.worker_pids() == []
    jobs.shutdown()


def test_warm_starts_ready_workers_without_a_job() -> None:
    """warm() spawns the pool and the workers report ready, yet no job exists or runs."""
    jobs = JobManager(1)
    jobs.warm()
    deadline = time.time() + TIMEOUT_S
    while time.time() < deadline and not jobs.ready_workers():
        time.sleep(0.05)
    assert jobs.ready_workers() == 1 and len(jobs.worker_pids()) == 1
    assert jobs.status("1") is None  # nothing was submitted
    pids = jobs.worker_pids()
    jobs.shutdown()
    assert not any(alive(pid) for pid in pids)
