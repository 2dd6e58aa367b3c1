"""The exception every service raises for input that is well-formed but breaks a rule."""
from __future__ import annotations


class RuleViolation(Exception):
    """One or more broken rules. Each problem names the form field to blame (`field`) and the
    message shown there, in the user's language; `field` and `message` are the first problem's.

    Services collect every problem they find and raise them together (`RuleViolation.all`), so
    a person sees everything to correct at once.
    """

    def __init__(self, field: str, message, *, problems: list[RuleViolation] | None = None):
        super().__init__(message)
        self.field = field
        self.message = message
        self.problems = problems or [self]

    @classmethod
    def all(cls, problems: list[RuleViolation]) -> RuleViolation:
        """One exception carrying every problem in `problems` (at least one)."""
        first = problems[0]
        return cls(first.field, first.message, problems=problems)

    @staticmethod
    def raise_if(problems: list[RuleViolation]) -> None:
        if problems:
            raise RuleViolation.all(problems)


def raise_refusals(signal, sender, **kwargs) -> None:
    """Ask the receivers of a blinker `signal` whether a change may go ahead; each answers a
    RuleViolation to refuse or None. Raises every refusal at once."""
    RuleViolation.raise_if([answer for _receiver, answer in signal.send(sender, **kwargs) if answer is not None])


class StateError(Exception):
    """The action does not fit the object's current state (someone else acted first)."""

