"""Helpers for the certificate tests: a training that has been held, with attendance saved."""
from __future__ import annotations

import io
from datetime import timedelta

import pypdf
import pytest

from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.meetings import services
from tests.factories import applicant


def pdf_text(body: bytes) -> str:
    """The PDF's text as a reader would copy it, on one line."""
    reader = pypdf.PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def held(plan, make_training):
    """held(parts=1, people=[applicant kwargs...], present={index: [part indexes]}): a training of
    `parts` dagdelen, its people registered, the dagdelen moved into the past, attendance saved
    for every part as `present` says. Returns (lead, registrations)."""

    def make(parts: int = 1, people=({},), present=None, title: str = "Samen signaleren", days_ahead: int = 40):
        lead = make_training(parts=parts, title=title, days_ahead=days_ahead)
        with unit_of_work():
            registered = [services.register(lead, applicant(n, **fields)) for n, fields in enumerate(people)]
        for part in lead.all_parts:  # into the past, times kept (13:00-16:30, 3.5 hours each)
            part.date -= timedelta(days=70)
            part.starts_at -= timedelta(days=70)
            part.ends_at -= timedelta(days=70)
        db.session.commit()
        present = present if present is not None else {n: list(range(parts)) for n in range(len(people))}
        for index, part in enumerate(lead.all_parts):
            with unit_of_work():
                services.mark_attendance(part, {registered[n].id for n, at in present.items() if index in at},
                                         plan.coordinator)
        db.session.expire_all()
        return lead, registered

    return make
