"""Parsers for what people type about an order: dates, prices, a protection timer, quiet hours.

Pure functions (no Telegram, no clock): every relative value is computed against the ``today``
the caller passes, so the handler decides which day it is in the user's time zone.
Russian and English forms are accepted; ``None`` means "could not understand", never an error.
Dates, durations, money and the timer are read by ``bot.core.quantities`` (one reader for every
step); this module keeps the names the rest of the code imports, and the quiet hours.
"""

from __future__ import annotations

import re
from datetime import date

from bot.core.quantities import (
    MAX_INPUT,
    USD_RATES,
    Money,
    check_offer_usd,
    is_doubtful,
    parse_date,
    parse_days_left,
    parse_duration,
    parse_money,
    read_days_left,
    to_usd,
)

__all__ = [
    "MAX_INPUT",
    "USD_RATES",
    "Money",
    "format_minutes",
    "parse_amount",
    "parse_date",
    "parse_days_left",
    "parse_money",
    "parse_number",
    "parse_quiet_hours",
    "parse_timer_left",
    "to_usd",
]


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold().replace("ё", "е"))


# --- quiet hours ---------------------------------------------------------------------------

_QUIET_RE = re.compile(
    r"^(?:с|from)?\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*(?:-|–|—|to|до)\s*"
    r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$"
)
_OFF_WORDS = frozenset({"off", "no", "none", "нет", "выкл", "выключить", "отключить"})


def parse_quiet_hours(text: str) -> tuple[int, int] | bool | None:
    """``"23:00-08:00"`` → (1380, 480) minutes of the day; ``"off"`` → ``False``; else ``None``."""
    s = _clean(text)
    if s in _OFF_WORDS:
        return False
    m = _QUIET_RE.match(s)
    if m is None:
        return None
    h1, m1 = _hour(m.group(1), m.group(3)), int(m.group(2) or 0)
    h2, m2 = _hour(m.group(4), m.group(6)), int(m.group(5) or 0)
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        return None
    start, end = h1 * 60 + m1, h2 * 60 + m2
    return None if start == end else (start, end)


def _hour(raw: str, half: str | None) -> int:
    """A 24-hour hour from ``"11"`` and ``"pm"`` (99, i.e. invalid, for "13pm")."""
    hour = int(raw)
    if half is None:
        return hour
    if not 1 <= hour <= 12:
        return 99
    return hour % 12 + (12 if half == "pm" else 0)


def format_minutes(minute_of_day: int) -> str:
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


# --- a typed number or amount in a chat answer -----------------------------------------------

_DAYS_UNIT = r"дн\w*|days?"


def _number_re(digits: int, units: str) -> re.Pattern[str]:
    return re.compile(
        rf"^\s*(?P<sign>[-+]?)\$?\s*(?P<n>\d{{1,{digits}}}(?:[.,]\d{{1,2}})?)\s*(?:\$|usd{units})?\s*$"
    )


_COUNT_RE = _number_re(5, "|" + _DAYS_UNIT)
_AMOUNT_RE = _number_re(6, "")


def parse_number(text: str) -> float | None:
    """A typed number of days or dollars (``"17"``, ``"17 дней"``, ``"-3"``, ``"$5"``), or any
    duration in days (``"осталось 3 дня"``, ``"2 weeks"``, ``"57 дн 4 ч"``), or None."""
    match = _COUNT_RE.match(text.lower())
    if match is None:
        span = parse_duration(text)
        if span is None:
            return None
        return float(-span.days if span.negative else span.days)
    value = float(match.group("n").replace(",", "."))
    return -value if match.group("sign") == "-" else value


def parse_amount(text: str) -> float | None:
    """A typed amount in US dollars (``"7.5"``, ``"$5"``, ``"0"``, ``"12 usd"``,
    ``"seller offers 7.5 dollars"``; another currency converted roughly), or None."""
    match = _AMOUNT_RE.match(text.lower())
    if match is None:
        usd = check_offer_usd(text)
        return usd if isinstance(usd, float) else None
    if match.group("sign"):
        return None
    return float(match.group("n").replace(",", "."))


# Acceptance checks (is this a timer answer at all?) run before the user's day is known.
_ANY_DAY = date(2026, 1, 1)


def parse_timer_left(text: str, today: date | None = None) -> int | None:
    """Days left on the protection timer, negative when it ended that many days ago: ``"17"``,
    ``"-3"``, ``"осталось 3 дня"``, ``"57 дн 4 ч"``, ``"ends 20.12"``, ``"до 20 декабря"``.
    A yearless end date nearer behind than ahead ("ends 20.11" on 2 December) ended then.
    Without ``today`` a date is read against a fixed day (enough to tell it is an answer)."""
    number = parse_number(text)
    if number is not None:
        return int(number)
    day = today or _ANY_DAY
    reading = read_days_left(text, day)
    if reading is None:
        return None
    dated = reading.date_reading
    if dated is not None and dated.other is not None and is_doubtful(dated, day):
        return (dated.other - day).days
    return reading.days
