from ontwikkelbijeenkomsten.requests.models import RequestState
from ontwikkelbijeenkomsten.scheduling import proposals


def test_the_plan_fixture_has_two_proposals(plan):
    assert plan.request.state is RequestState.GRANTED
    found = proposals.proposals(plan.request)
    assert [(p.moment, p.expert_id) for p in found.items] == [(m, plan.expert.id) for m in plan.moments]
