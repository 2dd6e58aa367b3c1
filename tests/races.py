"""Transactions that race each other, for the race tests: each runner in a thread of its own with
a connection of its own (a second app, so a pool of its own), all let go at the same moment."""
from __future__ import annotations

import threading
from collections.abc import Callable

from ontwikkelbijeenkomsten.core.extensions import db


class Race:
    """`race = Race(make_app, runners)`; a runner reads what it needs, calls `race.go()`, and
    then runs its transaction and notes its own outcome; `race.run(runner, args)` runs one thread
    per tuple of `args` and waits for them all."""

    def __init__(self, make_app, runners: int, **engine_options) -> None:
        db.session.commit()  # on SQLite an open transaction here would hold the write lock
        self.app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"pool_size": runners, **engine_options})
        self.barrier = threading.Barrier(runners)

    def go(self) -> None:
        """End the runner's reading transaction and wait until every runner is ready."""
        db.session.commit()
        self.barrier.wait()

    def run(self, runner: Callable, args: list[tuple], timeout: float = 180) -> None:
        def in_app(*runner_args) -> None:
            with self.app.app_context():
                try:
                    runner(*runner_args)
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=in_app, args=one) for one in args]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout)
        assert not any(thread.is_alive() for thread in threads), f"{runner.__name__} hung"
        db.session.expire_all()  # what the runners committed
