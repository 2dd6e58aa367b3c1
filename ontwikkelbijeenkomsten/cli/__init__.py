"""The `flask --app ontwikkelbijeenkomsten …` commands, one group per capability, and `worker`."""
from flask import Flask


def register(app: Flask) -> None:
    from . import accounts, demo, mail, privacy, regions, scheduling, worker

    for module in (accounts, demo, mail, privacy, regions, scheduling):
        app.cli.add_command(module.group)
    app.cli.add_command(worker.command)
