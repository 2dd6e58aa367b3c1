"""How accreditation details and hours read, on the training page and on the certificate."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import ngettext

from ..meetings.registers import short_label
from .models import Accreditation, CreditUnit


def hours(value: Decimal) -> str:
    """'3,5 hours' in the reader's language."""
    return ngettext("%(amount)s hour", "%(amount)s hours", 1 if value == 1 else 2,
                    amount=format_decimal(value, format="0.#"))


def credits(accreditation: Accreditation) -> str:
    amount = accreditation.amount
    if amount is None:
        return ""
    if accreditation.unit is CreditUnit.HOURS:
        return hours(amount)
    return ngettext("%(amount)s point", "%(amount)s points", 1 if amount == 1 else 2,
                    amount=format_decimal(amount, format="0.#"))


def accreditation_text(accreditation: Accreditation, with_amount: bool = True) -> str:
    """'Accredited by SKJ, BIG; activity number 12345; 3 points' (the parts that are set; the
    points or hours only `with_amount`: a partial attendance's certificate states them apart)."""
    parts = []
    if accreditation.register_list:
        parts.append(_("Accredited by %(registers)s",
                       registers=", ".join(short_label(r) for r in accreditation.register_list)))
    if accreditation.activity_number:
        parts.append(_("activity number %(number)s", number=accreditation.activity_number))
    if with_amount and accreditation.amount is not None:
        parts.append(credits(accreditation))
    return "; ".join(parts)
