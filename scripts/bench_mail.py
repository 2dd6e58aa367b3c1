"""Benchmark of mail delivery: session invites queued in a demo database are delivered by the
outbox worker to a local SMTP server, next to a plain smtplib loop that sends the same,
already built messages over one connection.

    .venv/bin/python scripts/bench_mail.py [--mails 1000] [--batch 50] [--database-url URL]

Without --database-url it builds a SQLite file in a temporary directory. A --database-url must
point to an empty database (the schema is created with db.create_all()). The demo data is
loaded, and one open training gets --mails confirmed participants, each with a queued
"registration confirmed" mail (rendered at delivery, with its calendar invite), as
sessions.register() queues them.

The SMTP server (aiosmtpd, accepting and dropping every mail) runs in its own process so that
it does not share this process's CPU. The worker is timed draining the outbox in batches of
--batch, as `flask mail work` does: claim, render, build, send over one connection per
batch, and mark each mail sent. The comparison is smtplib.sendmail() over one connection with
the messages built beforehand (bytes in memory): the cost of SMTP alone.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import smtplib
import socket
import sys
import tempfile
from pathlib import Path
from time import perf_counter, process_time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--mails", type=int, default=1000, help="invites to queue and deliver")
    parser.add_argument("--batch", type=int, default=50, help="mails per deliver_due() call (default as `mail work`)")
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

    sent, rounds = 0, 0
    wall, cpu = perf_counter(), process_time()
    while (report := delivery.deliver_due(limit=batch)).handled:
        if report.retrying or report.failed:
            raise SystemExit(f"delivery failed: {report}")
        sent += report.sent
        rounds += 1
        if rounds % 5 == 0 or sent == due:
            say(f"  worker: {sent}/{due} sent, {sent / (perf_counter() - wall):.0f} mails/s so far")
    return perf_counter() - wall, process_time() - cpu, sent


def build_messages() -> tuple[list[tuple[str, list[str], bytes]], float]:
    """The mails the worker sent, built again (rendered already): (envelope from, to, bytes)."""
    from email.utils import parseaddr

    from flask import current_app
    from sqlalchemy import select

    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.mail.delivery import message_for
    from ontwikkelbijeenkomsten.mail.models import MailState, OutboxMail

    sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
    began = perf_counter()
    rows = db.session.scalars(select(OutboxMail).where(OutboxMail.state == MailState.SENT).order_by(OutboxMail.id))
    built = [(sender, [row.recipient], message_for(row).as_bytes()) for row in rows]
    return built, perf_counter() - began


def run_smtplib(port: int, messages) -> tuple[float, float]:
    """smtplib.sendmail() over one connection; (wall, cpu)."""
    wall, cpu = perf_counter(), process_time()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for done, (sender, recipients, data) in enumerate(messages, 1):
            smtp.sendmail(sender, recipients, data)
            if done % 250 == 0 or done == len(messages):
                say(f"  smtplib: {done}/{len(messages)} sent, {done / (perf_counter() - wall):.0f} mails/s so far")
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
    try:
        with app.app_context():
            say(f"database: {db.engine.url.render_as_string(hide_password=True)}; SMTP server on 127.0.0.1:{port}")
            db.create_all()
            say(f"Queueing {args.mails} invites")
            began = perf_counter()
            due = queue_invites(args.mails)
            say(f"  {due} mails due (queued in {perf_counter() - began:.2f} s)")

            say(f"Outbox worker, batches of {args.batch}")
            worker_wall, worker_cpu, sent = run_worker(due, args.batch)
            if count.value != sent:
                raise SystemExit(f"the server received {count.value} mails, the worker sent {sent}")

            say("Plain smtplib loop over one connection, the same messages built beforehand")
            messages, build_seconds = build_messages()
            smtp_wall, smtp_cpu = run_smtplib(port, messages)
            if count.value != 2 * sent:
                raise SystemExit(f"the server received {count.value - sent} of {sent} mails from smtplib")
            size = sum(len(data) for _, _, data in messages) / len(messages)
    finally:
        stop.set()
        server.join(10)
        if workdir:
            workdir.cleanup()

    say(f"\n{sent} mails, {size / 1024:.1f} KiB each on average")
    say(f"{'':28}{'wall s':>9}{'cpu s':>9}{'mails/s':>10}")
    say(f"{'outbox worker (deliver_due)':28}{worker_wall:9.2f}{worker_cpu:9.2f}{sent / worker_wall:10.0f}")
    say(f"{'plain smtplib loop':28}{smtp_wall:9.2f}{smtp_cpu:9.2f}{sent / smtp_wall:10.0f}")
    say(f"building the messages again (already rendered): {build_seconds:.2f} s, "
        f"{sent / build_seconds:.0f} per second")
    say(f"the worker takes {worker_wall / smtp_wall:.1f} times as long as sending alone")


if __name__ == "__main__":
    main()
