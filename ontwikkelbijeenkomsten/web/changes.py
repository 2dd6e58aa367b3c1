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
    flash(message, "success")
    return redirect(target)
