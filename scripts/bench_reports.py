"""Benchmark of the coordinators' start page and the monitoring report on the scale dataset
(42 regions, 2,000 requests, 500 sessions, 20,000 registrations, 5,000 mails): the time of
each page (p50 and p95 of --runs requests after a warm-up) and its number of SQL statements.

    .venv/bin/python scripts/bench_reports.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench
    .venv/bin/python scripts/bench_reports.py --database-url ... --reuse     # the dataset is there already

The database is filled with `scripts/dataset.py` first (wiped when it holds rows, unless
--reuse), then a coordinator account for the benchmark is added and every page is requested
through the app's test client: the whole request, routing, login check, queries and template.
The target of issue 14 is under 200 ms p50 on PostgreSQL with at most 10 statements a page.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
from time import perf_counter, process_time

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dataset import Sizes, build  # noqa: E402  (scripts/ is on the path)

EMAIL, PASSWORD = "bench.coordinator@example.org", "zeventien-olifanten-dansen-op-het-ijs"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="the database to fill and measure (default: DATABASE_URL)")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--reuse", action="store_true", help="measure the data already in the database")
    parser.add_argument("--scale", type=float, default=1.0, help="factor on every size of the dataset")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    return args


def pages(app) -> list[str]:
    """The start page, its lists, and the report of both periods with its downloads."""
    from ontwikkelbijeenkomsten.regions.models import ProgrammePeriod
    from ontwikkelbijeenkomsten.reports.start import Attention

    with app.app_context():
        from ontwikkelbijeenkomsten.core.extensions import db

        periods = db.session.query(ProgrammePeriod.id).order_by(ProgrammePeriod.starts_on).all()
    report = [f"/coordinatie/rapportage?period={past}" for (past,) in periods[:1]]
    return ["/coordinatie", *(f"/coordinatie/aandacht/{kind.value}" for kind in Attention),
            "/coordinatie/rapportage", *report, *(f"{report[0].replace('rapportage?', 'rapportage/regios.csv?')}",
                                                 f"{report[0].replace('rapportage?', 'rapportage.xlsx?')}")]


def logged_in_client(app):
    from ontwikkelbijeenkomsten.accounts.services import create_coordinator, find_user
    from ontwikkelbijeenkomsten.core.uow import unit_of_work

    with app.app_context():
        if find_user(EMAIL) is None:
            with unit_of_work():
                create_coordinator(EMAIL, "Benchmark", PASSWORD)
    client = app.test_client()
    response = client.post("/inloggen", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 302, f"logging in failed: {response.status_code}"
    return client


def measure(app, client, path: str, runs: int) -> tuple[float, float, float, int]:
    """p50 and p95 in milliseconds, the p50 of this process's CPU time (the app's own work,
    less sensitive to a busy machine than the wall clock; the database's work is not in it),
    and the statements of one request."""
    from sqlalchemy import event

    from ontwikkelbijeenkomsten.core.extensions import db

    for _ in range(3):  # warm-up: caches, compiled statements, the connection pool
        assert client.get(path).status_code == 200, path
    statements = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        if statement.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH", "INSERT", "UPDATE", "DELETE"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    client.get(path)
    event.remove(engine, "before_cursor_execute", count)
    times, cpu = [], []
    for _ in range(runs):
        started, started_cpu = perf_counter(), process_time()
        client.get(path)
        times.append(1000 * (perf_counter() - started))
        cpu.append(1000 * (process_time() - started_cpu))
    return statistics.median(times), statistics.quantiles(times, n=20)[-1], statistics.median(cpu), len(statements)


def main(argv=None) -> None:
    args = parse_args(argv)
    if not args.reuse:
        build(args.database_url, Sizes().scaled(args.scale), force=True, say=lambda text: print(text, flush=True))
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["MAIL_BACKEND"] = "smtp"  # not the console's printing of queued mails after each request
    from ontwikkelbijeenkomsten import create_app

    app = create_app()
    app.config.update(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
    client = logged_in_client(app)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    print(f"{'page':<52} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8} {'queries':>8}", flush=True)
    for path in pages(app):
        p50, p95, cpu, queries = measure(app, client, path, args.runs)
        print(f"{path:<52} {p50:8.1f} {p95:8.1f} {cpu:8.1f} {queries:8d}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
