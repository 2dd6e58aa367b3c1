"""The certificate as a PDF: an HTML template with the app's design tokens, rendered by
WeasyPrint as PDF/UA-1 (tagged, with the document language and title), the vendored DejaVu Sans
embedded (static/fonts), so it reads the same on every machine and the text stays selectable."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

from ..meetings.registers import short_label
from .labels import accreditation_text, credits, hours
from .services import CertificateContent

STYLESHEETS = ("css/theme.css", "css/certificate.css")


def render(certificate: CertificateContent, verify_url: str, lookup_url: str, locale: str = "nl") -> bytes:
    import weasyprint  # a second to import: only when a certificate is drawn

    static = Path(current_app.static_folder)
    with force_locale(locale):
        html = render_template("certificates/certificate.html", c=certificate, verify_url=verify_url, lookup_url=lookup_url,
                               locale=locale, short_register=short_label, hours=hours, credits=credits,
                               accreditation_text=accreditation_text)
    document = weasyprint.HTML(string=html, base_url=str(static) + "/")
    return document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(static / name)) for name in STYLESHEETS],
                              pdf_variant="pdf/ua-1")
