"""Relative dates in a quote ("on Wednesday", "yesterday", "last month") resolved against the
publication date of the article it comes from.

    >>> [d.resolved for d in resolve_relative_dates("The leaders met on Wednesday.", "2023-09-14")]
    ['2023-09-13']
"""

from __future__ import annotations

import datetime as dt
import re

from .types import ResolvedDate

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_FUTURE = re.compile(r"\b(will|would|to be|is due|are due|plans?|planned|next|upcoming|scheduled)\b", re.I)
_PATTERN = re.compile(
    r"\b(?:(on|last|this|next|by|from|until|since)\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|\b(yesterday|today|tomorrow|tonight)\b"
    r"|\b(last|this|next)\s+(week|month|year)\b"
    r"|\b(\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(days|weeks|months|years)\s+ago\b",
    re.I,
)
_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


def _month_shift(d: dt.date, months: int) -> str:
    m = d.month - 1 + months
    return f"{d.year + m // 12:04d}-{m % 12 + 1:02d}"


def resolve_relative_dates(text: str, published: str, offset: int = 0) -> list[ResolvedDate]:
    """Find relative date expressions in ``text`` and resolve them against ``published`` (ISO date).

    Returns:
        A ``ResolvedDate`` per expression, its ``start``/``end`` with ``offset`` added; none when
        ``published`` is not a date.
    """
    try:
        pub = dt.date.fromisoformat(published[:10])
    except (ValueError, TypeError):
        return []
    out = []
    future = bool(_FUTURE.search(text))
    for m in _PATTERN.finditer(text):
        expr = m.group(0)
        low = expr.lower()
        resolved = None
        if m.group(2):
            wd = WEEKDAYS.index(m.group(2).lower())
            prep = (m.group(1) or "").lower()
            delta_back = (pub.weekday() - wd) % 7
            delta_fwd = (wd - pub.weekday()) % 7
            if prep == "next" or (future and prep not in ("last", "since")):
                day = pub + dt.timedelta(days=delta_fwd or 7 if prep == "next" else delta_fwd)
            else:
                # News usage: "on Wednesday" in Thursday's paper is the day before; the same weekday
                # as the paper is that day.
                day = pub - dt.timedelta(days=delta_back)
            resolved = day.isoformat()
        elif m.group(3):
            resolved = (pub + dt.timedelta(days={"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[low])).isoformat()
        elif m.group(4):
            which, unit = m.group(4).lower(), m.group(5).lower()
            step = {"last": -1, "this": 0, "next": 1}[which]
            if unit == "month":
                resolved = _month_shift(pub, step)
            elif unit == "year":
                resolved = f"{pub.year + step:04d}"
            else:
                monday = pub - dt.timedelta(days=pub.weekday()) + dt.timedelta(weeks=step)
                resolved = f"{monday.isoformat()}/{(monday + dt.timedelta(days=6)).isoformat()}"
        elif m.group(6):
            n = int(m.group(6)) if m.group(6).isdigit() else _NUM[m.group(6).lower()]
            unit = m.group(7).lower()
            if unit == "days":
                resolved = (pub - dt.timedelta(days=n)).isoformat()
            elif unit == "weeks":
                resolved = (pub - dt.timedelta(weeks=n)).isoformat()
            elif unit == "months":
                resolved = _month_shift(pub, -n)
            else:
                resolved = f"{pub.year - n:04d}"
        if resolved:
            out.append(ResolvedDate(expr, offset + m.start(), offset + m.end(), resolved,
                                    f"published {pub.isoformat()} ({WEEKDAYS[pub.weekday()].title()})"))
    return out
