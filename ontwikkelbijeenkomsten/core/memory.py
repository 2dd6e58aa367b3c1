"""Python's cycle collector, paused for a step that builds many objects at once."""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for the block. A batch that reads thousands of rows and builds
    a network of a hundred thousand arcs keeps most of what it makes until it ends, and each
    full collection meanwhile walks every object of the process again (a quarter of the batch's
    time, measured). Memory is still freed by reference counting; cycles made in the block are
    collected after it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
