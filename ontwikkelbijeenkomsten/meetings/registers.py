"""The professional registers a participant may name, and the form of their numbers.

Where a register publishes the form of its numbers, it is checked: an SKJ registration number
is 6 to 9 digits, a BIG number 11 digits (spaces, dots and hyphens typed between the digits are
left out). The other registers' numbers are kept as typed, letters, digits, spaces, dots and
hyphens only.
"""
from __future__ import annotations

import enum
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.rules import RuleViolation

NUMBER_MAX = 40
_SEPARATORS = re.compile(r"[\s.\-]")
_FREE_FORM = re.compile(r"^[0-9A-Za-z][0-9A-Za-z .\-/]*$")


class Register(enum.Enum):
    SKJ = "skj"
    REGISTERPLEIN = "registerplein"
    LERARENREGISTER = "lerarenregister"
    BIG = "big"
    NIP_NVO = "nip_nvo"
    OTHER = "anders"


#: register -> (the digits its numbers have, at least and at most)
DIGITS = {Register.SKJ: (6, 9), Register.BIG: (11, 11)}


#: Translated when shown: a form that is only validated (a POST) translates none of them.
_LABELS = {
    Register.SKJ: _l("SKJ (youth care professionals)"),
    Register.REGISTERPLEIN: _l("Registerplein (social work)"),
    Register.LERARENREGISTER: _l("Lerarenregister (teachers)"),
    Register.BIG: _l("BIG register"),
    Register.NIP_NVO: _l("NIP or NVO (through PE-online)"),
    Register.OTHER: _l("Another register"),
}


def register_label(register: Register) -> str:
    return str(_LABELS[register])


def short_label(register: Register) -> str:
    """The register's name alone, for lists and file names."""
    return {Register.SKJ: "SKJ", Register.REGISTERPLEIN: "Registerplein", Register.LERARENREGISTER: "Lerarenregister",
            Register.BIG: "BIG", Register.NIP_NVO: "NIP/NVO (PE-online)", Register.OTHER: _("Other")}[register]


def register_choices() -> list[tuple[str, str]]:
    """(value, label) per register; the labels are translated when they are shown."""
    return [(register.value, _LABELS[register]) for register in Register]


def checked_number(register: Register | None, number: str) -> str:
    """The number as it is stored (empty without a register); raises the problem at the field
    `professional_register` or `register_number`."""
    number = (number or "").strip()
    if register is None:
        if number:
            raise RuleViolation("professional_register", _l("Choose the register your number belongs to."))
        return ""
    if not number:
        raise RuleViolation("register_number", _l("Enter your registration number, or choose no register."))
    if register in DIGITS:
        least, most = DIGITS[register]
        digits = _SEPARATORS.sub("", number)
        if not digits.isdigit() or not least <= len(digits) <= most:
            raise RuleViolation("register_number", _number_form(register))
        return digits
    if len(number) > NUMBER_MAX or not _FREE_FORM.match(number):
        raise RuleViolation("register_number", _l(
            "Use at most %(max)d letters and digits (spaces, dots and hyphens may be in between).", max=NUMBER_MAX))
    return number


def _number_form(register: Register):
    if register is Register.BIG:
        return _l("A BIG number has 11 digits, for example 19012345601. Check the number and try again.")
    return _l("An SKJ registration number has 6 to 9 digits, for example 110012345. Check the number and try again.")
