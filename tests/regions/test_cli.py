from importlib import resources

from sqlalchemy import func, select

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.regions.models import Region

DATA = resources.files("ontwikkelbijeenkomsten.data").joinpath("jeugdregios-2025.csv")


def _import(app, path):
    return app.test_cli_runner().invoke(args=["regions", "import", str(path)])


def test_import_the_42_jeugdregios_twice(app):
    first = _import(app, DATA)
    assert first.exit_code == 0, first.output
    assert first.stdout == "42 added, 0 updated, 0 unchanged, 0 rejected\n"
    assert db.session.scalar(select(func.count()).select_from(Region)) == 42
    again = _import(app, DATA)
    assert again.stdout == "0 added, 0 updated, 42 unchanged, 0 rejected\n"


def test_bad_rows_are_reported_by_line(app, tmp_path):
    path = tmp_path / "regios.csv"
    path.write_text(
        "code,name\n"
        "JZ01,Groningen\n"
        "JZ1,Te kort\n"
        "JZ02,\n"
        "JZ01,Groningen nog eens\n"
        "JZ03,Kop van Noord-Holland\n",
        encoding="utf-8",
    )
    result = _import(app, path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "2 added, 0 updated, 0 unchanged, 3 rejected",
        "line 3: code 'JZ1' is not like JZ01",
        "line 4: name is empty or longer than 200 characters",
        "line 5: code JZ01 occurs twice in the file",
    ]
    path.write_text("code,name\nJZ01,Groningen (stad en ommeland)\n", encoding="utf-8")
    assert _import(app, path).stdout == "0 added, 1 updated, 0 unchanged, 0 rejected\n"


def test_a_file_with_the_wrong_header_is_rejected(app, tmp_path):
    path = tmp_path / "regios.csv"
    path.write_text("regio;naam\nJZ01;Groningen\n", encoding="utf-8")
    result = _import(app, path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "line 1: the header must name the columns code and name"


def test_an_unreadable_file_exits_with_1(app, tmp_path):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("code,name\nJZ02,Frysl\xe2n\n".encode("latin-1"))
    for path, reason in [(tmp_path / "missing.csv", "No such file"), (latin1, "not UTF-8"), (tmp_path, "directory")]:
        result = _import(app, path)
        assert result.exit_code == 1, (path, result.output)
        assert "cannot read" in result.stderr and reason in result.stderr
    assert db.session.scalar(select(func.count()).select_from(Region)) == 0


def test_a_large_file_shows_progress(app, tmp_path):
    codes = [f"{chr(65 + i // 2600)}{chr(65 + i // 100 % 26)}{i % 100:02d}" for i in range(2500)]
    path = tmp_path / "groot.csv"
    path.write_text("code,name\n" + "".join(f"{code},Regio {code}\n" for code in codes), encoding="utf-8")
    result = _import(app, path)
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == ["1000 of about 2500 rows read", "2000 of about 2500 rows read"]
    assert result.stdout == "2500 added, 0 updated, 0 unchanged, 0 rejected\n"
