"""The readable summary of a person's data (the web page's download and `privacy export
--summary`): one template, with the words for sectors, registers and log entries."""
from __future__ import annotations

from flask import render_template

from ..core.db import utcnow
from ..core.sectors import sector_label
from ..meetings.registers import register_label
from .labels import action_label
from .person import Person


def summary_text(person: Person) -> str:
    return render_template("privacy/summary.txt", person=person, now=utcnow(), sector_label=sector_label,
                           register_label=register_label, action_label=action_label)
