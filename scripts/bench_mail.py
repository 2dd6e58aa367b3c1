"""Benchmark of mail delivery: session invites queued in a database are delivered by the outbox
worker to a local SMTP server, against a plain smtplib loop that sends the same, already built
messages over one connection (the cost of SMTP alone), in the same run.

    .venv/bin/python scripts/bench_mail.py [--mails 1000] [--batch 50] [--rounds 5] [--database-url URL]

Without --database-url it builds a SQLite file in a temporary directory. A --database-url must
point to an empty database (the schema is created with db.create_all()). The demo data is
loaded, and one open training gets --mails confirmed participants, each with a queued
"registration confirmed" mail (rendered at delivery, with its calendar invite), as
sessions.register() queues them.

The SMTP server (aiosmtpd, accepting and dropping every mail) runs in its own process so that
it does not share this process's CPU. Each round times A, the worker draining the outbox in
batches of --batch as `flask mail work` does (claim, render, build, send over one connection
per batch, mark sent), and B, smtplib.sendmail() of the same messages built beforehand; the
order alternates (A then B, B then A, ...) and the mails are queued again, unrendered, between
rounds. It prints each round and the medians; the goal (issue 17) is a worker at 50 % or more
of the plain loop.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import smtplib
import socket
import sys
import tempfile
from statistics import median
from pathlib import Path
from time import perf_counter, process_time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--mails", type=int, default=1000, help="invites to queue and deliver")
    parser.add_argument("--batch", type=int, default=50, help="mails per deliver_due() call (default as `mail work`)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of A and B (the median is reported)")
    parser.add_argument("--database-url", help="an empty database; default: SQLite in a temporary directory")
    return parser.parse_args()


def say(text: str) -> None:
    print(text, flush=True)


# ---- the SMTP server, in a process of its own ---------------------------------------------------
def serve(port: int, ready, stop, count) -> None:
    from aiosmtpd.controller import Controller

    class Counting:
        async def handle_DATA(self, server, session, envelope):
            with count.get_lock():
                count.value += 1
            return "250 OK"

    controller = Controller(Counting(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- the data ----------------------------------------------------------------------------------
def queue_invites(n: int) -> int:
    """The demo, then `n` confirmed participants of its open training, each with a queued mail
    and invite. Returns the number of mails due."""
    from sqlalchemy import func, select

    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.core.uow import unit_of_work
    from ontwikkelbijeenkomsten.demo.services import load_demo
    from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail

    with unit_of_work():
        load_demo()
        queue_participants(n)
    return db.session.scalar(select(func.count(OutboxMail.id)).where(OutboxMail.state == MailState.QUEUED))


def queue_participants(n: int) -> None:
    """`n` confirmed participants of the demo's first open training, each with a queued mail."""
    from sqlalchemy import select

    from ontwikkelbijeenkomsten.core.db import utcnow
    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.core.sectors import Sector
    from ontwikkelbijeenkomsten.meetings import mails
    from ontwikkelbijeenkomsten.meetings.models import Meeting, MeetingKind, Registration, RegistrationState

    training = db.session.scalar(
        select(Meeting).where(Meeting.kind == MeetingKind.OPEN_TRAINING, Meeting.series_id.is_(None),
                              Meeting.starts_at > utcnow()).order_by(Meeting.starts_at).limit(1))
    training.capacity = None
    sectors = list(Sector)
    registrations = [
        Registration(meeting=training, state=RegistrationState.CONFIRMED, name=f"Deelnemer {i}",
                     email=f"deelnemer{i}@example.org", organisation="SWV Utrecht", sector=sectors[i % len(sectors)],
                     function="Intern begeleider", consent_at=utcnow())
        for i in range(n)
    ]
    db.session.add_all(registrations)
    training.confirmed_count += n
    db.session.flush()
    for done, registration in enumerate(registrations, 1):
        mails.tell_registration(registration, "confirmed")
        if done % 250 == 0 or done == n:
            say(f"  queued {done}/{n}")
    say(f"  training: {training.title!r} on {training.date}")


# ---- the two ways of sending -------------------------------------------------------------------
def run_worker(due: int, batch: int) -> tuple[float, float, int]:
    """Drain the outbox as `flask mail work` does; (wall, cpu, sent)."""
    from ontwikkelbijeenkomsten.mail import delivery

    sent = 0
    wall, cpu = perf_counter(), process_time()
    while (report := delivery.deliver_due(limit=batch)).handled:
        if report.retrying or report.failed:
            raise SystemExit(f"delivery failed: {report}")
        sent += report.sent
    return perf_counter() - wall, process_time() - cpu, sent


def queue_again() -> None:
    """Every mail queued again, unrendered, as after `queue_invites`."""
    from datetime import timedelta

    from sqlalchemy import update

    from ontwikkelbijeenkomsten.core.db import utcnow
    from ontwikkelbijeenkomsten.core.uow import unit_of_work
    from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail

    with unit_of_work() as session:
        session.execute(update(OutboxMail).where(OutboxMail.template.is_not(None)).values(
            state=MailState.QUEUED, text_body="", html_body="", calendar=None, attempts=0, sent_at=None,
            locked_at=None, next_attempt_at=utcnow() - timedelta(seconds=1)))


def build_messages() -> list[tuple[str, list[str], bytes]]:
    """The queued mails, built as the worker builds them (and not kept): (envelope from, to, bytes)."""
    from email.utils import parseaddr

    from flask import current_app
    from sqlalchemy import select

    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.mail.delivery import message_for
    from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail

    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    rows = db.session.scalars(select(OutboxMail).where(OutboxMail.state == MailState.QUEUED).order_by(OutboxMail.id))
    built = [(sender, [row.recipient], message_for(row).as_bytes()) for row in rows]
    db.session.rollback()
    return built


def run_smtplib(port: int, messages) -> tuple[float, float]:
    """smtplib.sendmail() over one connection; (wall, cpu)."""
    wall, cpu = perf_counter(), process_time()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, recipients, data in messages:
            smtp.sendmail(sender, recipients, data)
    return perf_counter() - wall, process_time() - cpu


def main() -> None:
    args = parse_args()
    port = free_port()
    spawn = multiprocessing.get_context("spawn")
    ready, stop, count = spawn.Event(), spawn.Event(), spawn.Value("i", 0)
    server = spawn.Process(target=serve, args=(port, ready, stop, count), daemon=True)
    server.start()
    if not ready.wait(30):
        raise SystemExit("the SMTP server did not start")

    workdir = None
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        workdir = tempfile.TemporaryDirectory(prefix="bench-mail-")
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir.name) / 'bench.db'}"
    from ontwikkelbijeenkomsten import create_app
    from ontwikkelbijeenkomsten.core.extensions import db

    app = create_app({"BASE_URL": "https://ontwikkelbijeenkomsten.example.org", "MAIL_BACKEND": "smtp",
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_SUPPRESS_SEND": False})
    rounds = []
    try:
        with app.app_context():
            say(f"database: {db.engine.url.render_as_string(hide_password=True)}; SMTP server on 127.0.0.1:{port}")
            db.create_all()
            say(f"Queueing {args.mails} invites")
            began = perf_counter()
            due = queue_invites(args.mails)
            say(f"  {due} mails due (queued in {perf_counter() - began:.2f} s)")
            messages = build_messages()
            size = sum(len(data) for _, _, data in messages) / len(messages)
            say(f"\n{'round':>5} {'order':>6} {'A worker/s':>11} {'A cpu s':>8} {'B smtplib/s':>12} {'A/B':>6}")
            for number in range(1, args.rounds + 1):
                received = count.value
                worker_first = number % 2 == 1
                if not worker_first:
                    smtp_wall, _ = run_smtplib(port, messages)
                worker_wall, worker_cpu, sent = run_worker(due, args.batch)
                if worker_first:
                    smtp_wall, _ = run_smtplib(port, messages)
                if sent != due or count.value - received != 2 * due:
                    raise SystemExit(f"round {number}: the worker sent {sent} of {due}; "
                                     f"the server received {count.value - received} of {2 * due}")
                rounds.append((due / worker_wall, worker_cpu, due / smtp_wall))
                say(f"{number:5} {'A, B' if worker_first else 'B, A':>6} {rounds[-1][0]:11.0f} {worker_cpu:8.2f} "
                    f"{rounds[-1][2]:12.0f} {rounds[-1][0] / rounds[-1][2]:6.0%}")
                queue_again()
    finally:
        stop.set()
        server.join(10)
        if workdir:
            workdir.cleanup()

    say(f"\n{due} mails per round, {size / 1024:.1f} KiB each on average, batches of {args.batch}")
    say(f"median over {len(rounds)} rounds: worker {median(r[0] for r in rounds):.0f} mails/s "
        f"({median(r[1] for r in rounds):.2f} s cpu), plain smtplib {median(r[2] for r in rounds):.0f} mails/s; "
        f"worker / smtplib = {median(r[0] / r[2] for r in rounds):.0%}")


if __name__ == "__main__":
    main()
