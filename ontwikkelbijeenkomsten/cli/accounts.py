import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext

from ontwikkelbijeenkomsten.accounts.services import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    AccountExists,
    check_password,
    create_coordinator,
)
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work

group = click.Group("users", help="Manage accounts.")


def _valid_email(ctx, param, value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc)) from exc


def _valid_password(ctx, param, value: str) -> str:
    try:
        check_password(value)
    except RuleViolation:
        raise click.BadParameter(f"use {PASSWORD_MIN} to {PASSWORD_MAX} characters") from None
    return value


@group.command("create-coordinator")
@click.argument("email", callback=_valid_email)
@click.option("--name", prompt="Name", help="The coordinator's full name.")
@click.password_option(callback=_valid_password, help="Asked for when not given.")
@with_appcontext
def create_coordinator_command(email: str, name: str, password: str) -> None:
    """Create a coordinator account for EMAIL."""
    try:
        with unit_of_work():
            user = create_coordinator(email, name, password)
    except AccountExists:
        raise click.ClickException(f"{email} already has an account.") from None
    click.echo(f"Coordinator {user.email} created; log in at /inloggen.")
