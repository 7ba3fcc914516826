"""Ukrainian number agreement: moved to :mod:`civic.formatting` (Babel's CLDR rule)."""

from civic.formatting import Forms, agree, group_digits, plural_category

__all__ = ["Forms", "agree", "group_digits", "plural_category"]
