from ontwikkelbijeenkomsten.accounts.models import Role
from ontwikkelbijeenkomsten.accounts.services import authenticate, find_user


def test_create_coordinator(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create-coordinator", "Nieuw@Example.org", "--name", "Nina Nieuw"],
        input="een lang wachtwoord\neen lang wachtwoord\n",
    )
    assert result.exit_code == 0, result.output
    user = find_user("nieuw@example.org")
    assert user.role is Role.COORDINATOR and user.name == "Nina Nieuw"
    assert authenticate("nieuw@example.org", "een lang wachtwoord") == user
    assert "log in at http://localhost/inloggen" in result.output  # BASE_URL, not a bare path


def test_create_coordinator_refuses_bad_input(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "create-coordinator", "geen-adres", "--name", "X",
                               "--password", "een lang wachtwoord"]).exit_code == 2
    assert runner.invoke(args=["users", "create-coordinator", "a@example.org", "--name", "X",
                               "--password", "kort"]).exit_code == 2
    ok = ["users", "create-coordinator", "a@example.org", "--name", "X", "--password", "een lang wachtwoord"]
    assert runner.invoke(args=ok).exit_code == 0
    again = runner.invoke(args=ok)
    assert again.exit_code == 1 and "already has an account" in again.output


def test_a_coordinator_account_is_closed_and_opened_from_the_command_line(app, coordinator):
    """Coordinator accounts could not be closed at all, so their retention period never began."""
    from ontwikkelbijeenkomsten.accounts.services import create_user
    from ontwikkelbijeenkomsten.core.extensions import db
    from tests.factories import PASSWORD

    runner = app.test_cli_runner()
    last = runner.invoke(args=["users", "deactivate", coordinator.email])
    assert last.exit_code == 1 and "last active coordinator" in last.output and coordinator.active
    create_user("tweede@example.org", "Tweede", Role.COORDINATOR, "een lang wachtwoord")
    expert = create_user("expert@example.org", "Eva", Role.EXPERT)
    db.session.commit()
    assert runner.invoke(args=["users", "deactivate", expert.email]).exit_code == 1

    closed = runner.invoke(args=["users", "deactivate", coordinator.email.upper()])
    assert closed.exit_code == 0, closed.output
    assert not coordinator.active and coordinator.deactivated_at is not None
    assert authenticate(coordinator.email, PASSWORD) is None
    assert runner.invoke(args=["users", "deactivate", coordinator.email]).exit_code == 1
    opened = runner.invoke(args=["users", "reactivate", coordinator.email])
    assert opened.exit_code == 0, opened.output
    assert coordinator.active and coordinator.deactivated_at is None
