"""The background worker: each periodic job on its schedule, once across workers, mail in between,
and a clean stop on SIGTERM/SIGINT. The clock and the pause are injected: nothing sleeps."""
from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from ontwikkelbijeenkomsten.cli.mail import deliver_batch
from ontwikkelbijeenkomsten.cli.worker import JOBS
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.worker import PeriodicJob, run_job, run_worker, stop_on_signals
from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail
from ontwikkelbijeenkomsten.meetings import services
from tests.factories import applicant


class FakeTime:
    """A clock that moves only when the worker pauses; it stops the worker at `until`."""

    def __init__(self, stop: threading.Event, until: float) -> None:
        self.now, self.stop, self.until = 0.0, stop, until

    def clock(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += seconds
        if self.now >= self.until:
            self.stop.set()


def test_a_due_job_runs_at_once_and_then_once_per_interval(app):
    stop = threading.Event()
    time = FakeTime(stop, until=65)
    ran_at = []
    job = PeriodicJob("counting", timedelta(seconds=60), lambda: ran_at.append(time.now) or 1)

    run_worker([job], lambda: 0, stop, idle=10, clock=time.clock, wait=time.wait)

    assert ran_at == [0, 60]  # not at 10, 20, … 50


def test_the_worker_sends_the_reminders_by_itself_and_logs_the_counts(app, make_training, caplog):
    with unit_of_work():
        services.register(make_training(days_ahead=1), applicant(1))
    stop = threading.Event()
    time = FakeTime(stop, until=1)

    with caplog.at_level(logging.INFO, logger="ontwikkelbijeenkomsten.worker"):
        run_worker(JOBS, deliver_batch, stop, idle=1, clock=time.clock, wait=time.wait)

    reminders = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "session_reminder")).all()
    assert len(reminders) == 2 and {r.state for r in reminders} == {MailState.SENT}
    assert "job reminders done: 2" in caplog.text
    assert "mail: sent 3, retrying later 0, failed 0" in caplog.text  # with the confirmation


def test_a_failing_job_is_logged_and_the_others_still_run(app, caplog):
    stop = threading.Event()
    time = FakeTime(stop, until=1)
    ran = []

    def broken() -> int:
        raise RuntimeError("kapot")

    jobs = [PeriodicJob("broken", timedelta(minutes=1), broken),
            PeriodicJob("fine", timedelta(minutes=1), lambda: ran.append(1) or 1)]
    with caplog.at_level(logging.INFO, logger="ontwikkelbijeenkomsten.worker"):
        run_worker(jobs, lambda: 0, stop, idle=1, clock=time.clock, wait=time.wait)

    assert ran == [1]
    assert "job broken failed" in caplog.text and "RuntimeError: kapot" in caplog.text


def test_a_stop_during_a_step_lets_that_step_finish_and_runs_nothing_after_it(app):
    stop = threading.Event()
    steps = []

    def first() -> int:
        stop.set()  # SIGTERM arrives while this job runs
        steps.append("first")
        return 1

    jobs = [PeriodicJob("first", timedelta(minutes=1), lambda: first()),
            PeriodicJob("second", timedelta(minutes=1), lambda: steps.append("second") or 1)]
    run_worker(jobs, lambda: steps.append("mail") or 0, stop, wait=lambda _s: pytest.fail("paused after stop"))

    assert steps == ["first"]


def test_a_stop_ends_the_pause_at_once():
    stop = threading.Event()
    worker = threading.Thread(target=run_worker, args=((), lambda: 0, stop), kwargs={"idle": 60})
    worker.start()
    stop.set()
    worker.join(timeout=1)
    assert not worker.is_alive()


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_and_sigint_set_the_stop_event(signum):
    before = signal.getsignal(signum)
    with stop_on_signals() as stop:
        signal.getsignal(signum)(signum, None)
        assert stop.is_set()
    assert signal.getsignal(signum) is before


@pytest.mark.backends("postgresql")
@pytest.mark.committing
def test_two_workers_never_run_the_same_job_at_once(make_app):
    worker_app = make_app()
    inside, release = threading.Event(), threading.Event()
    results = {}

    def slow() -> int:
        inside.set()
        release.wait(timeout=10)
        return 1

    job = PeriodicJob("slow", timedelta(minutes=1), slow)

    def first() -> None:
        with worker_app.app_context():
            results["first"] = run_job(job)
            db.session.remove()

    def second() -> None:
        with worker_app.app_context():  # its own session, so its own connection
            results["second"] = run_job(job)
            db.session.remove()

    running = threading.Thread(target=first)
    running.start()
    assert inside.wait(timeout=10)
    other = threading.Thread(target=second)
    other.start()
    other.join(timeout=10)
    release.set()
    running.join(timeout=10)
    assert results == {"first": 1, "second": None}  # skipped, not waiting: the lock was taken
    with worker_app.app_context():
        assert run_job(job) == 1  # the lock ends with the run's transaction
        db.session.remove()


def test_the_worker_command_is_registered_with_the_jobs(app):
    result = app.test_cli_runner().invoke(args=["worker", "--help"])
    assert result.exit_code == 0, result.output
    assert "periodic jobs" in result.output
    assert [job.name for job in JOBS] == ["reminders", "evaluations", "held", "certificates", "sector-places",
                                          "nudges", "purge"]


def test_worker_once_runs_every_job_and_delivers_the_mail_for_cron(app, make_training, monkeypatch):
    """Without a running worker, `worker --once` from cron does what the worker does, also the
    jobs that have no command of their own (certificates, places held per sector); a job that
    fails is reported, the others still run, and the exit code says so."""
    ran = []

    def job(name: str) -> PeriodicJob:
        def run() -> int:
            ran.append(name)
            if name == "broken":
                raise RuntimeError("kapot")
            return 2
        return PeriodicJob(name, timedelta(minutes=5), run)

    monkeypatch.setattr("ontwikkelbijeenkomsten.cli.worker.JOBS", (job("first"), job("broken"), job("last")))
    with unit_of_work():
        services.register(make_training(days_ahead=1), applicant(1))
    result = app.test_cli_runner().invoke(args=["worker", "--once"])

    assert ran == ["first", "broken", "last"]
    assert "first: 2" in result.stdout and "last: 2" in result.stdout
    assert "broken: failed: RuntimeError: kapot" in result.stderr
    assert "Done: 1 sent" in result.stdout
    assert db.session.scalars(select(OutboxMail.state)).all() == [MailState.SENT]
    assert result.exit_code == 1


def test_worker_once_runs_the_real_jobs(app):
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.stdout.splitlines()[:len(JOBS)]] == [job.name for job in JOBS]
