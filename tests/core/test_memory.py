"""The cycle collector is paused only for the block, and comes back also when the block fails."""
from __future__ import annotations

import gc

import pytest

from ontwikkelbijeenkomsten.core.memory import collector_paused


def test_the_collector_is_paused_in_the_block_and_runs_again_after_it():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_runs_again_after_a_failing_block():
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the batch failed")
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
