"""The words for a plan, shared by the planning page and `flask schedule auto`: why a request
is not served, a preference rank, the dagdelen per region, the order of the lists."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.time import Dagdeel
from .batch import Preview
from .candidates import PERIOD_RANK
from .solver import Booking, Shortfall, Unserved

#: Why the planner cannot (fully) serve a request.
REASONS = {
    Shortfall.NO_MOMENTS: _l("no preferred moment left in the future"),
    Shortfall.NO_EXPERT: _l("no fitting expert is available at the preferred moments"),
    Shortfall.TOO_FEW_MOMENTS: _l("too few preferred moments with a fitting expert"),
    Shortfall.TAKEN: _l(
        "the fitting experts are needed for other requests at those moments or have reached their maximum"),
}


def rank_label(rank: int) -> str:
    return _("preferred period") if rank >= PERIOD_RANK else _("preference %(num)s", num=rank)


@dataclass(frozen=True)
class RegionRow:
    region_id: int
    name: str
    before: int  # dagdelen booked before this plan
    planned: int  # dagdelen this plan books
    unbooked: int = 0  # granted dagdelen that stay unbooked after this plan

    @property
    def total(self) -> int:
        return self.before + self.planned

    @property
    def granted(self) -> int:
        """The target: every granted dagdeel booked."""
        return self.total + self.unbooked


def region_rows(preview: Preview) -> list[RegionRow]:
    """Every region with dagdelen booked, planned or asked for in the period, by name."""
    plan = preview.plan
    planned = Counter(b.region_id for b in plan.bookings)
    unbooked = Counter()
    for unserved in plan.unserved:
        unbooked[unserved.region_id] += unserved.missing
    return sorted(
        (RegionRow(rid, name, plan.per_region[rid] - planned[rid], planned[rid], unbooked[rid])
         for rid, name in preview.regions.items()),
        key=lambda row: (row.name, row.region_id),
    )


def _region_name(preview: Preview, item: Booking | Unserved) -> str:
    return preview.requests[item.request_id].region.name


def sorted_bookings(preview: Preview) -> list[Booking]:
    order = list(Dagdeel)
    return sorted(preview.plan.bookings, key=lambda b: (
        _region_name(preview, b), b.moment[0], order.index(b.moment[1]), b.request_id))


def sorted_unserved(preview: Preview) -> list[Unserved]:
    return sorted(preview.plan.unserved, key=lambda u: (_region_name(preview, u), u.request_id))


def served_requests(preview: Preview) -> int:
    return len({b.request_id for b in preview.plan.bookings})
