"""The in-process job runner: states, progress, results, errors and cancellation."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from service.components.jobs import JobControl, JobState, JobStatus, ThreadJobRunner
from service.errors import InvalidInputError, NotFoundError

WAIT = 10.0


@pytest.fixture
def runner() -> Iterator[ThreadJobRunner]:
    jobs = ThreadJobRunner(workers=1)
    yield jobs
    jobs.shutdown()


def settled(runner: ThreadJobRunner, job_id: str, *states: JobState) -> JobStatus:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        status = runner.status(job_id)
        if status.state in (states or (JobState.DONE, JobState.FAILED, JobState.CANCELLED)):
            return status
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} stayed {runner.status(job_id).state}")


def test_a_job_reports_progress_and_its_result(runner: ThreadJobRunner) -> None:
    step = threading.Event()
    seen: list[JobStatus] = []

    def work(control: JobControl) -> str:
        control.progress(40.0, "A.5.15")
        step.wait(WAIT)
        return "assessment-1"

    job_id = runner.submit("assessment", work, scope="qa")
    deadline = time.monotonic() + WAIT
    while runner.status(job_id).percent < 40.0 and time.monotonic() < deadline:
        time.sleep(0.01)
    seen.append(runner.status(job_id))
    step.set()
    done = settled(runner, job_id)
    assert (seen[0].state, seen[0].percent, seen[0].current) == (JobState.RUNNING, 40.0, "A.5.15")
    assert (done.state, done.percent, done.result, done.error) == (
        JobState.DONE, 100.0, "assessment-1", None)
    assert done.scope == "qa" and done.name == "assessment"
    assert done.started_at is not None and done.finished_at is not None


def test_failures_keep_a_message_and_never_a_traceback(runner: ThreadJobRunner) -> None:
    def refused(_control: JobControl) -> str:
        raise InvalidInputError("no requirement 'Z.1' in iso27001-2022")

    def crashed(_control: JobControl) -> str:
        raise RuntimeError("secret internals at /srv/x.py line 3")

    expected = settled(runner, runner.submit("x", refused))
    assert (expected.state, expected.error) == (JobState.FAILED,
                                                "no requirement 'Z.1' in iso27001-2022")
    unexpected = settled(runner, runner.submit("x", crashed))
    assert unexpected.state == JobState.FAILED
    assert unexpected.error is not None and "RuntimeError" in unexpected.error
    assert "secret" not in unexpected.error and "Traceback" not in unexpected.error


def test_cancel_a_queued_job_at_once_and_a_running_one_at_its_next_step(
    runner: ThreadJobRunner,
) -> None:
    started, steps = threading.Event(), []

    def long_running(control: JobControl) -> str:
        started.set()
        for step in range(1000):
            control.progress(step / 10, f"step {step}")
            steps.append(step)
            time.sleep(0.005)
        return "finished"

    running = runner.submit("long", long_running)
    queued = runner.submit("queued", lambda control: "never")
    assert started.wait(WAIT)
    assert runner.cancel(queued).state == JobState.CANCELLED
    assert runner.cancel(running).cancel_requested
    stopped = settled(runner, running)
    assert stopped.state == JobState.CANCELLED and stopped.result is None
    assert len(steps) < 1000
    assert runner.cancel(running).state == JobState.CANCELLED  # final states stay


def test_unknown_jobs_are_not_found(runner: ThreadJobRunner) -> None:
    with pytest.raises(NotFoundError, match="no job 'nope'"):
        runner.status("nope")
    with pytest.raises(NotFoundError):
        runner.cancel("nope")


def test_shutdown_cancels_what_is_pending() -> None:
    jobs = ThreadJobRunner(workers=1)
    gate = threading.Event()

    def blocked(control: JobControl) -> None:
        gate.wait(WAIT)
        control.progress(50.0)

    first = jobs.submit("first", blocked)
    second = jobs.submit("second", blocked)
    threading.Timer(0.2, gate.set).start()
    jobs.shutdown()
    assert jobs.status(first).state == JobState.CANCELLED
    assert jobs.status(second).state == JobState.CANCELLED
