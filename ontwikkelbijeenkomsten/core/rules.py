"""The exception every service raises for input that is well-formed but breaks a rule."""


class RuleViolation(Exception):
    """`field` names the form field to blame; `message` is shown there, in the user's language."""

    def __init__(self, field: str, message):
        super().__init__(message)
        self.field = field
        self.message = message
