"""The word list (docs/woordenlijst.md) holds for every Dutch text users see.

The Dutch words live in the Dutch catalogue only: templates and code carry English msgids, so
reading the msgstrs reads every page and mail. Each forbidden form below is a word the list marks
"Not" in a context that can be recognised mechanically, so that a legitimate use (the
coordinator's "afwijzen" of a request, "afmelden" of a participant) is not flagged.
"""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

import ontwikkelbijeenkomsten

CATALOGUE = Path(ontwikkelbijeenkomsten.__file__).parent / "translations/nl/LC_MESSAGES/messages.po"

#: (pattern, the word list's row it breaks); see docs/woordenlijst.md.
FORBIDDEN = [
    # "an expert says no to an assignment": weigeren, not afwijzen or afzeggen
    (r"\bexpert\b[^.]*\b(afgewezen|afwijzen|wijst\b[^.]*\baf|afgezegd|afzeggen|zegt\b[^.]*\baf)\b",
     "an expert weigert (not afwijzen/afzeggen)"),
    (r"\bopdracht\b[^.]*\b(afwijzen|wijs die af|afgewezen|afzeggen|afgezegd)\b",
     "an expert weigert an opdracht (not afwijzen/afzeggen)"),
    (r"\baccepteren of (afwijzen|afzeggen)\b", "accepteren of weigeren"),
    (r"\baccepteer\b[^.]*\b(wijs\b[^.]*\baf|zeg\b[^.]*\baf)\b", "accepteer ... of weiger (not wijs af/zeg af)"),
    # "a coordinator takes an expert off a session": niet meer nodig; intrekken is the region's
    (r"\bingetrokken door de co[öo]rdinator\b", "an expert is niet meer nodig (ingetrokken is the region's)"),
    # "a coordinator calls a session off": annuleren, not afzeggen
    (r"\bafzeg(gen|ging)\b|\bafgezegd\b", "annuleren (not afzeggen)"),
    # "a session gets a date, a dagdeel and an expert": inplannen, not geboekt, gepland, boeken
    (r"\b(geboekt|boeken|geboekte)\b", "ingepland (not geboekt/boeken)"),
    (r"\b(gepland|geplande)\b", "ingepland (not gepland)"),
    # "a participant gives up the place": afmelden, also when a coordinator does it for them
    (r"\baanmelding(en)?\b[^.]*\b(geannuleerd|annuleren|annuleert)\b|\bannuleer\b[^.]*\baanmelding",
     "afmelden (not a registration annuleren)"),
    # "the list for when a place comes free": wachtlijst, not reservelijst
    (r"\breservelijst\b", "wachtlijst (not reservelijst)"),
    # "a participant's place": aanmelding, not inschrijving
    (r"\binschrijving(en)?\b", "aanmelding (not inschrijving)"),
    # "a training for everyone": open training, not cursus
    (r"\bcursus(sen)?\b", "open training (not cursus)"),
    # "the private link in a mail": persoonlijke link, not geheime link
    (r"\bgeheime link\b", "persoonlijke link (not geheime link)"),
    # "a participant's number in a professional register": registratienummer, as the form's field
    (r"\bregisternummers?\b", "registratienummer (not registernummer)"),
    # "a session that took place" (state): uitgevoerd, not gehouden (vastgehouden is the sector's places)
    (r"\bgehouden\b", "uitgevoerd (not gehouden)"),
    # "half a day of expert support": dagdeel, not dagdeeltje or sessie
    (r"\bdagdeeltje|\bsessies?\b", "dagdeel (not dagdeeltje/sessie)"),
    # Writing: plurals of words ending in a vowel take the typographic apostrophe
    (r"\b(regio|thema|foto)'s\b", "regio’s (typographic apostrophe)"),
]


def dutch_texts() -> list[tuple[str, str]]:
    """(msgid, msgstr) of every current message, each plural form on its own."""
    with CATALOGUE.open("rb") as po:
        catalogue = read_po(po)
    texts = []
    for message in catalogue:
        if not message.id:
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        texts += [(msgid, string) for string in strings if string]
    return texts


def breaches(text: str) -> list[str]:
    return [rule for pattern, rule in FORBIDDEN if re.search(pattern, text, re.IGNORECASE)]


def test_no_dutch_text_uses_a_word_the_word_list_forbids():
    texts = dutch_texts()
    assert len(texts) > 1000  # the catalogue was read
    found = [f"{msgid!r} -> {string!r}: {rule}" for msgid, string in texts for rule in breaches(string)]
    assert not found, "\n".join(found)


def test_the_guard_catches_the_forbidden_forms_and_lets_the_right_ones_pass():
    assert breaches("bijeenkomsten die de expert heeft afgewezen")
    assert breaches("De bijeenkomst is gehouden") and not breaches("plaatsen vastgehouden voor jeugdhulp")
    assert breaches("Meteen accepteren of afzeggen, zonder in te loggen")
    assert breaches("Accepteer de opdracht, of wijs die af met een reden")
    assert breaches("Geboekt") and breaches("Gepland") and breaches("Bekijk alle geplande bijeenkomsten")
    assert breaches("De expert krijgt een afzegging per e-mail")
    assert breaches("regio's")
    assert not breaches("bijeenkomsten die de expert heeft geweigerd")
    assert breaches("Accepteer ze, of wijs ze af met een reden: de coördinator zoekt dan een andere expert.")
    assert not breaches("Accepteer ze, of weiger ze met een reden: de coördinator zoekt dan een andere expert.")
    assert breaches("Ingetrokken door de coördinator") and not breaches("Ingetrokken door de regio")
    assert not breaches("Meteen accepteren of weigeren, zonder in te loggen")
    assert not breaches("U hebt de aanvraag afgewezen. De regio krijgt een e-mail met de reden.")
    assert not breaches("Ingepland") and not breaches("Ingeplande bijeenkomsten") and not breaches("regio’s")
    assert not breaches("U bent afgemeld. Uw plaats is weer vrij voor iemand anders.")
    assert breaches("Aanmelding geannuleerd: Samen leren") and breaches("Aanmelding annuleren")
    assert breaches("Uw aanmelding voor de bijeenkomst hieronder is geannuleerd.")
    assert not breaches("De bijeenkomst is geannuleerd. Uw aanmelding vervalt.")
    assert breaches("Registernummer") and not breaches("Registratienummer")
