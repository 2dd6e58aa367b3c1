"""Benchmark of the registration POST: the app's real form POST for one open training against a
bare Flask view that does one INSERT, both served by gunicorn (4 sync workers) on the same
PostgreSQL database, with 16 clients posting as fast as they can.

    .venv/bin/python scripts/bench_registration.py --database-url postgresql://user@host/db
    .venv/bin/python scripts/bench_registration.py --database-url ... --rounds 7 --seconds 8

The database must be empty (or hold an earlier run's dataset: --reuse). It is filled with the
scale dataset (`scripts/dataset.py`, --scale), then one upcoming open training gets no limit on
places and an open registration window, so every POST takes a place: the conditional UPDATE,
the INSERT of the registration and of its mail, the commit. Rate limits are off (they would
refuse the 61st POST from one address).

With --trainings N the clients are spread over N such trainings (client k posts to training
k mod N), so that they no longer queue for one training's row lock: comparing the rate with
N = 1 and N = --clients tells how much of the POST's time is the wait for that lock.

Each client first fetches the training's page once per round (the CSRF token and session
cookie), then posts the form with a new e-mail address each time. A and B run alternately,
--rounds times each after a warm-up of each; the script prints each round, the medians, and
the real POST's rate as a share of the bare view's: the ratio is what to compare across
machines. PostgreSQL only: SQLite serialises every writer and measures something else.
"""
from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from ontwikkelbijeenkomsten.core.config import normalise_database_url  # noqa: E402

BARE_TABLE = "bench_bare_inserts"
FLOOR_TABLE = "bench_floor_places"  # C's one shared row, as a training's row is for A
FLOOR_INSERT = f"INSERT INTO {BARE_TABLE} (name, email) VALUES (%(name)s, %(email)s)"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="an empty PostgreSQL database (postgresql://...)")
    parser.add_argument("--clients", type=int, default=16, help="clients posting at the same time (default 16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers per server (default 4)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of each of A and B (default 5, at least 5 "
                                                                "for the figures in docs/performance.md)")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of one round (default 5)")
    parser.add_argument("--scale", type=float, default=1.0, help="size of the dataset (default 1: the full one)")
    parser.add_argument("--reuse", action="store_true", help="the database already holds a dataset: use it")
    parser.add_argument("--trainings", type=int, default=1, help="spread the clients over this many trainings "
                                                                  "(default 1: all on one training's row)")
    return parser.parse_args()


def say(text: str) -> None:
    print(text, flush=True)


# ---- the two apps gunicorn serves (`bench_registration:real_app()` and `:bare_app()`) ----------
def real_app():
    from ontwikkelbijeenkomsten import create_app

    return create_app({"RATELIMIT_ENABLED": False})


def bare_app():
    """B, `/bare`: one INSERT per POST through a plain SQLAlchemy engine, and the same redirect.
    C, `/floor`: what the registration's design does in the database and nothing else: take a
    place with a conditional UPDATE of one shared row (RETURNING), INSERT the registration and
    its mail, commit. No form, no rules, no mail to build: the most any registration POST that
    counts places on the training's row can reach on this machine."""
    import sqlalchemy as sa
    from flask import Flask, redirect, request

    app = Flask("bare")
    engine = sa.create_engine(normalise_database_url(os.environ["DATABASE_URL"]))
    table = sa.table(BARE_TABLE, sa.column("name"), sa.column("email"))

    @app.post("/bare")
    def bare():
        with engine.begin() as connection:
            connection.execute(sa.insert(table).values(name=request.form["name"], email=request.form["email"]))
        return redirect("/bare")

    @app.post("/floor")
    def floor():
        row = {"name": request.form["name"], "email": request.form["email"]}
        with engine.begin() as connection:
            connection.exec_driver_sql(f"UPDATE {FLOOR_TABLE} SET taken = taken + 1 "
                                       "WHERE id = 1 AND (capacity IS NULL OR taken < capacity) RETURNING taken").one()
            connection.exec_driver_sql(FLOOR_INSERT, row)  # the registration
            connection.exec_driver_sql(FLOOR_INSERT, row)  # its mail
        return redirect("/floor")

    return app


# ---- the data ----------------------------------------------------------------------------------
def prepare(url: str, scale: float, reuse: bool, trainings: int) -> list[int]:
    """The dataset, the bare view's table, and the trainings the clients register for (their ids)."""
    import sqlalchemy as sa

    from dataset import Sizes, build

    if not reuse:
        build(url, Sizes().scaled(scale), say=lambda text: say(f"  dataset: {text}"))
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {BARE_TABLE} "
                                   "(id serial PRIMARY KEY, name text NOT NULL, email text NOT NULL)")
        connection.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} "
                                   "(id integer PRIMARY KEY, capacity integer, taken integer NOT NULL)")
        connection.exec_driver_sql(f"INSERT INTO {FLOOR_TABLE} VALUES (1, NULL, 0) ON CONFLICT (id) DO NOTHING")
        chosen = connection.exec_driver_sql(
            "SELECT id FROM meetings WHERE kind = 'open_training' AND series_id IS NULL AND state = 'planned' "
            "AND starts_at > now() + interval '7 days' "  # the one with fewest people: not the big list's
            f"ORDER BY (SELECT count(*) FROM registrations WHERE meeting_id = meetings.id), starts_at, id LIMIT {trainings:d}"
        ).scalars().all()
        if len(chosen) < trainings:
            raise SystemExit(f"the dataset has {len(chosen)} upcoming open trainings, fewer than --trainings {trainings}")
        connection.exec_driver_sql(
            "UPDATE meetings SET capacity = NULL, registration_opens_at = NULL, registration_closes_at = NULL "
            f"WHERE id IN ({', '.join(str(int(training)) for training in chosen)})")
    engine.dispose()
    return chosen


def count_rows(url: str, tag: str) -> dict[str, int]:
    """The rows each side made in this run: A's registrations, B's rows, C's rows (two a POST)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    counted = {"A": ("registrations", f"bench-{tag}-%"), "B": (BARE_TABLE, f"bench-{tag}-%"),
               "C": (BARE_TABLE, f"bench-{tag}c-%")}
    with engine.connect() as connection:
        found = {side: connection.execute(sa.text(f"SELECT count(*) FROM {table} WHERE email LIKE :pattern"),
                                          {"pattern": pattern}).scalar_one()
                 for side, (table, pattern) in counted.items()}
    engine.dispose()
    return found


# ---- the servers -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(factory: str, url: str, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40, "APP_ENV": "development",
           "MAIL_BACKEND": "smtp", "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "scripts")])}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "-w", str(workers), "-k", "sync",
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", f"bench_registration:{factory}()"],
        cwd=ROOT, env=env, start_new_session=True)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn for {factory} exited with {server.returncode}")
            time.sleep(0.1)
    raise SystemExit(f"gunicorn for {factory} did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(30)


# ---- the clients -------------------------------------------------------------------------------
def _request(port: int, method: str, path: str, body: str | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Set-Cookie") or "", response.read()
    finally:
        connection.close()


def client(job: tuple) -> tuple[int, list[str], list[float]]:
    """Post for `seconds`: (saved, what the failures answered, latencies in seconds). Runs in a
    pool process, so it raises an ordinary exception (SystemExit would hang the pool)."""
    kind, port, paths, seconds, tag, number = job
    path = paths[number % len(paths)]
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    fields = {"organisation": "SWV Utrecht", "sector": "onderwijs", "function": "Intern begeleider", "needs": "",
              "consent": "y"}
    if kind == "real":
        status, cookie, page = _request(port, "GET", path)
        found = CSRF.search(page.decode())
        if status != 200 or not found:
            raise RuntimeError(f"the training's page answered {status} without a form")
        headers["Cookie"] = cookie.split(";", 1)[0]
        fields["csrf_token"] = found.group(1)
        path += "/aanmelden"
    saved, failed, latencies = 0, [], []
    deadline = time.perf_counter() + seconds
    while (began := time.perf_counter()) < deadline:
        n = saved + len(failed)
        body = urlencode({**fields, "name": f"Deelnemer {number}-{n}", "email": f"bench-{tag}-{number}-{n}@example.org"})
        status, _cookie, answer = _request(port, "POST", path, body, headers)
        latencies.append(time.perf_counter() - began)
        if status == 302:
            saved += 1
        else:
            failed.append(f"{status} {answer[:300]!r}")
    return saved, failed, latencies


def run_round(pool, kind: str, port: int, path: str, args, tag: str) -> tuple[float, float]:
    """(saved per second, p50 in ms) of one round of all clients."""
    jobs = [(kind, port, path, args.seconds, tag, number) for number in range(args.clients)]
    results = pool.map(client, jobs)
    saved = sum(r[0] for r in results)
    failed = [answer for r in results for answer in r[1]]
    if failed:
        raise SystemExit(f"{kind}: {len(failed)} POSTs were not saved (expected a redirect), e.g. {failed[0]}")
    latencies = [latency for r in results for latency in r[2]]
    return saved / args.seconds, statistics.median(latencies) * 1000


def main() -> None:
    args = parse_args()
    url = normalise_database_url(args.database_url)
    if not url.startswith("postgresql"):
        raise SystemExit("PostgreSQL only: give --database-url postgresql://...")
    pool = multiprocessing.get_context("fork").Pool(args.clients)
    say(f"Preparing {url.rsplit('@', 1)[-1]}")
    trainings = prepare(url, args.scale, args.reuse, args.trainings)
    real, real_port = serve("real_app", url, args.workers)
    bare, bare_port = serve("bare_app", url, args.workers)
    tag = secrets.token_hex(4)
    sides = {"A": ("real", real_port, [f"/agenda/{t}" for t in trainings], tag),
             "B": ("bare", bare_port, ["/bare"], tag),
             "C": ("bare", bare_port, ["/floor"], f"{tag}c")}
    say(f"A: the registration POST for training(s) {', '.join(map(str, trainings))}; B: a bare view doing one INSERT; C: a bare view "
        f"doing only the registration's statements (UPDATE of one shared row, two INSERTs). {args.clients} "
        f"clients, gunicorn {args.workers} sync workers each, rounds of {args.seconds:g} s")
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in sides}
    try:
        for name, (kind, port, path, side_tag) in sides.items():
            run_round(pool, kind, port, path, argparse.Namespace(**{**vars(args), "seconds": 2.0}), f"w{side_tag}")
            say(f"  warm-up {name} done")
        for number in range(1, args.rounds + 1):
            for name, (kind, port, path, side_tag) in sides.items():
                rate, p50 = run_round(pool, kind, port, path, args, f"{side_tag}-{number}")
                figures[name].append((rate, p50))
                say(f"  round {number} {name}: {rate:7.0f}/s  p50 {p50:6.1f} ms")
    finally:
        stop(real)
        stop(bare)
        pool.terminate()
    saved = count_rows(url, tag)
    expected = {name: round(sum(rate for rate, _ in rows) * args.seconds) * (2 if name == "C" else 1)
                for name, rows in figures.items()}
    if saved != expected:
        raise SystemExit(f"rows in the database {saved} differ from the saved POSTs {expected}")
    rate = {name: statistics.median(r for r, _ in rows) for name, rows in figures.items()}
    p50 = {name: statistics.median(p for _, p in rows) for name, rows in figures.items()}
    say(f"median A (registration POST):      {rate['A']:.0f}/s, p50 {p50['A']:.1f} ms")
    say(f"median B (bare INSERT view):       {rate['B']:.0f}/s, p50 {p50['B']:.1f} ms")
    say(f"median C (bare registration view): {rate['C']:.0f}/s, p50 {p50['C']:.1f} ms")
    say(f"A / B: {rate['A'] / rate['B']:.0%} of the bare view (goal: at least 40 %)")
    say(f"C / B: {rate['C'] / rate['B']:.0%}: the most a POST that takes a place on the training's row reaches here")
    say(f"A / C: {rate['A'] / rate['C']:.0%} of that floor")

if __name__ == "__main__":
    main()
