"""Benchmark of the participants list: a coordinator opens the list of the training with the
most registrations (1,000 in the scale dataset), next to a bare Flask view that reads the same
registrations with one SELECT and renders them as a plain table.

    .venv/bin/python scripts/bench_participants.py --database-url postgresql://user@host/db
    .venv/bin/python scripts/bench_participants.py            # SQLite in a temporary directory

The database must be empty (it is filled with `scripts/dataset.py`, --scale) or hold an earlier
run's dataset (--reuse). Both pages are requested through the app's test client in this one
process, alternating A and B, --requests times per round; the script prints per round the
median time of each, then the medians over --rounds rounds, their ratio, and the size of the
page with the number of forms and <option>s in it and the statements it ran.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path
from time import perf_counter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ontwikkelbijeenkomsten.core.config import normalise_database_url  # noqa: E402

BARE_PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Deelnemers</title></head><body>
<table><thead><tr><th>Naam</th><th>Organisatie</th><th>Sector</th><th>Functie</th><th>Aangemeld</th></tr></thead>
<tbody>{% for r in rows %}<tr><td>{{ r.name }}</td><td>{{ r.organisation }}</td><td>{{ r.sector.value }}</td>
<td>{{ r.function }}</td><td>{{ r.created_at.strftime("%d-%m-%Y %H:%M") }}</td></tr>{% endfor %}</tbody></table>
</body></html>"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database; default: SQLite in a temporary directory")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of A and B (default 5)")
    parser.add_argument("--requests", type=int, default=5, help="GETs of each page per round (default 5)")
    parser.add_argument("--scale", type=float, default=1.0, help="size of the dataset (default 1: the full one)")
    parser.add_argument("--reuse", action="store_true", help="the database already holds a dataset: use it")
    return parser.parse_args()


def say(text: str) -> None:
    print(text, flush=True)


def add_bare_view(app) -> None:
    """B: one SELECT of the list's columns, rendered as a plain table."""
    from flask import render_template_string
    from sqlalchemy import select

    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.meetings.models import Registration

    @app.get("/bench/bare/<int:meeting_id>")
    def bare_list(meeting_id: int):
        rows = db.session.execute(select(
            Registration.name, Registration.organisation, Registration.sector, Registration.function,
            Registration.created_at).where(Registration.meeting_id == meeting_id).order_by(Registration.name)).all()
        return render_template_string(BARE_PAGE, rows=rows)


def largest_list() -> tuple[int, int, str]:
    """(training id, its registrations, the id of a coordinator's login session)."""
    from sqlalchemy import func, select

    from ontwikkelbijeenkomsten.accounts.models import Role, User
    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.meetings.models import Registration

    meeting_id, count = db.session.execute(
        select(Registration.meeting_id, func.count()).group_by(Registration.meeting_id)
        .order_by(func.count().desc(), Registration.meeting_id).limit(1)).one()
    coordinator = db.session.scalars(select(User).where(User.role == Role.COORDINATOR, User.active)
                                     .order_by(User.id).limit(1)).one()
    return meeting_id, count, coordinator.get_id()


def timed_get(client, url: str) -> tuple[float, bytes]:
    began = perf_counter()
    response = client.get(url)
    took = perf_counter() - began
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}")
    return took, response.data


def main() -> None:
    args = parse_args()
    workdir = None
    if args.database_url:
        url = normalise_database_url(args.database_url)
    else:
        workdir = tempfile.TemporaryDirectory(prefix="bench-participants-")
        url = f"sqlite:///{Path(workdir.name) / 'bench.db'}"
    if not args.reuse:
        from dataset import Sizes, build

        build(url, Sizes().scaled(args.scale), say=lambda text: say(f"  dataset: {text}"))
    from ontwikkelbijeenkomsten import create_app
    from ontwikkelbijeenkomsten.core.extensions import db
    from tests.queries import count_queries

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-participants"),
                      "RATELIMIT_ENABLED": False, "MAIL_BACKEND": "smtp"})  # no mail printed per request
    add_bare_view(app)
    with app.app_context():
        meeting_id, count, session_id = largest_list()
        say(f"database: {db.engine.url.render_as_string(hide_password=True)}; training {meeting_id} with {count} "
            "registrations")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_id, True
    pages = {"A": f"/bijeenkomsten/{meeting_id}/deelnemers", "B": f"/bench/bare/{meeting_id}"}
    for url_ in pages.values():
        timed_get(client, url_)  # warm-up: templates compiled, connections open
    with app.app_context(), count_queries() as statements:
        _took, page = timed_get(client, pages["A"])
    text = page.decode()
    say(f"A: {pages['A']}: {len(page) / 1000:.0f} KB, {text.count('<form')} forms, {text.count('<option')} <option>s, "
        f"{len(statements)} statements")
    say(f"B: {pages['B']}: {len(timed_get(client, pages['B'])[1]) / 1000:.0f} KB, one SELECT, a plain table")
    medians: dict[str, list[float]] = {"A": [], "B": []}
    for number in range(1, args.rounds + 1):
        for name, url_ in pages.items():
            medians[name].append(statistics.median(timed_get(client, url_)[0] for _ in range(args.requests)) * 1000)
        say(f"  round {number}: A {medians['A'][-1]:7.1f} ms   B {medians['B'][-1]:7.1f} ms")
    a, b = statistics.median(medians["A"]), statistics.median(medians["B"])
    say(f"median A (participants list): {a:.1f} ms; median B (bare table): {b:.1f} ms; A / B = {a / b:.1f}")
    if workdir:
        workdir.cleanup()


if __name__ == "__main__":
    main()
