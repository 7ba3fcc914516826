"""Small immutable records without :mod:`dataclasses` (pure, standard library only).

The records a ``civic pb outcome`` process makes — the pabulib reader's and the rules' — were
frozen dataclasses, and importing :mod:`dataclasses` (with :mod:`inspect`, :mod:`ast`,
:mod:`dis`, :mod:`tokenize`) and building six classes with it was about a third of that
process (issue 15, docs/performance.md «Start-up»).  A subclass of :class:`Record` lists its
fields in ``__slots__`` and ``_fields`` and sets them in a hand-written ``__init__`` through
``_init`` (``object.__setattr__``); it gets what ``@dataclass(frozen=True, slots=True)`` gave:
equality and hash over the compared fields (``_compare``, default all), a repr of every field,
no assignment after ``__init__``, and pickling/copying through ``__init__``.
"""

from __future__ import annotations

_set = object.__setattr__


class Record:
    """An immutable record: equality, hash and repr over its fields."""

    __slots__ = ()
    #: The fields in ``__init__``'s positional order (what repr shows and pickling passes).
    _fields: tuple[str, ...] = ()
    #: The fields equality and hash compare (``field(compare=False)`` leaves one out).
    _compare: tuple[str, ...] | None = None

    def _init(self, *values: object) -> None:
        """Set the fields, in ``_fields`` order (what a subclass's ``__init__`` calls)."""
        for name, value in zip(self._fields, values, strict=True):
            _set(self, name, value)

    def _key(self) -> tuple:
        return tuple([getattr(self, name) for name in self._compare or self._fields])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({shown})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __reduce__(self):
        return self.__class__, tuple([getattr(self, name) for name in self._fields])
