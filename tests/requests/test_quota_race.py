"""Twenty coordinators grant at the same moment: the quota still holds."""
from sqlalchemy import select

from ontwikkelbijeenkomsten.accounts.models import User
from ontwikkelbijeenkomsten.core.extensions import db
from ontwikkelbijeenkomsten.core.uow import unit_of_work
from ontwikkelbijeenkomsten.regions import quota
from ontwikkelbijeenkomsten.requests import services
from ontwikkelbijeenkomsten.requests.models import Request, RequestState
from tests.factories import submission
from tests.races import Race

THREADS = 20


def test_concurrent_grants_never_exceed_the_quota(world, make_app):
    ids = [services.submit(submission(world, dagdelen_wanted=1)).id for _ in range(THREADS)]
    coordinator_id, region_id, period = world.coordinator.id, world.region.id, world.period
    together = Race(make_app, THREADS)
    outcomes: list[str] = []

    def grant(request_id: int) -> None:
        request = db.session.get(Request, request_id)
        coordinator = db.session.get(User, coordinator_id)
        together.go()
        try:
            with unit_of_work():
                services.grant(request, 1, coordinator)
            outcomes.append("granted")
        except services.RuleViolation:
            outcomes.append("refused")
        except Exception as exc:  # anything else is a bug the test must show
            outcomes.append(f"error: {exc!r}")

    together.run(grant, [(i,) for i in ids], timeout=120)

    assert sorted(outcomes) == ["granted"] * 4 + ["refused"] * (THREADS - 4), outcomes
    granted = db.session.scalars(select(Request).where(Request.state == RequestState.GRANTED)).all()
    assert len(granted) == 4
    assert quota.ledger(region_id, period).granted == 4
