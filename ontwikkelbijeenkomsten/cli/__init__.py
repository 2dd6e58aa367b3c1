"""The `flask --app ontwikkelbijeenkomsten …` commands, one group per capability."""
from flask import Flask


def register(app: Flask) -> None:
    from . import accounts, demo, mail, regions, scheduling

    for module in (accounts, demo, mail, regions, scheduling):
        app.cli.add_command(module.group)
