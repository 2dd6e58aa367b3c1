"""The themes requests, experts and trainings are about (`/coordinatie/themas`): add one,
rename one, stop or start offering one, and add the work programme's list to a new installation."""
from __future__ import annotations

from flask import abort, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm

from ontwikkelbijeenkomsten.core import themes
from ontwikkelbijeenkomsten.reports.theme_use import ThemeUse, theme_use
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.changes import apply_and_redirect
from ontwikkelbijeenkomsten.web.regions.forms import ThemeEditForm, ThemeForm
from ontwikkelbijeenkomsten.web.regions.views import ID, bp

THEMES_URL = "/coordinatie/themas"


def _page(form: ThemeForm):
    return render_template(
        "regions/themes.html", form=form, themes=themes.all_themes(), use=theme_use(), unused=ThemeUse(),
        missing=themes.missing_programme_themes(),
    )


@bp.route(THEMES_URL, methods=["GET", "POST"])
@coordinator_required
def themes_page():
    form = ThemeForm()

    def run():
        theme = themes.add_theme(form.name.data, acting_user())
        return _("The theme %(name)s has been added and can be chosen now.", name=theme.name), url_for(".themes_page")

    return apply_and_redirect(form, run) or _page(form)


@bp.post(THEMES_URL + "/werkprogramma")
@coordinator_required
def programme_themes():
    form = FlaskForm()  # the CSRF token only

    def run():
        added = themes.add_programme_themes(acting_user())
        message = ngettext("%(num)d theme of the work programme has been added.",
                           "%(num)d themes of the work programme have been added.", added) if added else \
            _("Every theme of the work programme is already there.")
        return message, url_for(".themes_page")

    return apply_and_redirect(form, run) or abort(400)


@bp.route(THEMES_URL + f"/<{ID}:theme_id>", methods=["GET", "POST"])
@coordinator_required
def theme_edit(theme_id: int):
    theme = themes.find_theme(theme_id) or abort(404)
    form = ThemeEditForm(obj=theme, offered=theme.active)

    def run():
        renamed = themes.rename_theme(theme, form.name.data, acting_user())
        offered = themes.set_offered(theme, form.offered.data, acting_user())
        message = _("The theme has been saved.") if renamed or offered else _("Nothing has changed.")
        return message, url_for(".themes_page")

    return apply_and_redirect(form, run) or render_template(
        "regions/theme_edit.html", form=form, theme=theme, use=theme_use().get(theme.id, ThemeUse()))
