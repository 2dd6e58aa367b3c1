"""The certificates layer's answers to the signals of the meetings layer."""
from ..meetings.signals import attendance_saved
from .services import issue_due


@attendance_saved.connect
def _issue(lead, **_kwargs) -> None:
    issue_due(lead)
