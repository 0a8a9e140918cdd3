"""Calendar dates as people type them, relative to a ``today`` the caller passes.

"15.12", "15.12.2026", "2026-12-15", "15 декабря", "Dec 15", "вчера", "12 days ago". A date
without a year is read the way the step needs it (a ship date lies behind, a deadline ahead), and
:func:`read_date` says when that reading is doubtful: "15.12" typed on 2 December as a ship date
is either 13 days ahead (impossible) or 352 days back (unlikely), so the user is asked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.quantities.durations import parse_duration
from bot.core.quantities.text import MAX_INPUT, clean
from bot.core.quantities.words import MONTHS, WEEKDAYS, WORD_DAYS

_NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?\.?$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DASHED_DATE_RE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")  # 12-03-2026, day first
_DAY_MONTH_RE = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-zа-я]+)\.?(?:,?\s+(\d{4}))?(?:\s*г\.?)?$"
)
_MONTH_DAY_RE = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")


@dataclass(frozen=True, slots=True)
class DateReading:
    """A typed date: the day it means, and whether the year was typed."""

    day: date
    year_typed: bool
    # The same day and month in the other direction (a yearless date only): the reading the
    # user may have meant when ``day`` is far off.
    other: date | None = None


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year(raw: str | None) -> int | None:
    if raw is None:
        return None
    value = int(raw)
    return 2000 + value if value < 100 else value


def _resolve(day: int, month: int, year: int | None, today: date, past: bool) -> DateReading | None:
    """A date without a year is the nearest such day in the past (or the future, ``past=False``)."""
    if year is not None:
        found = _make_date(year, month, day)
        return None if found is None else DateReading(found, year_typed=True)
    candidate = _make_date(today.year, month, day)
    if candidate is None:  # 29.02 in a common year: try the neighbouring years
        for shift in (-1, 1, -2, 2, -3, 3):
            candidate = _make_date(today.year + shift, month, day)
            if candidate is not None:
                return DateReading(candidate, year_typed=False)
        return None
    if past and candidate > today:
        earlier = _make_date(today.year - 1, month, day)
        return None if earlier is None else DateReading(earlier, False, other=candidate)
    if not past and candidate < today:
        later = _make_date(today.year + 1, month, day)
        return None if later is None else DateReading(later, False, other=candidate)
    return DateReading(candidate, year_typed=False)


def read_date(text: str, today: date, *, past: bool = True) -> DateReading | None:
    """A calendar date as people type it, with how it was read (see :class:`DateReading`)."""
    if len(text) > MAX_INPUT:
        return None
    s = clean(text).rstrip("!?")
    s = re.sub(r"^(?:on|the)\s+", "", s)  # "on March 12"
    s = re.sub(r"(?<=\d)(?:st|nd|rd|th)?\s+of\s+", " ", s)  # "12th of March"
    if s in WORD_DAYS:
        return DateReading(today - timedelta(days=WORD_DAYS[s]), year_typed=True)
    if (span := parse_duration(s)) is not None and span.ago and not span.negative:
        return DateReading(today - timedelta(days=span.days), year_typed=True)
    s = WEEKDAYS.sub("", s, count=1)
    if m := _ISO_DATE_RE.match(s):
        found = _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return None if found is None else DateReading(found, year_typed=True)
    if m := _DASHED_DATE_RE.match(s):
        found = _make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return None if found is None else DateReading(found, year_typed=True)
    if m := _NUMERIC_DATE_RE.match(s):
        day, month = int(m.group(1)), int(m.group(2))
        if month > 12 and day <= 12 and "/" in s:  # "12/20/26": only the US order fits
            day, month = month, day
        return _resolve(day, month, _year(m.group(3)), today, past)
    if (m := _DAY_MONTH_RE.match(s)) and m.group(2) in MONTHS:
        return _resolve(int(m.group(1)), MONTHS[m.group(2)], _year(m.group(3)), today, past)
    if (m := _MONTH_DAY_RE.match(s)) and m.group(1) in MONTHS:
        return _resolve(int(m.group(2)), MONTHS[m.group(1)], _year(m.group(3)), today, past)
    return None


def parse_date(text: str, today: date, *, past: bool = True) -> date | None:
    """A calendar date as people type it.

    ``"12.11"``, ``"12.11.2026"``, ``"12/11/26"`` (day first), ``"2026-11-12"``, ``"12 ноября"``,
    ``"Nov 12"``, ``"вчера"``, ``"12 days ago"``, ``"12 дней назад"``, ``"неделю назад"``.
    Without a year the date is the nearest one in the past (``past=False``: in the future).
    """
    reading = read_date(text, today, past=past)
    return None if reading is None else reading.day


def is_doubtful(reading: DateReading, today: date) -> bool:
    """A yearless date read the step's way but closer the other way: "15.12" typed on 2 December
    as a ship date (352 days back, or 13 days ahead) — ask rather than guess."""
    if reading.other is None:
        return False
    return abs((reading.other - today).days) < abs((reading.day - today).days)
