"""What the mail layer tells the layers above it (they connect the receivers; see accounts/hooks.py)."""
from blinker import Namespace

_signals = Namespace()

#: Sent with the outbox row as sender when a mail cannot be built and has failed for good.
unbuildable = _signals.signal("mail-unbuildable")
