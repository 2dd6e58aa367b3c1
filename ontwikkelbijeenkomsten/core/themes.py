"""The themes requests, experts and trainings are about: the work programme's list (slug, Dutch
name, in display order) that a new installation starts from, the one query that offers them as
choices, and what coordinators change (add, rename, stop or start offering a theme).

A theme is never deleted: requests, experts, trainings and the reports keep pointing at it. A
theme that is no longer offered stays on what already has it, and choosable there."""
from __future__ import annotations

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from . import audit
from .extensions import db
from .models import Theme
from .rules import RuleViolation

NAME_MAX = 200

THEMES: list[tuple[str, str]] = [
    ("signaleren-en-arrangeren", "Signaleren en arrangeren"),
    ("jonge-risicokinderen", "Voorzieningen voor jonge risicokinderen"),
    ("grote-zorgvraag", "Onderwijs aan leerlingen met een grote zorgvraag"),
    ("leerplicht", "Leerplicht"),
    ("leerlingenvervoer", "Leerlingenvervoer"),
    ("onderwijshuisvesting", "Onderwijshuisvesting"),
    ("bundeling-budgetten", "Bundeling van budgetten"),
    ("preventie-vroegsignalering", "Preventie en vroegsignalering"),
    ("multidisciplinaire-samenwerking", "Multidisciplinaire samenwerking (mdo, ondersteuningsteam, ZAT)"),
    ("onderwijs-zorgarrangementen", "Integrale onderwijs-zorgarrangementen"),
    ("doorgaande-lijnen", "Doorgaande lijnen"),
    ("oogo", "OOGO (op overeenstemming gericht overleg)"),
    ("zorgplicht-mbo", "Zorgplicht mbo"),
    ("anders", "Anders"),
]


def theme_choices(keep=()) -> list[tuple[int, str]]:
    """(id, name) of the active themes in display order, plus the themes in `keep` (ids of
    themes an object already has, which stay choosable after they are retired)."""
    kept = [int(theme_id) for theme_id in keep]
    return list(db.session.execute(
        select(Theme.id, Theme.name).where(or_(Theme.active, Theme.id.in_(kept)))
        .order_by(Theme.position, Theme.name)).tuples())


def themes_by_id(theme_ids, *, active_only: bool = False) -> list:
    """The Theme rows for `theme_ids` (unknown ids are left out), in display order."""
    query = select(Theme).where(Theme.id.in_({int(i) for i in theme_ids}))
    if active_only:
        query = query.where(Theme.active)
    return list(db.session.scalars(query.order_by(Theme.position, Theme.name)))


def all_themes() -> list[Theme]:
    """Every theme, offered or not, in display order."""
    return list(db.session.scalars(select(Theme).order_by(Theme.position, Theme.name)))


def find_theme(theme_id: int) -> Theme | None:
    return db.session.get(Theme, theme_id)


def missing_programme_themes() -> list[tuple[str, str]]:
    """The themes of the work programme (`THEMES`) that this installation does not have yet."""
    present = set(db.session.scalars(select(Theme.slug)))
    return [(slug, name) for slug, name in THEMES if slug not in present]


def add_programme_themes(actor=None) -> int:
    """Add the work programme's themes that are missing (a new installation has none); returns
    how many were added."""
    missing = missing_programme_themes()
    position = _next_position()
    added = [Theme(slug=slug, name=name, position=position + offset) for offset, (slug, name) in enumerate(missing)]
    db.session.add_all(added)
    db.session.flush()
    for theme in added:
        audit.record("theme.created", theme, actor=actor, name=theme.name)
    return len(added)


def add_theme(name: str, actor) -> Theme:
    """A new theme, offered at once, after the others."""
    name = _checked_name(name, None)
    theme = Theme(slug=_slug(name), name=name, position=_next_position())
    _saved(theme)
    audit.record("theme.created", theme, actor=actor, name=name)
    return theme


def rename_theme(theme: Theme, name: str, actor) -> bool:
    """Give the theme another name everywhere it is shown; False when the name is the same."""
    name = _checked_name(name, theme.id)
    if name == theme.name:
        return False
    audit.record("theme.renamed", theme, actor=actor, name=[theme.name, name])
    theme.name = name
    return True


def set_offered(theme: Theme, offered: bool, actor) -> bool:
    """Offer the theme on new requests, profiles and trainings, or stop offering it (what has it
    keeps it); False when nothing changes."""
    if theme.active == offered:
        return False
    theme.active = offered
    audit.record("theme.offered" if offered else "theme.withdrawn", theme, actor=actor)
    return True


def _checked_name(name: str, theme_id: int | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise RuleViolation("name", _l("Enter the name of the theme."))
    if len(name) > NAME_MAX:
        raise RuleViolation("name", _l("Use at most %(max)d characters.", max=NAME_MAX))
    same = select(Theme.id).where(or_(func.lower(Theme.name) == name.lower(), Theme.slug == _slug(name)))
    if theme_id is not None:
        same = same.where(Theme.id != theme_id)
    if db.session.scalar(same.limit(1)) is not None:
        raise RuleViolation("name", _l("There is already a theme with this name."))
    return name


def _slug(name: str) -> str:
    """'Zorgplicht mbo' -> 'zorgplicht-mbo': the theme's fixed key (its name may change)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:80] or "thema"


def _next_position() -> int:
    return (db.session.scalar(select(func.max(Theme.position))) or 0) + 1


def _saved(theme: Theme) -> None:
    """Add `theme` in a savepoint: a theme with the same key added at the same moment becomes
    the error at the name."""
    try:
        with db.session.begin_nested():
            db.session.add(theme)
    except IntegrityError:
        raise RuleViolation("name", _l("There is already a theme with this name.")) from None
