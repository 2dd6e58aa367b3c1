"""What the meetings layer announces, for the layers above it to answer (certificates/hooks.py)."""
from blinker import Namespace

_signals = Namespace()

#: Sent with the lead of the series as sender when attendance of one of its parts is saved,
#: in the same transaction; a receiver may issue what follows from it (certificates).
attendance_saved = _signals.signal("attendance-saved")
