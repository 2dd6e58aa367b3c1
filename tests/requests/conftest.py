"""The request tests use the shared ``world`` (tests/plugins/data.py): a region, the current
programme period, two themes and a coordinator. ``submission(world, **overrides)`` is a valid
form; ``future_day(days)`` a day ahead within the school year."""
import pytest


@pytest.fixture
def coordinator(world):
    """Here the coordinator is the world's (so ``coordinator_client`` logs in as Sanne)."""
    return world.coordinator
