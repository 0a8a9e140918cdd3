"""Durations as people type them: "3 недели", "12 days ago", "57 дн 4 ч", "полтора месяца",
"a month", "неделю назад", "осталось 3 дня", "3 days left".

A duration is a whole number of days (a month counts 30, hours are kept apart), plus which way it
points when the words say so: ``ago`` (back from today) or ``left`` (a countdown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.quantities.text import MAX_INPUT, clean, number
from bot.core.quantities.words import HOUR_UNITS, NUMBER_WORDS, UNIT_PATTERN, unit_days

# No order's countdown or age runs past ten years; a bigger count is a typo, not a duration.
MAX_DAYS = 3660


@dataclass(frozen=True, slots=True)
class Duration:
    days: int
    hours: int = 0
    ago: bool = False  # "12 days ago", "неделю назад"
    left: bool = False  # "осталось 3 дня", "3 days left", "in 17 days"
    negative: bool = False  # "-3 days": never a real countdown or age; the caller asks back


_COUNT_WORDS = "|".join(
    re.escape(word) for word in sorted(NUMBER_WORDS, key=len, reverse=True) if word != "пол"
)
_PART = re.compile(
    rf"(?:(?P<n>\d{{1,5}}(?:[.,]\d{{1,2}})?|{_COUNT_WORDS})\s*|(?P<half>пол)\s*)?{UNIT_PATTERN}"
    r"(?P<and_half>\s+(?:and a half|с половиной))?"
)
_CLOCK = re.compile(r"(?P<h>\d{1,2}):\d{2}(?::\d{2})?")  # the timer's "04:10:22" after the days
_SEPARATOR = re.compile(r"\s*(?:,|и|and|\+)?\s*")
_LEFT_BEFORE = re.compile(
    r"^(?:(?:still|only|just|ещ[её]|только|всего|in|через|осталось|остается|left|remaining"
    r"|timer(?: shows)?|таймер(?: показывает)?|(?:buyer )?protection|защита(?: покупателя)?)"
    r"\s*:?\s*)+"
)
_AGO_BEFORE = re.compile(r"^(?:(?:already|уже|about|около|примерно|почти|~|for|since)\s+)+")
_LEFT_AFTER = re.compile(r"\s+(?:left|remaining|to go|осталось|остается)$")
_AGO_AFTER = re.compile(r"\s+(?:ago|back|назад|тому назад)$")
_NEGATIVE = re.compile(r"^(?:-|−|минус\s*)")


def parse_duration(text: str, *, bare_days: bool = False) -> Duration | None:
    """A duration, or None. ``bare_days``: a lone number ("17") counts as days."""
    if len(text) > MAX_INPUT:
        return None
    s = clean(text).rstrip(".!?")
    left = ago = False
    if m := _LEFT_BEFORE.match(s):
        s, left = s[m.end() :], True
    elif m := _AGO_BEFORE.match(s):
        s = s[m.end() :]
    if m := _LEFT_AFTER.search(s):
        s, left = s[: m.start()], True
    elif m := _AGO_AFTER.search(s):
        s, ago = s[: m.start()], True
    negative = False
    if m := _NEGATIVE.match(s):
        s, negative = s[m.end() :].lstrip(), True
    if bare_days and re.fullmatch(r"\d{1,5}", s):
        s += " d"
    parts = _read_parts(s)
    if parts is None:
        return None
    days, hours = parts
    if days > MAX_DAYS or (left and ago):
        return None
    return Duration(days, hours, ago=ago, left=left, negative=negative)


def _read_parts(s: str) -> tuple[int, int] | None:
    """Total (days, hours) of "57 дн 4 ч", "1 month 2 weeks", "57 дн 04:10:22"; None if any of
    the text is not a part."""
    total, hours, pos, found = 0.0, 0, 0, False
    while pos < len(s):
        if found:
            pos = _SEPARATOR.match(s, pos).end()  # type: ignore[union-attr]  # matches ""
        if found and (clock := _CLOCK.match(s, pos)) and clock.end() == len(s):
            return _days(total), hours + int(clock.group("h"))
        m = _PART.match(s, pos)
        if m is None or m.end() == pos:
            return None
        count = _count(m)
        if count is None:
            return None
        unit = m.group("unit")
        if unit in HOUR_UNITS:
            hours += int(count)
        else:
            total += count * unit_days(unit)
        found, pos = True, m.end()
        if pos < len(s) and s[pos].isalnum() and not s[pos - 1].isspace():
            return None  # "5днях" glued to more letters: not a unit we know
    return (_days(total), hours) if found else None


def _count(m: re.Match[str]) -> float | None:
    raw = m.group("n")
    if m.group("half"):
        value = 0.5
    elif raw is None:
        value = 1.0  # "неделю", "a month" without a number: one
    elif raw[0].isdigit():
        value = number(raw)
    else:
        value = NUMBER_WORDS[raw]
    if m.group("and_half"):
        value += 0.5
    return value


def _days(total: float) -> int:
    return int(total + 0.5)  # "полтора месяца" = 45, "1.5 weeks" = 11


_IN_TEXT = re.compile(
    rf"(?<!\w)(?P<count>(?:\d{{1,5}}(?:[.,]\d{{1,2}})?|{_COUNT_WORDS})\s*|пол\s*)?"
    rf"{UNIT_PATTERN}(?!\w)(?P<way>\s+(?:ago|back|назад|left|remaining|осталось))?"
)


def find_duration(text: str) -> Duration | None:
    """The first duration inside a sentence ("Посылка уже 3 недели висит на таможне", "Seller
    gave me the number 12 days ago"), read as :func:`parse_duration` reads it; or None.
    A unit without a count counts only with "ago"/"назад" ("неделю назад", not "на день")."""
    for m in _IN_TEXT.finditer(clean(text[: 10 * MAX_INPUT])):
        if m.group("count") is None and m.group("way") is None:
            continue
        span = parse_duration(m.group(0))
        if span is not None:
            return span
    return None
