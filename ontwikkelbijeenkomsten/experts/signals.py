"""What the experts layer asks of the layers above it, which know about sessions.

Experts sit below meetings, so they cannot look at assignments themselves. They send these
signals and the meetings layer answers them (receivers in `meetings.assignments` and
`meetings.bookings`, connected whenever the app is built), as Indico's signals do.
"""
from blinker import Namespace

_signals = Namespace()

deactivating = _signals.signal("expert-deactivating")
"""Sent with the expert (the sender) before deactivation. A receiver returns a RuleViolation
when something still needs the expert (upcoming sessions), or None."""

booked_slots = _signals.signal("expert-booked-slots")
"""Sent with the expert id (the sender) and `start`, `end` (dates, inclusive). A receiver
returns the set of (date, Dagdeel) in that range that a session holds; those slots are left
alone by availability changes."""
