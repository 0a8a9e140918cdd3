"""One reader for the quantities people type about an order, in Russian and English: durations,
dates, money and the protection timer, plus the checks that turn an impossible value into a
question. Pure functions: no Telegram, no clock (the caller passes ``today``)."""

from __future__ import annotations

from bot.core.quantities.checks import (
    MAX_PRICE_USD,
    Doubt,
    Problem,
    check_days_ago,
    check_deadline,
    check_offer_usd,
    check_past_date,
    check_price,
)
from bot.core.quantities.dates import DateReading, is_doubtful, parse_date, read_date
from bot.core.quantities.durations import Duration, find_duration, parse_duration
from bot.core.quantities.money import (
    Money,
    currency_of,
    find_money,
    parse_money,
    read_money,
    to_usd,
)
from bot.core.quantities.text import MAX_INPUT
from bot.core.quantities.timer import (
    TimerReading,
    parse_days_left,
    parse_timer_days,
    read_days_left,
)
from bot.core.quantities.words import USD_RATES

__all__ = [
    "MAX_INPUT",
    "MAX_PRICE_USD",
    "USD_RATES",
    "DateReading",
    "Doubt",
    "Duration",
    "Money",
    "Problem",
    "TimerReading",
    "check_days_ago",
    "check_deadline",
    "check_offer_usd",
    "check_past_date",
    "check_price",
    "currency_of",
    "find_duration",
    "find_money",
    "is_doubtful",
    "parse_date",
    "parse_days_left",
    "parse_duration",
    "parse_money",
    "parse_timer_days",
    "read_date",
    "read_days_left",
    "read_money",
    "to_usd",
]
