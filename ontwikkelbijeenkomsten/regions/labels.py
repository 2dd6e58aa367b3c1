"""Words for the organisation types, shared by the request form and the region pages."""
from flask_babel import lazy_gettext as _l

from .models import OrganisationType

ORGANISATION_TYPE_LABELS = {
    OrganisationType.SWV_PO: _l("Samenwerkingsverband passend onderwijs, primary education (PO)"),
    OrganisationType.SWV_VO: _l("Samenwerkingsverband passend onderwijs, secondary education (VO)"),
    OrganisationType.MBO: _l("Mbo school"),
    OrganisationType.GEMEENTE: _l("Municipality"),
    OrganisationType.JEUGDHULP: _l("Youth care provider"),
    OrganisationType.OTHER: _l("Other"),
}


def organisation_type_label(value: OrganisationType) -> str:
    return str(ORGANISATION_TYPE_LABELS[value])


def organisation_type_choices() -> list[tuple[str, str]]:
    return [(kind.value, str(label)) for kind, label in ORGANISATION_TYPE_LABELS.items()]
