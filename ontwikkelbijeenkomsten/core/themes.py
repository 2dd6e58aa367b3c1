"""The themes of the onderwijs-jeugd work programme (slug, Dutch name), in display order, and
the one query that offers them as choices."""
from sqlalchemy import or_, select

from .extensions import db
from .models import Theme

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
