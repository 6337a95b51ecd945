"""Jobs in the database under leases: states, progress, results, errors, cancellation, and
what happens when a process stops or dies (threads mode, on SQLite)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from service.components.jobs import JobControl, JobState, JobStatus, ThreadDispatcher
from service.db import JobRow, Session, sessionmaker
from service.db.tables import utcnow
from service.domain.jobs import JobParams
from service.errors import InvalidInputError, NotFoundError
from service.pipeline.jobs import JobService
from service.pipeline.storage import open_database
from service.settings import JobsSettings, Settings

WAIT = 10.0
Handler = Callable[[JobParams, JobControl], str | None]


@pytest.fixture
def sessions(tmp_path: Path) -> sessionmaker[Session]:
    return open_database(Settings(data_dir=tmp_path / "data"))


def start(sessions: sessionmaker[Session], workers: int = 1, **handlers: Handler) -> JobService:
    settings = JobsSettings(workers=workers, lease_seconds=1.0)
    service = JobService(sessions, handlers, settings, hold_queued=True)
    service.attach(ThreadDispatcher(settings.workers, service.execute))
    return service


@pytest.fixture
def stopped() -> Iterator[list[JobService]]:
    services: list[JobService] = []
    yield services
    for service in services:
        service.shutdown()


def settled(jobs: JobService, job_id: str, *states: JobState) -> JobStatus:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        status = jobs.status(job_id)
        if status.state in (states or (JobState.DONE, JobState.FAILED, JobState.CANCELLED)):
            return status
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} stayed {jobs.status(job_id).state}")


def test_a_job_reports_progress_and_its_result(
    sessions: sessionmaker[Session], stopped: list[JobService]
) -> None:
    step = threading.Event()

    def work(params: JobParams, control: JobControl) -> str:
        control.progress(40.0, str(params["ref"]))
        step.wait(WAIT)
        return "assessment-1"

    jobs = start(sessions, assessment=work)
    stopped.append(jobs)
    job_id = jobs.submit("assessment", {"ref": "A.5.15"}, scope="qa")
    deadline = time.monotonic() + WAIT
    while jobs.status(job_id).percent < 40.0 and time.monotonic() < deadline:
        time.sleep(0.01)
    seen = jobs.status(job_id)
    other_process = start(sessions)  # any process answers from the database
    stopped.append(other_process)
    assert other_process.status(job_id) == seen
    step.set()
    done = settled(jobs, job_id)
    assert (seen.state, seen.percent, seen.current) == (JobState.RUNNING, 40.0, "A.5.15")
    assert (done.state, done.percent, done.result, done.error) == (
        JobState.DONE, 100.0, "assessment-1", None)
    assert done.scope == "qa" and done.name == "assessment"
    assert done.started_at is not None and done.finished_at is not None
    assert done.started_at.tzinfo is not None  # UTC, also from SQLite


def test_failures_keep_a_message_and_never_a_traceback(
    sessions: sessionmaker[Session], stopped: list[JobService]
) -> None:
    def refused(_params: JobParams, _control: JobControl) -> str:
        raise InvalidInputError("no requirement 'Z.1' in iso27001-2022")

    def crashed(_params: JobParams, _control: JobControl) -> str:
        raise RuntimeError("secret internals at /srv/x.py line 3")

    jobs = start(sessions, refused=refused, crashed=crashed)
    stopped.append(jobs)
    expected = settled(jobs, jobs.submit("refused", {}))
    assert (expected.state, expected.error) == (JobState.FAILED,
                                                "no requirement 'Z.1' in iso27001-2022")
    unexpected = settled(jobs, jobs.submit("crashed", {}))
    assert unexpected.state == JobState.FAILED
    assert unexpected.error is not None and "RuntimeError" in unexpected.error
    assert "secret" not in unexpected.error and "Traceback" not in unexpected.error
    with pytest.raises(NotFoundError, match="no job kind 'nope'"):
        jobs.submit("nope", {})


def test_cancel_a_queued_job_at_once_and_a_running_one_at_its_next_step(
    sessions: sessionmaker[Session], stopped: list[JobService]
) -> None:
    started, steps = threading.Event(), []

    def long_running(_params: JobParams, control: JobControl) -> str:
        started.set()
        for step in range(1000):
            control.progress(step / 10, f"step {step}")
            steps.append(step)
            time.sleep(0.005)
        return "finished"

    jobs = start(sessions, long=long_running, queued=lambda params, control: "never")
    stopped.append(jobs)
    running = jobs.submit("long", {})
    queued = jobs.submit("queued", {})
    assert started.wait(WAIT)
    assert jobs.cancel(queued).state == JobState.CANCELLED
    assert jobs.cancel(running).cancel_requested
    stopped_job = settled(jobs, running)
    assert stopped_job.state == JobState.CANCELLED and stopped_job.result is None
    assert len(steps) < 1000
    assert jobs.cancel(running).state == JobState.CANCELLED  # final states stay
    assert jobs.status(queued).state == JobState.CANCELLED


def test_unknown_jobs_are_not_found(
    sessions: sessionmaker[Session], stopped: list[JobService]
) -> None:
    jobs = start(sessions)
    stopped.append(jobs)
    with pytest.raises(NotFoundError, match="no job 'nope'"):
        jobs.status("nope")
    with pytest.raises(NotFoundError):
        jobs.cancel("nope")


def test_a_stopped_process_leaves_its_jobs_to_the_next_which_finishes_them(
    sessions: sessionmaker[Session], stopped: list[JobService]
) -> None:
    """Shutdown stops the running job at its next step; the next process resumes it."""
    done: list[int] = []
    gate = threading.Event()
    hold = threading.Event()  # the steps after the first wait for the shutdown to begin

    def steps(params: JobParams, control: JobControl) -> str:
        for step in range(int(params["steps"])):
            if step in done:  # idempotent: a step done is not done again
                continue
            gate.wait(WAIT)
            if step > 0:
                hold.wait(WAIT)
            control.progress(10.0 * step, str(step))
            done.append(step)
        return "all steps"

    first = start(sessions, steps=steps)
    job_id = first.submit("steps", {"steps": 5})
    queued = first.submit("steps", {"steps": 0})  # never reached by the one thread
    threading.Timer(0.2, gate.set).start()
    while not done:
        time.sleep(0.01)
    threading.Timer(0.3, hold.set).start()  # step 1 reports once the process is stopping
    first.shutdown()
    assert done == [0]
    assert first.status(job_id).state == JobState.RUNNING
    assert first.status(queued).state == JobState.QUEUED
    second = start(sessions, steps=steps)
    stopped.append(second)
    assert settled(second, job_id).state == JobState.DONE
    assert settled(second, queued).state == JobState.DONE
    assert sorted(done) == [0, 1, 2, 3, 4]


def _orphan(sessions: sessionmaker[Session], holder: str, expires_in: float) -> str:
    row = JobRow(id=f"job-{holder}", kind="work", scope=None, params={},
                 state=JobState.RUNNING.value, percent=10.0, current="", cancel_requested=False,
                 attempts=1, lease_holder=holder,
                 lease_expires=utcnow() + timedelta(seconds=expires_in))
    with sessions() as session:
        session.add(row)
        session.commit()
    return row.id


def test_a_starting_process_takes_dead_jobs_and_never_live_ones(
    sessions: sessionmaker[Session], stopped: list[JobService]
) -> None:
    dead = _orphan(sessions, "gone:1", -5.0)
    live = _orphan(sessions, "alive:2", 3600.0)
    jobs = start(sessions, work=lambda params, control: "taken over")
    stopped.append(jobs)
    assert settled(jobs, dead).result == "taken over"
    time.sleep(1.0)  # a few keeper rounds
    held = jobs.status(live)
    assert (held.state, held.percent, held.error) == (JobState.RUNNING, 10.0, None)


def test_two_processes_given_one_job_run_it_once(
    sessions: sessionmaker[Session], stopped: list[JobService]
) -> None:
    runs: list[str] = []
    release = threading.Event()

    def once(_params: JobParams, _control: JobControl) -> str:
        runs.append("run")
        release.wait(WAIT)
        return "ok"

    first = start(sessions, once=once)
    second = start(sessions, once=once)
    stopped.extend([first, second])
    job_id = first.submit("once", {})
    while not runs:
        time.sleep(0.01)
    second.execute(job_id)  # a redelivered message: the live lease refuses it at once
    release.set()
    assert settled(first, job_id).state == JobState.DONE
    assert runs == ["run"]


def test_celery_mode_needs_a_broker_and_the_chroma_server() -> None:
    with pytest.raises(ValueError, match="ASSAY_JOBS__BROKER_URL"):
        JobsSettings(mode="celery")
    with pytest.raises(ValueError, match="redis://"):
        JobsSettings(mode="celery", broker_url="amqp://127.0.0.1")
    celery = {"mode": "celery", "broker_url": "redis://127.0.0.1:6379/0"}
    with pytest.raises(ValueError, match="ASSAY_VECTORSTORE__MODE=http"):
        Settings(jobs=celery)
    assert Settings(jobs=celery, vectorstore={"mode": "http"}).jobs.mode == "celery"
