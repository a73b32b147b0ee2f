"""``count(n, noun)``: a number and its noun, singular for exactly one (every stage's messages use it)."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None, *, thousands: bool = False) -> str:
    """``n`` and the noun, singular for exactly 1.

    Args:
        n: how many.
        noun: the singular.
        plural: the plural when it is not ``noun + "s"`` (``count(2, "match", "matches")``).
        thousands: write ``n`` with thousands separators (``1,234 passages``).

    >>> count(1, "article"), count(0, "article"), count(2, "match", "matches"), count(1234, "passage", thousands=True)
    ('1 article', '0 articles', '2 matches', '1,234 passages')
    """
    number = f"{n:,}" if thousands else str(n)
    return f"{number} {noun if n == 1 else (plural or noun + 's')}"
