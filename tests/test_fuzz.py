"""Never a 5xx, whatever is typed or forged: Hypothesis walks every route of the app's own URL map
as an anonymous visitor, the coordinator and the expert, and sends fuzzed query strings and form
bodies.

Nothing here lists routes or fields. URL arguments get real ids of their kind (by the argument's
name) or garbage; a `token` gets one of the real links the services make, or garbage. Field names
come from the FlaskForm classes of the route's web package (a FieldList or FormField expanded to
`moments-0-date`), from the `name="..."` attributes of the pages the role sees (prefixed forms
such as `details-title`), and at random. Values: numbers of 400 digits, negative numbers,
whitespace, control characters and NUL, 10,000 characters, impossible dates, valid-looking
values, a field repeated, a field left out. A new route or form is fuzzed without a change here.
"""
from __future__ import annotations

import importlib
import pkgutil
import re
import sys
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from wtforms import FieldList, FormField
from wtforms.fields.core import UnboundField

import ontwikkelbijeenkomsten.web
from ontwikkelbijeenkomsten.accounts import services as accounts
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.experts import services as experts
from ontwikkelbijeenkomsten.mail.models import OutboxMail
from ontwikkelbijeenkomsten.meetings import links
from ontwikkelbijeenkomsten.meetings import services as meetings
from ontwikkelbijeenkomsten.meetings.assignments import feed_token
from ontwikkelbijeenkomsten.meetings.models import MeetingExpert
from ontwikkelbijeenkomsten.meetings.registers import Register
from ontwikkelbijeenkomsten.regions import services as regions
from ontwikkelbijeenkomsten.regions.models import OrganisationType
from ontwikkelbijeenkomsten.reports import monitoring_tables
from ontwikkelbijeenkomsten.reports.start import Attention
from ontwikkelbijeenkomsten.requests import services as requests
from tests.factories import applicant, future_day
from tests.helpers import login
from tests.plugins.backends import IN_CI
from tests.scheduling.test_services import book

pytestmark = pytest.mark.backends("sqlite")  # what a form accepts does not depend on the database

#: Examples per route and role: about 90 routes x 3 roles x 12 take about 40 seconds here.
EXAMPLES = 12
GARBAGE_IDS = [0, 1, 7, 2147483647, 99999999999999999999, -1]
GARBAGE_TOKENS = ["x", "0", "a" * 500, "..%2f..%2fetc", "eyJpZCI6MX0.AAAA.BBBB", "%00"]

# ---- values -----------------------------------------------------------------------------------
NASTY = [
    "9" * 400, "-" + "9" * 400, "-1", "-2147483649", "2147483648", "0", "1e309", "NaN", "-0",
    "", " ", "   ", "\t", "\r\n", "\x00", "a\x00b", "\x01\x1b\x7f", "\u2028", "x" * 10_000,
    "2026-02-30", "31-31-2026", "0000-00-00", "9999-12-31", "0001-01-01", "25:00", "12:60", "-09:00",
    "<script>alert(1)</script>", "' OR 1=1 --", "%s%n", "{{ 7*7 }}", "💥",
]
VALID_LOOKING = [
    "y", "on", "1", "2", "20", "ochtend", "middag", "avond", "onderwijs", "jeugdhulp", "address", "online",
    "swv_vo", "gemeente", "13:00", "16:30", "ilse@example.org", "coordinator@example.org", "06 12345678",
    "https://example.org/meet", "Samen signaleren", "Een-lang-en-onraadbaar-wachtwoord-42", "nl", "en",
    "sent", "failed", "mail", "JZ77",
]
_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
_value = st.one_of(
    st.sampled_from(NASTY), st.sampled_from(VALID_LOOKING), _text,
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
)
FIELD_VALUE = st.one_of(_value, st.lists(_value, min_size=2, max_size=3))  # a list: the field repeated


# ---- what the app declares ------------------------------------------------------------------------
def _web_forms() -> list[type]:
    """Every FlaskForm subclass defined in ontwikkelbijeenkomsten.web."""
    for module in pkgutil.walk_packages(ontwikkelbijeenkomsten.web.__path__, "ontwikkelbijeenkomsten.web."):
        importlib.import_module(module.name)
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("ontwikkelbijeenkomsten.web"):
            found.append(cls)
    return found


def _names(unbound: UnboundField, name: str) -> list[str]:
    """The names a browser sends for one declared field (a list of subforms: each entry's fields)."""
    if issubclass(unbound.field_class, FieldList):
        entries = max(unbound.kwargs.get("min_entries", 0), 1)
        return [sub for i in range(entries) for sub in _names(unbound.args[0], f"{name}-{i}")]
    if issubclass(unbound.field_class, FormField):
        return [sub for inner, field in _declared(unbound.args[0]) for sub in _names(field, f"{name}-{inner}")]
    return [name]


def _declared(form: type) -> list[tuple[str, UnboundField]]:
    return [(name, value) for name in dir(form) if isinstance(value := getattr(form, name, None), UnboundField)]


def _form_names(forms) -> set[str]:
    return {sub for form in forms for name, field in _declared(form) for sub in _names(field, name)}


def _forms_of_view(view, forms: list[type]) -> list[type]:
    """The forms the view's module imports, and those of its web package."""
    module = sys.modules[view.__module__]
    package = module.__name__.rsplit(".", 1)[0]
    imported = {id(v) for v in vars(module).values()}
    return [form for form in forms if id(form) in imported or form.__module__.startswith(package + ".")]


# ---- the world -----------------------------------------------------------------------------------
@pytest.fixture
def real(plan, training):
    """Real ids by URL argument name, and real tokens of every kind."""
    with unit_of_work():
        registration = meetings.register(training, applicant(1))
        booked = book(plan)
        organisation = regions.add_organisation(plan.region, "Gemeente Maastricht", OrganisationType.GEMEENTE,
                                                plan.coordinator)
        invited = experts.invite("Nina Nieuw", "nieuw@example.org", [plan.themes[0].id], [], True,
                                 plan.coordinator)
        # the reset link of a bystander: a fuzzed new password must not lock out a role
        accounts.request_password_reset(plan.other_expert.email)
    reset = db.session.scalars(select(OutboxMail).where(OutboxMail.kind == "password_reset")).one()
    tokens = [
        requests.status_token(plan.request), links.registration_token(registration),
        links.meeting_token(booked.meeting), links.meeting_token(training), experts.invitation_token(invited),
        feed_token(plan.expert), re.search(r"/wachtwoord-herstellen/([^\s\"<]+)", reset.text_body)[1],
    ]
    db.session.commit()
    assignments = db.session.scalars(select(MeetingExpert.id)).all()
    mails = db.session.scalars(select(OutboxMail.id)).all()
    return {
        "meeting_id": [training.id, booked.meeting.id], "request_id": [plan.request.id],
        "expert_id": [plan.expert.id, plan.other_expert.id, invited.id, plan.coordinator.id],
        "region_id": [r.id for r in plan.regions], "period_id": [plan.period.id], "mail_id": mails,
        "theme_id": [theme.id for theme in plan.themes],
        "registration_id": [registration.id], "assignment_id": assignments, "organisation_id": [organisation.id],
        "token": tokens, "filename": ["css/app.css", "../../pyproject.toml", "nope.js"],
        "kind": [kind.value for kind in Attention], "key": list(monitoring_tables.KEYS),
        "register": [register.value for register in Register], "code": tokens,
    }


ROLES = {"anonymous": None, "coordinator": "coordinator@example.org", "expert": "expert@example.org"}


def _client(app, role):
    client = app.test_client()
    return login(client, ROLES[role]) if ROLES[role] else client


def _url(rule, args: dict) -> str:
    """The rule's path with `args` filled in, percent-encoded as a browser sends them."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: quote(str(args[m[1]]), safe=""), rule.rule)


def _url_args(rule, real) -> st.SearchStrategy:
    def one(name):
        garbage = GARBAGE_TOKENS if name in ("token", "filename", "code", "register") else GARBAGE_IDS
        return st.sampled_from(real.get(name, []) + garbage) | _text
    return st.fixed_dictionaries({name: one(name) for name in sorted(rule.arguments)})


def _body(names: set[str]) -> st.SearchStrategy:
    known = st.fixed_dictionaries({}, optional={name: FIELD_VALUE for name in sorted(names)})
    extra = st.dictionaries(_text, FIELD_VALUE, max_size=2)
    return st.builds(lambda a, b: {**b, **a}, known, extra)


def _page_names(app, role, rules, real) -> set[str]:
    """The field names on the pages `role` can open with real ids (the first of each kind)."""
    client, names = _client(app, role), set()
    for rule in rules:
        if "GET" in rule.methods and rule.endpoint != "static":
            response = client.get(_url(rule, {name: real[name][0] for name in rule.arguments}))
            if response.mimetype == "text/html":  # not the downloads (a workbook is no text)
                names.update(re.findall(r'\bname="([^"]+)"', response.get_data(as_text=True)))
    return names


def _send(client, method, url, query, body):
    """One request; a 5xx or an exception fails with what was sent."""
    try:
        response = client.open(url, method=method, query_string=query, data=body)
    except Exception as exc:  # TESTING propagates what would be a 500
        raise AssertionError(f"{method} {url} query={query!r} body={body!r} raised {exc!r}") from exc
    assert response.status_code < 500, f"{method} {url} query={query!r} body={body!r}: {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_no_input_gives_a_server_error(app, real, role):
    rules = sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    forms = _web_forms()
    page_names = _page_names(app, role, rules, real)
    for rule in rules:
        names = _form_names(_forms_of_view(app.view_functions[rule.endpoint], forms)) | page_names
        methods = sorted(m for m in rule.methods if m in ("GET", "POST"))
        client = _client(app, role)

        # CI draws the same examples every run, so a red run points at a change; locally each
        # run tries new inputs.
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=IN_CI,
                  suppress_health_check=[HealthCheck.too_slow])
        @given(args=_url_args(rule, real), method=st.sampled_from(methods),
               query=st.dictionaries(st.sampled_from(sorted(names)) | _text, FIELD_VALUE, max_size=3),
               body=_body(names))
        def fuzz(args, method, query, body):
            _send(client, method, _url(rule, args), query, body if method == "POST" else None)

        fuzz()
