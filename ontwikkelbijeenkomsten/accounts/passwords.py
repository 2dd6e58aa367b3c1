"""The rule for a new password, after NIST SP 800-63B: a minimum length and no composition rules,
but no password that is easy to guess (common, a pattern, or the person's own name or address)."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

from ..core.rules import RuleViolation

PASSWORD_MIN = 12
PASSWORD_MAX = 200
#: zxcvbn's score 3: about 10^8 guesses or more, beyond an online attack and costly offline.
STRONG_ENOUGH = 3
#: zxcvbn gets slow on long input; a password whose first 72 characters are strong is strong.
ESTIMATED_LENGTH = 72
#: Words that guessers try first for this site, besides the common passwords zxcvbn knows.
SITE_WORDS = ("wachtwoord", "welkom", "geheim", "ontwikkelbijeenkomsten", "ontwikkelbijeenkomst",
              "bijeenkomst", "onderwijs", "jeugd")
#: A part of a name or address shorter than this ("de", "van", "jan") may occur by chance.
PERSONAL_MIN = 4


def _letters_and_digits(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def _personal_words(name: str, email: str) -> list[str]:
    """The name and the address's local part, whole and in parts, as a guesser would try them."""
    local = email.lower().partition("@")[0]
    words = [*re.split(r"[\W_]+", name.lower()), *re.split(r"[\W_]+", local),
             _letters_and_digits(name), _letters_and_digits(local)]
    return sorted({w for w in words if len(w) >= PERSONAL_MIN})


def check_password(password: str, *, name: str, email: str) -> None:
    """Refuse a new password for the person called `name` with address `email` that is too short,
    too long, contains their name or address, or is easy to guess; the message says which."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise RuleViolation("password", _l("A password has between 12 and 200 characters."))
    personal = _personal_words(name, email)
    if any(word in _letters_and_digits(password) for word in personal):
        raise RuleViolation("password", _l(
            "This password contains your name or e-mail address, so it is easy to guess. Choose another one."))
    context = [*personal, *filter(None, re.split(r"[\W_]+", email.lower())), *SITE_WORDS]
    if zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=context)["score"] < STRONG_ENOUGH:
        raise RuleViolation("password", _l(
            "This password is easy to guess: it is used a lot or looks like a password that is. "
            "Choose a sentence of a few words that only you would think of."))
