"""Pausing Python's cyclic garbage collector around bulk work (pure, standard library only)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector while many small acyclic objects are made (a ballot import,
    a pabulib file, a count): its repeated full scans would make the work several times slower.
    Reference counting still frees everything; the collector is re-enabled as it was found."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
