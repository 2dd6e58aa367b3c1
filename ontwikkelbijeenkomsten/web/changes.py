"""The one way a view makes a change: the form checks the shape of the input, the service runs
inside one unit of work, and a rule it refuses is shown at the form's fields, with what the
person typed kept."""
from __future__ import annotations

from flask import flash, redirect

from ..core.rules import RuleViolation
from ..core.uow import unit_of_work
from .forms import field_error

#: What `apply` returns when the form or a rule said no.
REFUSED = object()


def flash_done(message: str, next_step: tuple[str, str] | None = None) -> None:
    """Flash that a change is done; `next_step` (label, url) links to what usually comes next,
    so the person need not look for it on a long page (base.html shows it in the message)."""
    if next_step:
        label, url = next_step
        flash({"text": message, "next_label": label, "next_url": url}, "success")
    else:
        flash(message, "success")


def apply(form, change):
    """What `change()` returned once committed, or REFUSED (the errors are then on `form`)."""
    if not form.validate_on_submit():
        return REFUSED
    try:
        with unit_of_work():
            return change()
    except RuleViolation as exc:
        field_error(form, exc)
        return REFUSED


def apply_and_redirect(form, change):
    """For a `change()` that returns (message, where to go): flash and redirect once it is
    done; None when refused, so the caller renders the page with the form again."""
    done = apply(form, change)
    if done is REFUSED:
        return None
    message, target = done
    flash_done(message)
    return redirect(target)
