"""Coordinator pages for regions, member organisations, programme periods, quota and the overview."""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm

from ontwikkelbijeenkomsten.core.time import today_local
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.regions import queries, services
from ontwikkelbijeenkomsten.regions.labels import organisation_type_label
from ontwikkelbijeenkomsten.regions.models import OrganisationType, ProgrammePeriod, Region
from ontwikkelbijeenkomsten.reports import regions as report
from ontwikkelbijeenkomsten.web.access import acting_user, coordinator_required
from ontwikkelbijeenkomsten.web.changes import apply_and_redirect
from ontwikkelbijeenkomsten.web.forms import options
from ontwikkelbijeenkomsten.web.regions.forms import (
    OrganisationForm,
    OverviewForm,
    PeriodForm,
    QuotaForm,
    RegionCreateForm,
    RegionEditForm,
)

bp = Blueprint("regions", __name__)
bp.app_template_filter("organisation_type")(organisation_type_label)

#: Larger ids overflow the database's integer column; the converter answers 404 for them.
ID = "int(max=2147483647)"
REGION_URL = f"/coordinatie/regios/<{ID}:region_id>"
PERIOD_URL = f"/coordinatie/periodes/<{ID}:period_id>"


# ---- overview ----------------------------------------------------------------------------------
def period_choice() -> tuple[OverviewForm, ProgrammePeriod | None]:
    """A page's period select (?period=ID) and the chosen period: the current one by default,
    404 for an unknown one."""
    periods = services.periods()
    form = OverviewForm(formdata=request.args)
    form.period.choices = options((p.id, p.name) for p in periods)
    if "period" in request.args:
        if not form.validate():
            abort(404)
        return form, next(p for p in periods if p.id == form.period.data)
    period = services.default_period(today_local())
    form.period.data = period.id if period else None
    return form, period


def _overview_choice() -> tuple[OverviewForm, ProgrammePeriod | None, str, bool]:
    """The period form and the chosen period (404 for an unknown one), sort key and direction."""
    form, period = period_choice()
    sort = request.args.get("sort", "code")
    return form, period, sort if sort in report.SORT_KEYS else "code", request.args.get("order") == "desc"


@bp.get("/coordinatie/regios")
@coordinator_required
def overview():
    form, period, sort, descending = _overview_choice()
    return render_template(
        "regions/overview.html", form=form, period=period, sort=sort, descending=descending,
        rows=report.overview(period, sort, descending) if period else [],
        columns=report.OVERVIEW_COLUMNS, inactive=services.inactive_regions(),
        missing=services.missing_jeugdregios(), has_regions=bool(queries.region_choices()),
    )


@bp.post("/coordinatie/regios/jeugdregios")
@coordinator_required
def add_jeugdregios():
    """Add the jeugdregio's of CBS that are missing: a new installation starts without regions."""
    form = FlaskForm()  # the CSRF token only

    def run():
        added = services.add_jeugdregios(acting_user())
        message = ngettext("%(num)d jeugdregio has been added.", "%(num)d jeugdregio's have been added.", added) \
            if added else _("Every jeugdregio of CBS is already there.")
        return message, url_for(".overview")

    return apply_and_redirect(form, run) or abort(400)


@bp.get("/coordinatie/regios.csv")
@coordinator_required
def overview_csv():
    _form, period, sort, descending = _overview_choice()
    if period is None:
        abort(404)
    return Response(
        report.overview_csv(report.overview(period, sort, descending)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{report.csv_filename(period)}"'},
    )


# ---- regions -----------------------------------------------------------------------------------
@bp.route("/coordinatie/regios/nieuw", methods=["GET", "POST"])
@coordinator_required
def create():
    form = RegionCreateForm()

    def run():
        region = services.create_region(form.code.data, form.name.data, acting_user())
        return _("Region %(code)s has been added.", code=region.code), url_for(".detail", region_id=region.id)

    return apply_and_redirect(form, run) or render_template("regions/create.html", form=form)


@bp.route(REGION_URL, methods=["GET", "POST"])
@coordinator_required
def detail(region_id: int):
    region = queries.find_region(region_id) or abort(404)
    form = RegionEditForm(prefix="region", obj=region)

    def run():
        changed = services.update_region(region, form.name.data, form.active.data, acting_user())
        message = _("The region has been saved.") if changed else _("Nothing has changed.")
        return message, url_for(".detail", region_id=region.id)

    return apply_and_redirect(form, run) or _detail_page(region, edit=form)


@bp.post(REGION_URL + "/organisaties")
@coordinator_required
def add_organisation(region_id: int):
    region = queries.find_region(region_id) or abort(404)
    form = OrganisationForm(prefix="organisation")

    def run():
        added = services.add_organisation(region, form.name.data, OrganisationType(form.type.data), acting_user())
        return _("%(name)s is now a member of the region.", name=added.name), url_for(".detail", region_id=region.id)

    return apply_and_redirect(form, run) or _detail_page(region, organisation=form)


@bp.post(REGION_URL + f"/organisaties/<{ID}:organisation_id>/verwijderen")
@coordinator_required
def remove_organisation(region_id: int, organisation_id: int):
    region = queries.find_region(region_id) or abort(404)
    organisation = services.find_organisation(region, organisation_id) or abort(404)
    name = organisation.name
    with unit_of_work():
        services.remove_organisation(organisation, acting_user())
    flash(_("%(name)s is no longer a member of the region.", name=name), "success")
    return redirect(url_for(".detail", region_id=region.id))


@bp.post(REGION_URL + "/quotum")
@coordinator_required
def set_quota(region_id: int):
    region = queries.find_region(region_id) or abort(404)
    periods = services.periods()
    form = _quota_form(periods)

    def run():
        period = next(p for p in periods if p.id == form.period.data)
        old, new = services.set_region_quota(region, period, form.quota.data, form.reason.data, acting_user())
        message = _(
            "The quota of %(region)s in %(period)s is now %(new)s dagdelen (it was %(old)s).",
            region=region.name, period=period.name, new=new, old=old,
        )
        return message, url_for(".detail", region_id=region.id)

    return apply_and_redirect(form, run) or _detail_page(region, quota=form)


def _quota_form(periods: list[ProgrammePeriod], **kwargs) -> QuotaForm:
    form = QuotaForm(prefix="quota", **kwargs)
    form.period.choices = options((p.id, p.name) for p in periods)
    return form


def _detail_page(region: Region, **submitted):
    """The region page; `submitted` holds the form that was sent (with its errors and input)."""
    periods = services.periods()
    current = services.default_period(today_local())
    forms = {
        "edit": RegionEditForm(prefix="region", formdata=None, obj=region),
        "organisation": OrganisationForm(prefix="organisation", formdata=None),
        "quota": _quota_form(periods, formdata=None, period=current.id if current else None),
        **submitted,
    }
    return render_template(
        "regions/detail.html", region=region, forms=forms,
        failed=next((f for f in forms.values() if f.errors), None),
        quotas=services.region_quotas(region), history=services.quota_history(region),
    )


# ---- programme periods -------------------------------------------------------------------------
@bp.route("/coordinatie/periodes", methods=["GET", "POST"])
@coordinator_required
def periods():
    form = PeriodForm()

    def run():
        period = services.create_period(
            form.name.data, form.starts_on.data, form.ends_on.data, form.default_quota.data, acting_user()
        )
        return _("The period %(name)s has been added.", name=period.name), url_for(".periods")

    return apply_and_redirect(form, run) or render_template(
        "regions/periods.html", form=form, periods=services.periods(),
        current=services.current_period(today_local()), today=today_local(),
    )


@bp.route(PERIOD_URL, methods=["GET", "POST"])
@coordinator_required
def period_edit(period_id: int):
    period = queries.find_period(period_id) or abort(404)
    form = PeriodForm(obj=period)

    def run():
        changed = services.update_period(
            period, form.name.data, form.starts_on.data, form.ends_on.data, form.default_quota.data, acting_user()
        )
        message = _("The period has been saved.") if changed else _("Nothing has changed.")
        return message, url_for(".periods")

    return apply_and_redirect(form, run) or render_template("regions/period_edit.html", form=form, period=period)
