"""Typed quantities checked against what the step asks: the value, or a :class:`Doubt` to ask
back about (never a silent save of an impossible value), or None when it is not a quantity.

Every step reads quantities through these functions, so "осталось 3 дня" or "15.12" means the
same in the order facts, the what-now questions and the dispute helper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.core.quantities.dates import is_doubtful, read_date
from bot.core.quantities.durations import parse_duration
from bot.core.quantities.money import Money, find_money, read_money, to_usd
from bot.core.quantities.timer import read_days_left

# A price above this (in US dollars, roughly) is a typo for one AliExpress order.
MAX_PRICE_USD = 20_000.0


class Problem(StrEnum):
    FUTURE = "future"  # a day that lies behind (shipped, contacted) typed ahead of today
    PASSED = "passed"  # an end date (the timer) typed behind today
    NEGATIVE = "negative"  # "-3", "минус 5 $"
    ZERO = "zero"  # a price of 0
    TOO_BIG = "too_big"  # a price no order has


@dataclass(frozen=True, slots=True)
class Doubt:
    """An understood but impossible (or very unlikely) value: ask the user about it."""

    problem: Problem
    typed: str  # what the user typed, trimmed: quoted back in the question
    suggestion: date | None = None  # "did you mean 15.12.2025?"


def _typed(text: str) -> str:
    return " ".join(text.split())[:40]


def check_past_date(text: str, today: date) -> date | Doubt | None:
    """A day that lies behind (a ship date): a date ahead of today, or a yearless one that is
    nearer ahead than behind ("15.12" typed on 2 December), is asked about."""
    reading = read_date(text, today, past=True)
    if reading is None:
        return None
    if reading.day > today:
        return Doubt(Problem.FUTURE, _typed(text))
    if is_doubtful(reading, today):
        return Doubt(Problem.FUTURE, _typed(text), suggestion=reading.day)
    return reading.day


def check_days_ago(text: str, today: date) -> int | Doubt | None:
    """How many days ago something happened: ``"12"``, ``"12 days"``, ``"3 недели назад"``,
    ``"вчера"``, ``"15.12"``; a negative count or a date ahead is asked about."""
    span = parse_duration(text, bare_days=True)
    if span is not None and not span.left:
        return Doubt(Problem.NEGATIVE, _typed(text)) if span.negative else span.days
    found = check_past_date(text, today)
    if isinstance(found, date):
        return (today - found).days
    return found


def check_deadline(text: str, today: date) -> date | Doubt | None:
    """The protection timer's end from what it shows (days left or an end date). A negative
    count, or a yearless end date that has just passed ("ends 20.11" on 2 December), is asked
    about; a full date that passed is taken as the day the protection ended."""
    reading = read_days_left(text, today)
    if reading is None:
        return None
    if reading.negative:
        return Doubt(Problem.NEGATIVE, _typed(text))
    dated = reading.date_reading
    if dated is not None and is_doubtful(dated, today):
        return Doubt(Problem.PASSED, _typed(text), suggestion=dated.other)
    return reading.deadline


def check_price(text: str, default_currency: str = "USD") -> Money | Doubt | None:
    """An order's price; negative, zero or absurdly big prices are asked about."""
    money = read_money(text)
    if money is None:
        return None
    if money.amount < 0:
        return Doubt(Problem.NEGATIVE, _typed(text))
    if money.amount == 0:
        return Doubt(Problem.ZERO, _typed(text))
    usd = to_usd(money.amount, money.currency or default_currency)
    if usd is not None and usd > MAX_PRICE_USD:
        return Doubt(Problem.TOO_BIG, _typed(text))
    return money


def check_offer_usd(text: str) -> float | Doubt | None:
    """The seller's offer in US dollars (``"7.5"``, ``"seller offers 7.5 dollars"``,
    ``"700 ₽"`` converted); $0 is a real offer, a negative one is asked about."""
    money = find_money(text)
    if money is None:
        return None
    if money.amount < 0:
        return Doubt(Problem.NEGATIVE, _typed(text))
    usd = money.amount if money.currency is None else to_usd(money.amount, money.currency)
    if usd is None:
        return None
    if usd > MAX_PRICE_USD:
        return Doubt(Problem.TOO_BIG, _typed(text))
    return round(usd, 2)
