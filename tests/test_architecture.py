"""The structure the README draws: layers that point down only, one commit point, no queries
in the web layer, choice fields given SelectChoice options. These read the code; they run no app."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import grimp
import pytest
from importlinter import api
from importlinter.contracts.layers import LayersContract

PACKAGE = Path(__file__).resolve().parents[1] / "ontwikkelbijeenkomsten"


def _contract() -> LayersContract:
    config = api.read_configuration()
    (options,) = [c for c in config["contracts_options"] if c["type"] == "layers"]
    return LayersContract(options["name"], config["session_options"], options)


@pytest.fixture
def graph():
    return grimp.build_graph("ontwikkelbijeenkomsten", cache_dir=None)


def _broken(check) -> str:
    return "\n".join(
        f"{link['importer']} -> {link['imported']} (line {', '.join(map(str, link['line_numbers']))})"
        for dependency in check.metadata.get("invalid_dependencies", [])
        for route in dependency["routes"]
        for link in route["chain"]
    )


def test_the_layers_point_down_only(graph):
    check = _contract().check(graph, verbose=False)
    assert check.kept, f"imports that point up:\n{_broken(check)}"


@pytest.mark.parametrize(("importer", "imported"), [
    ("ontwikkelbijeenkomsten.core.audit", "ontwikkelbijeenkomsten.accounts.models"),
    ("ontwikkelbijeenkomsten.mail.calendar", "ontwikkelbijeenkomsten.meetings.models"),
    ("ontwikkelbijeenkomsten.requests.services", "ontwikkelbijeenkomsten.scheduling.services"),
    ("ontwikkelbijeenkomsten.scheduling.services", "ontwikkelbijeenkomsten.web.forms"),
])
def test_an_import_that_points_up_breaks_the_contract(graph, importer, imported):
    graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
    assert not _contract().check(graph, verbose=False).kept


def _sources(*parts: str):
    root = PACKAGE.joinpath(*parts)
    for path in sorted(root.rglob("*.py")):
        yield path.relative_to(PACKAGE.parent).as_posix(), path.read_text()


def test_only_the_unit_of_work_commits_or_rolls_back():
    calls = re.compile(r"\.(commit|rollback)\(\)")
    found = [name for name, text in _sources() if calls.search(text) and not name.endswith("core/uow.py")]
    assert found == [], "commit()/rollback() outside core/uow.py"


def test_the_web_layer_runs_no_queries():
    query = re.compile(r"\bselect\(|db\.session\.(execute|scalars?)\(")
    found = [name for name, text in _sources("web") if query.search(text)]
    assert found == [], "queries belong beside the services"


def _choices_given_otherwise(tree: ast.AST) -> list[int]:
    """Lines where a form's `choices` is set (`x.choices = …` or `choices=…`) other than through
    `web.forms.options(…)`."""
    def through_options(value: ast.expr) -> bool:
        return isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "options"

    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            if any(isinstance(t, ast.Attribute) and t.attr == "choices" for t in node.targets) \
                    and not through_options(node.value):
                lines.append(node.lineno)
        elif isinstance(node, ast.keyword) and node.arg == "choices" and not through_options(node.value):
            lines.append(node.value.lineno)
    return lines


def test_choice_fields_get_selectchoice_options():
    """WTForms 3.3 deprecates (value, label) tuples as choices and 3.4 drops them; a field built
    with tuples warns (and pyproject.toml makes that warning an error), one given them later
    does not, so this reads the code for both."""
    found = [f"{name}:{line}" for name, text in _sources() for line in _choices_given_otherwise(ast.parse(text))]
    assert found == [], "set choices with web.forms.options(...)"


def test_the_choices_check_finds_tuples():
    tree = ast.parse('form.x.choices = [("a", "A")]\nSelectField(choices=[("a", "A")])\n'
                     'form.y.choices = options([("a", "A")])\n')
    assert _choices_given_otherwise(tree) == [1, 2]
