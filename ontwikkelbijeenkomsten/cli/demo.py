import click
from flask import current_app
from flask.cli import with_appcontext

from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.demo.services import DemoRefused, is_empty, load_demo

group = click.Group("demo", help="Demo data for trying the application.")


@group.command("load")
@click.option("--force", is_flag=True, help="Wipe all data first.")
@click.option("--if-empty", is_flag=True, help="Load only when the database is empty; else do nothing.")
@with_appcontext
def load(force: bool, if_empty: bool) -> None:
    """Fill the database with a demo programme period, regions, experts, requests and sessions."""
    if current_app.config["APP_ENV"] == "production":
        # The demo's accounts share a password printed here and in the README, and --force
        # wipes every table: neither belongs on the programme's server.
        raise click.ClickException(
            "APP_ENV=production: the demo is not loaded here (its accounts have a published password, "
            "and --force would wipe the data). Load it on a development or demo server.")
    if if_empty and not is_empty():
        click.echo("The database already holds data; demo not loaded.")
        return
    click.echo("Loading demo data…")
    try:
        with unit_of_work():
            credentials = load_demo(force=force)
    except DemoRefused:
        raise click.ClickException("The database is not empty. Use --force to wipe it and load the demo.") from None
    click.echo("Demo loaded. Log in at /inloggen with password " + credentials.password)
    click.echo(f"  coordinator: {credentials.coordinator}")
    for email in credentials.experts:
        click.echo(f"  expert:      {email}")
