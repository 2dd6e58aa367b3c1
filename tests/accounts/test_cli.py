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
