"""Benchmark of the planning page (/coordinatie/planning): a repeated visit, which shows the kept
plan, against a visit that has to solve the period again, in the same run.

    .venv/bin/python scripts/bench_planning.py [--visits 20] [--rounds 5] [--scale 1.0]
                                               [--database-url URL] [--reuse]

The data is the shared scale dataset (scripts/dataset.py: 42 regions, 2,000 requests, 500
sessions, 20,000 registrations, 5,000 mails; --scale multiplies the sizes). Without
--database-url it is built in a SQLite file in a temporary directory; a --database-url must
point to an empty database, or to one this script filled before with --reuse.

The page is fetched in this process through Flask's test client, logged in as the dataset's
coordinator, for the current programme period. Each round times --visits GETs of A, a repeated
visit (the plan is kept), and --visits of B, a visit after the kept plan is forgotten (so it
solves, as every visit did before the plan was kept); the order alternates. It prints each
round's p50 and the medians; the goal (issue 17) is A under 200 ms.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from statistics import median
from time import perf_counter, process_time

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
PAGE = "/coordinatie/planning"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n\n")[0])
    parser.add_argument("--visits", type=int, default=20, help="GETs of A and of B per round")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of A and B (the median is reported)")
    parser.add_argument("--scale", type=float, default=1.0, help="factor on every size of the dataset")
    parser.add_argument("--database-url", help="an empty database; default: SQLite in a temporary directory")
    parser.add_argument("--reuse", action="store_true", help="use the data a previous run left in --database-url")
    return parser.parse_args()


def p50(client, visits: int, forget) -> tuple[float, float]:
    """The median wall and CPU seconds of `visits` GETs; `forget()` runs before each (untimed)."""
    walls, cpus = [], []
    for _ in range(visits):
        forget()
        wall, cpu = perf_counter(), process_time()
        response = client.get(PAGE)
        walls.append(perf_counter() - wall)
        cpus.append(process_time() - cpu)
        if response.status_code != 200:
            raise SystemExit(f"GET {PAGE} gave {response.status_code}")
    return median(walls), median(cpus)


def main() -> None:
    args = parse_args()
    workdir = None
    url = args.database_url
    if not url:
        workdir = tempfile.TemporaryDirectory(prefix="bench-planning-")
        url = f"sqlite:///{Path(workdir.name) / 'bench.db'}"
    os.environ.setdefault("SECRET_KEY", "bench")
    from dataset import Sizes, build

    if not args.reuse:
        print(f"Building the dataset (scale {args.scale})", flush=True)
        build(url, Sizes().scaled(args.scale), say=lambda text: print(text, flush=True))

    from sqlalchemy import func, select

    from ontwikkelbijeenkomsten import create_app
    from ontwikkelbijeenkomsten.accounts.models import Role, User
    from ontwikkelbijeenkomsten.core.extensions import db
    from ontwikkelbijeenkomsten.requests.models import Request, RequestState
    from ontwikkelbijeenkomsten.scheduling import plan_cache

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False,
                      "MAIL_BACKEND": "smtp"})  # not the console printing the queued mails after a request
    with app.app_context():
        coordinator = db.session.scalar(select(User).where(User.role == Role.COORDINATOR).order_by(User.id).limit(1))
        granted = db.session.scalar(select(func.count(Request.id)).where(Request.state == RequestState.GRANTED))
        print(f"database: {db.engine.url.render_as_string(hide_password=True)}; {granted} granted requests", flush=True)
        user_id = coordinator.get_id()
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = user_id, True

    def keep() -> None:
        pass

    def forget() -> None:
        plan_cache._PLANS.clear()

    p50(client, 1, keep)  # the first visit makes the plan
    rounds = []
    print(f"\n{'round':>5} {'order':>6} {'A kept p50':>11} {'(cpu)':>7} {'B solving p50':>14} {'(cpu)':>7} {'A/B':>6}",
          flush=True)
    for number in range(1, args.rounds + 1):
        if number % 2:
            kept, solving = p50(client, args.visits, keep), p50(client, args.visits, forget)
        else:
            solving, kept = p50(client, args.visits, forget), p50(client, args.visits, keep)
        rounds.append((*kept, *solving))
        print(f"{number:5} {'A, B' if number % 2 else 'B, A':>6} {kept[0] * 1000:9.0f}ms {kept[1] * 1000:5.0f}ms "
              f"{solving[0] * 1000:12.0f}ms {solving[1] * 1000:5.0f}ms {kept[0] / solving[0]:6.0%}", flush=True)
    ms = [median(r[i] for r in rounds) * 1000 for i in range(4)]
    print(f"\nmedian of {len(rounds)} rounds of {args.visits} visits: repeated visit {ms[0]:.0f} ms "
          f"(cpu {ms[1]:.0f} ms), visit that solves {ms[2]:.0f} ms (cpu {ms[3]:.0f} ms), "
          f"A/B {median(r[0] / r[2] for r in rounds):.0%}")
    if workdir:
        workdir.cleanup()


if __name__ == "__main__":
    main()
