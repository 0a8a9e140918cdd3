"""Parsers for what people type about an order: dates, prices, a protection timer, quiet hours.

Pure functions (no Telegram, no clock): every relative value is computed against the ``today``
the caller passes, so the handler decides which day it is in the user's time zone.
Russian and English forms are accepted; ``None`` means "could not understand", never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

# Longer inputs are not a date or a price anyone types; refuse them before any regex runs.
MAX_INPUT = 100

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("jan", "january", "янв", "январь", "января"),
        ("feb", "february", "фев", "февраль", "февраля"),
        ("mar", "march", "мар", "март", "марта"),
        ("apr", "april", "апр", "апрель", "апреля"),
        ("may", "май", "мая"),
        ("jun", "june", "июн", "июнь", "июня"),
        ("jul", "july", "июл", "июль", "июля"),
        ("aug", "august", "авг", "август", "августа"),
        ("sep", "sept", "september", "сен", "сент", "сентябрь", "сентября"),
        ("oct", "october", "окт", "октябрь", "октября"),
        ("nov", "november", "ноя", "нояб", "ноябрь", "ноября"),
        ("dec", "december", "дек", "декабрь", "декабря"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS[_name] = _number

_WORD_DAYS = {
    "today": 0,
    "сегодня": 0,
    "yesterday": 1,
    "вчера": 1,
    "позавчера": 2,
    "day before yesterday": 2,
    "the day before yesterday": 2,
}

# Units in days; Russian stems cover every case ending (день/дня/дней, неделю/недели/недель ...).
_UNIT_RE = (
    r"(?P<unit>d|days?|w|wks?|weeks?|months?|mo|"
    r"д|дн|день|дня|дней|сут|суток|сутки|нед|неделю|недели|недель|неделя|"
    r"мес|месяц|месяца|месяцев)\.?"
)
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "один": 1,
    "одну": 1,
    "одна": 1,
    "два": 2,
    "две": 2,
    "три": 3,
    "четыре": 4,
    "пять": 5,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
}


def _unit_days(unit: str) -> int:
    unit = unit.rstrip(".")
    if unit.startswith(("w", "нед")):
        return 7
    if unit.startswith(("mo", "мес")):
        return 30
    return 1


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold().replace("ё", "е"))


def _count(value: str | None) -> int | None:
    if value is None or value == "":
        return 1  # "неделю назад", "a week ago" without a number
    if value.isdigit():
        return int(value)
    return _NUMBER_WORDS.get(value)


_AGO_RE = re.compile(rf"^(?:(?P<n>\d{{1,4}}|[a-zа-я]+)\s*)?{_UNIT_RE}\s+(?:ago|назад)$")
_NUMERIC_DATE_RE = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?\.?$")
_ISO_DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DASHED_DATE_RE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")  # 12-03-2026, day first
_DAY_MONTH_RE = re.compile(
    r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-zа-я]+)\.?(?:,?\s+(\d{4}))?(?:\s*г\.?)?$"
)
_MONTH_DAY_RE = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")


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


def _resolve(day: int, month: int, year: int | None, today: date, *, past: bool) -> date | None:
    """A date without a year is the nearest such day in the past (or the future, ``past=False``)."""
    if year is not None:
        return _make_date(year, month, day)
    candidate = _make_date(today.year, month, day)
    if candidate is None:  # 29.02 in a common year: try the neighbouring years
        for shift in (-1, 1, -2, 2, -3, 3):
            candidate = _make_date(today.year + shift, month, day)
            if candidate is not None:
                return candidate
        return None
    if past and candidate > today:
        return _make_date(today.year - 1, month, day)
    if not past and candidate < today:
        return _make_date(today.year + 1, month, day)
    return candidate


def parse_date(text: str, today: date, *, past: bool = True) -> date | None:
    """A calendar date as people type it.

    ``"12.11"``, ``"12.11.2026"``, ``"12/11/26"`` (day first), ``"2026-11-12"``, ``"12 ноября"``,
    ``"Nov 12"``, ``"вчера"``, ``"12 days ago"``, ``"12 дней назад"``, ``"неделю назад"``.
    Without a year the date is the nearest one in the past (``past=False``: in the future).
    """
    if len(text) > MAX_INPUT:
        return None
    s = _clean(text)
    s = re.sub(r"^(?:on|the)\s+", "", s)  # "on March 12"
    s = re.sub(r"(?<=\d)(?:st|nd|rd|th)?\s+of\s+", " ", s)  # "12th of March"
    if s in _WORD_DAYS:
        return today - timedelta(days=_WORD_DAYS[s])
    if m := _AGO_RE.match(s):
        n = _count(m.group("n"))
        unit = m.group("unit")
        if n is None or n > 3660:
            return None
        return today - timedelta(days=n * _unit_days(unit))
    if m := _ISO_DATE_RE.match(s):
        return _make_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _DASHED_DATE_RE.match(s):
        return _make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    if m := _NUMERIC_DATE_RE.match(s):
        return _resolve(int(m.group(1)), int(m.group(2)), _year(m.group(3)), today, past=past)
    if (m := _DAY_MONTH_RE.match(s)) and m.group(2) in _MONTHS:
        return _resolve(int(m.group(1)), _MONTHS[m.group(2)], _year(m.group(3)), today, past=past)
    if (m := _MONTH_DAY_RE.match(s)) and m.group(1) in _MONTHS:
        return _resolve(int(m.group(2)), _MONTHS[m.group(1)], _year(m.group(3)), today, past=past)
    return None


# --- money -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Money:
    amount: float
    currency: str | None  # ISO 4217; None when the user typed a bare number


_CURRENCIES: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "долл": "USD",
    "доллар": "USD",
    "доллара": "USD",
    "долларов": "USD",
    "бакс": "USD",
    "баксов": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "евро": "EUR",
    "₽": "RUB",
    "р": "RUB",
    "руб": "RUB",
    "рубль": "RUB",
    "рубля": "RUB",
    "рублей": "RUB",
    "rub": "RUB",
    "rur": "RUB",
    "£": "GBP",
    "gbp": "GBP",
    "¥": "CNY",
    "cny": "CNY",
    "rmb": "CNY",
    "юань": "CNY",
    "юаней": "CNY",
    "юаня": "CNY",
    "₸": "KZT",
    "kzt": "KZT",
    "тенге": "KZT",
    "тг": "KZT",
    "byn": "BYN",
    "бел.руб": "BYN",
    "₴": "UAH",
    "uah": "UAH",
    "грн": "UAH",
    "гривен": "UAH",
}

# Rough rates (units of the currency per 1 USD). Only rules that compare a price with a
# threshold use them, and the bot says the conversion is approximate.
USD_RATES: dict[str, float] = {
    "USD": 1.0,
    "EUR": 0.92,
    "GBP": 0.79,
    "RUB": 90.0,
    "CNY": 7.2,
    "KZT": 480.0,
    "BYN": 3.3,
    "UAH": 41.0,
}

_AMOUNT = (
    r"(?P<amount>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?"  # 1,200.50
    r"|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?"  # 1.200,50
    r"|\d+(?:[.,]\d{1,2})?)"
)
_CUR = r"(?P<cur>[^\d\s.,][^\d\s]*?(?:\.руб)?)"
_MONEY_BEFORE = re.compile(rf"^{_CUR}\.?\s*{_AMOUNT}$")
_MONEY_AFTER = re.compile(rf"^{_AMOUNT}\s*(?:{_CUR})?\.?$")


def parse_money(text: str) -> Money | None:
    """A price: ``"$7.5"``, ``"7,50 $"``, ``"15 USD"``, ``"1200 руб"``, ``"1 200 ₽"``, ``"7.5"``."""
    if len(text) > MAX_INPUT:
        return None
    s = _clean(text).replace("us $", "us$")
    m = _MONEY_BEFORE.match(s) or _MONEY_AFTER.match(s)
    if m is None:
        return None
    raw_cur = m.groupdict().get("cur")
    currency: str | None = None
    if raw_cur:
        currency = _CURRENCIES.get(raw_cur.rstrip("."))
        if currency is None:
            return None
    amount = _amount(m.group("amount"))
    if amount <= 0 or amount > 10_000_000:
        return None
    return Money(amount, currency)


def _amount(raw: str) -> float:
    """``"1 200,50"``, ``"1,200.50"``, ``"1.200,50"``, ``"7.5"`` → a float."""
    digits = re.sub(r"[ \u00a0\u202f]", "", raw)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?", digits):
        digits = digits.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?", digits):
        digits = digits.replace(".", "")
    return float(digits.replace(",", "."))


def to_usd(amount: float, currency: str | None) -> float | None:
    """Approximate US dollars (fixed table), ``None`` for a currency the table lacks."""
    if currency is None:
        return None
    rate = USD_RATES.get(currency)
    return None if rate is None else round(amount / rate, 2)


# --- the buyer-protection timer -----------------------------------------------------------

_DAYS_LEFT_RE = re.compile(
    r"^(?:(?:in|через|осталось|ещ[её]|left|remaining):?\s*)?(?P<n>\d{1,3})\s*"
    r"(?:(?P<unit>d|days?|д|дн|день|дня|дней|сут|суток|сутки|w|weeks?|нед|недел[яиюь])\.?)?"
    r"(?:\s*(?:\d{1,2}\s*(?:h|hrs?|hours?|ч|час|часа|часов)\.?|\d{1,2}:\d{2}(?::\d{2})?))*"
    r"(?:\s+(?:left|remaining|осталось))?$"
)


def parse_days_left(text: str, today: date) -> date | None:
    """The protection deadline from what the timer shows: ``"17 дней"``, ``"in 17 days"``,
    ``"17"``, ``"5 д 3 ч"``, or a date (``"25.11"``, ``"2026-11-25"``: the next such day)."""
    if len(text) > MAX_INPUT:
        return None
    s = _clean(text)
    # The order page's own wording: "Refund if no delivery before Apr 2".
    s = re.sub(r"^(?:refund if (?:not delivered|no delivery) )?(?:до|until|by|before)\s+", "", s)
    if m := _DAYS_LEFT_RE.match(s):
        days = int(m.group("n")) * _unit_days(m.group("unit") or "d")
        return today + timedelta(days=days) if days <= 365 else None
    return parse_date(s, today, past=False)


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
    """A typed number of days or dollars (``"17"``, ``"17 дней"``, ``"-3"``, ``"$5"``), or None."""
    match = _COUNT_RE.match(text.lower())
    if match is None:
        return None
    value = float(match.group("n").replace(",", "."))
    return -value if match.group("sign") == "-" else value


def parse_amount(text: str) -> float | None:
    """A typed amount in US dollars (``"7.5"``, ``"$5"``, ``"0"``, ``"12 usd"``), or None."""
    match = _AMOUNT_RE.match(text.lower())
    if match is None or match.group("sign"):
        return None
    return float(match.group("n").replace(",", "."))
