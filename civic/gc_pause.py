"""Pausing Python's cyclic garbage collector around bulk work (pure, standard library only)."""

from __future__ import annotations

import gc


class gc_paused:  # noqa: N801 - used as the function-style context manager it replaced
    """Pause the cyclic collector while many small acyclic objects are made (a ballot import,
    a pabulib file, a count): its repeated full scans would make the work several times slower.
    Reference counting still frees everything; the collector is re-enabled as it was found.

    A class rather than a ``contextlib.contextmanager``: :mod:`contextlib` would cost every
    ``civic pb outcome`` process its import (issue 15, docs/performance.md «Start-up»)."""

    __slots__ = ("_enabled",)

    def __enter__(self) -> None:
        self._enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc_info: object) -> None:
        if self._enabled:
            gc.enable()
