import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext
from flask_babel import force_locale

from ontwikkelbijeenkomsten.accounts.passwords import check_password
from ontwikkelbijeenkomsten.accounts.services import (
    AccountExists,
    AccountRefused,
    create_coordinator,
    find_user,
    set_coordinator_active,
)
from ontwikkelbijeenkomsten.core.rules import RuleViolation
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.core.urls import absolute_url

group = click.Group("users", help="Manage accounts.")


def _valid_email(ctx, param, value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc)) from exc


def _bad_password(exc: RuleViolation) -> click.BadParameter:
    with force_locale("en"):
        return click.BadParameter(str(exc.message), param_hint="'--password'")


def _valid_password(ctx, param, value: str) -> str:
    """Checked as soon as it is typed (so the prompt asks again), with the name and address when
    they are known by then; create_coordinator checks again with both."""
    try:
        check_password(value, name=ctx.params.get("name", ""), email=ctx.params.get("email", ""))
    except RuleViolation as exc:
        raise _bad_password(exc) from None
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
    except RuleViolation as exc:
        raise _bad_password(exc) from None
    click.echo(f"Coordinator {user.email} created; log in at {absolute_url('accounts.login')}")


def _set_active(email: str, active: bool) -> None:
    try:
        with unit_of_work():
            user = find_user(email)
            if user is None:
                raise AccountRefused(f"{email} has no account")
            set_coordinator_active(user, active)
    except AccountRefused as exc:
        raise click.ClickException(str(exc)) from None


@group.command("deactivate")
@click.argument("email")
@with_appcontext
def deactivate_command(email: str) -> None:
    """Close the coordinator account of EMAIL: it can no longer log in, and its retention period starts."""
    _set_active(email, False)
    click.echo(f"{email} is deactivated.")


@group.command("reactivate")
@click.argument("email")
@with_appcontext
def reactivate_command(email: str) -> None:
    """Open the closed coordinator account of EMAIL again."""
    _set_active(email, True)
    click.echo(f"{email} is active again.")
