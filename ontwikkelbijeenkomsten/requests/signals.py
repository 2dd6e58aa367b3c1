"""What the requests layer announces, for the layers above it to answer (they connect the
receivers; see scheduling/hooks.py)."""
from blinker import Namespace

_signals = Namespace()

#: Sent with the request as sender, and `reason` and `actor`, when a request is withdrawn or
#: rejected. A receiver cancels what it planned for the request that has not begun and returns
#: how many dagdelen the request still uses (sessions that stay); the rest go back to the quota.
request_closing = _signals.signal("request-closing")

#: Sent with the request as sender: a receiver returns how many of the request's sessions have
#: not begun (what closing the request now would cancel).
counting_upcoming = _signals.signal("request-counting-upcoming")

#: Sent with the request as sender, and `old` (the contact before: name, email, phone, function)
#: and `actor`, when a coordinator gives the request another contact e-mail address. A receiver
#: moves the calendar invites of the request's upcoming sessions to the new contact.
contact_changed = _signals.signal("request-contact-changed")
