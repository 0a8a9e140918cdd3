"""The buyer-protection timer: "осталось 3 дня", "3 days left", "57 дн 4 ч", "17",
"ends 20.12", "до 20 декабря", "Refund if no delivery before Apr 2"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.core.quantities.dates import DateReading, read_date
from bot.core.quantities.durations import parse_duration
from bot.core.quantities.text import MAX_INPUT, clean

# AliExpress protection runs 15-90 days and extensions add to it; a year is far past any timer.
MAX_TIMER_DAYS = 365

_ENDS = re.compile(
    r"^(?:refund if (?:not delivered|no delivery) )?"
    r"(?:(?:it |timer |protection |защита |таймер )?"
    r"(?:ends?|ending|expires?|runs out|заканчивается|закончится|истекает|истечет)"
    r"(?: on)?\s+)?(?:до|until|till|by|before|on)?\s*"
)


@dataclass(frozen=True, slots=True)
class TimerReading:
    """What the timer shows: the day it ends, and how that was typed."""

    deadline: date
    days: int  # from today; negative when the typed date has passed
    by_date: bool  # an end date was typed, not a count of days
    negative: bool = False  # "-3 days": a countdown never shows that
    date_reading: DateReading | None = None


def read_days_left(text: str, today: date) -> TimerReading | None:
    """The protection deadline from what the timer shows, or None."""
    if len(text) > MAX_INPUT:
        return None
    s = clean(text)
    span = parse_duration(s, bare_days=True)
    if span is not None and not span.ago:
        if span.days > MAX_TIMER_DAYS:
            return None
        days = -span.days if span.negative else span.days
        return TimerReading(today + timedelta(days=days), days, False, span.negative)
    s = _ENDS.sub("", s, count=1)
    reading = read_date(s, today, past=False)
    if reading is None:
        return None
    return TimerReading(reading.day, (reading.day - today).days, True, date_reading=reading)


def parse_days_left(text: str, today: date) -> date | None:
    """The protection deadline from what the timer shows: ``"17 дней"``, ``"in 17 days"``,
    ``"17"``, ``"5 д 3 ч"``, or a date (``"25.11"``, ``"2026-11-25"``: the next such day)."""
    reading = read_days_left(text, today)
    if reading is None or reading.negative:
        return None
    return reading.deadline


def parse_timer_days(text: str, today: date | None = None) -> int | None:
    """Days left on the timer as a count (``"осталось 3 дня"`` → 3); a date needs ``today``."""
    if today is None:
        span = parse_duration(text, bare_days=True)
        if span is None or span.ago or span.negative or span.days > MAX_TIMER_DAYS:
            return None
        return span.days
    reading = read_days_left(text, today)
    return None if reading is None or reading.negative else reading.days
