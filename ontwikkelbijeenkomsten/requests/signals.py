"""What the requests layer announces, for the layers above it to answer (they connect the
receivers; see scheduling/hooks.py)."""
from blinker import Namespace

_signals = Namespace()

#: Sent with the request as sender, and `reason` and `actor`, when a request is withdrawn or
#: rejected. A receiver cancels what it planned for the request that has not begun and returns
#: how many dagdelen the request still uses (sessions that stay); the rest go back to the quota.
request_closing = _signals.signal("request-closing")
