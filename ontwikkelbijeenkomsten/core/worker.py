"""The background worker's loop: keep delivering mail and run each periodic job on its schedule.

A periodic job is a `PeriodicJob(name, interval, run)`: `run()` makes its change (adds and
flushes, never commits) and returns how many things it did. The list of jobs is handed in (the
`worker` command holds it), so a new job is one more entry there, not a change to this loop.

Each run of a job is one unit of work that first takes the job's lock, so two workers (also on
two machines) never run the same job at the same moment: on PostgreSQL a transaction-level
advisory lock keyed on the job's name, which a worker that does not get it skips this turn (the
other one is running the job); on SQLite no lock is taken, because every write transaction
begins with BEGIN IMMEDIATE, so writers already run one at a time.

SIGTERM and SIGINT (`stop_on_signals`) set the stop event: the worker finishes the step it is in
(one job, or one batch of mails) and then stops.
"""
from __future__ import annotations

import hashlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text

from .extensions import db
from .uow import unit_of_work

log = logging.getLogger("ontwikkelbijeenkomsten.worker")


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    interval: timedelta
    run: Callable[[], int]


def lock_key(name: str) -> int:
    """A stable 64-bit advisory-lock key for a job name (the same on every machine)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


def _try_lock(name: str) -> bool:
    if db.session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: BEGIN IMMEDIATE already serialises writers
    return bool(db.session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": lock_key(name)}))


def run_job(job: PeriodicJob) -> int | None:
    """Run `job` once in its own unit of work; None when another worker is running it."""
    with unit_of_work():
        if not _try_lock(job.name):
            return None
        return job.run()


def _run_logged(job: PeriodicJob) -> None:
    started = time.monotonic()
    try:
        done = run_job(job)
    except Exception:  # a failing job must not stop the others or the mail; it runs again next time
        log.exception("job %s failed", job.name)
        db.session.remove()
        return
    if done is None:
        log.info("job %s skipped: another worker is running it", job.name)
    else:
        log.info("job %s done: %d in %.2f s", job.name, done, time.monotonic() - started)


def _deliver_logged(deliver: Callable[[], int]) -> int:
    try:
        return deliver()
    except Exception:  # e.g. the database is away: try again after the pause
        log.exception("mail delivery failed")
        db.session.remove()
        return 0


def run_worker(jobs: Sequence[PeriodicJob], deliver: Callable[[], int], stop: threading.Event, *,
               idle: float = 5.0, clock: Callable[[], float] = time.monotonic,
               wait: Callable[[float], object] | None = None) -> None:
    """Until `stop` is set: run the jobs that are due (each first at the start, then every
    `interval`), then deliver a batch of mail (`deliver()` returns how many it handled), pausing
    `idle` seconds when there was none. `wait` defaults to `stop.wait`, so a stop ends the pause."""
    wait = wait or stop.wait
    due = {job.name: clock() for job in jobs}
    log.info("worker started: %s", ", ".join(f"{j.name} every {j.interval}" for j in jobs) or "mail only")
    while not stop.is_set():
        for job in jobs:
            if stop.is_set():
                break
            if clock() >= due[job.name]:
                _run_logged(job)
                due[job.name] = clock() + job.interval.total_seconds()
        if not stop.is_set() and not _deliver_logged(deliver):
            wait(idle)
    log.info("worker stopped")


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event that SIGTERM and SIGINT set (instead of killing the process mid-step); the
    previous handlers come back afterwards."""
    stop = threading.Event()

    def handler(signum, _frame) -> None:
        log.info("%s received: stopping after the current step", signal.Signals(signum).name)
        stop.set()

    previous = {signum: signal.signal(signum, handler) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
