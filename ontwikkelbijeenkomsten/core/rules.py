"""The exception every service raises for input that is well-formed but breaks a rule."""
from functools import wraps

from ..extensions import db


class RuleViolation(Exception):
    """`field` names the form field to blame; `message` is shown there, in the user's language."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field
        self.message = message


def rolled_back(*refusals: type[Exception]):
    """Services own their transaction: when one refuses (a RuleViolation, or one of
    `refusals`), nothing it wrote stays behind."""
    def decorate(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except (RuleViolation, *refusals):
                db.session.rollback()
                raise
        return wrapper
    return decorate
