"""What the regions layer asks the layers above it before a change (they connect the
receivers; see requests/hooks.py). A receiver answers with a RuleViolation to refuse, or None."""
from blinker import Namespace

_signals = Namespace()

#: Sent with the region as sender before it is deactivated.
region_deactivating = _signals.signal("region-deactivating")

#: Sent with the period as sender and the new `starts_on` and `ends_on` before its days change.
period_days_changing = _signals.signal("period-days-changing")

