"""The words people type around quantities, in Russian and English: months, counts, units,
currencies. Data only; the parsers in this package read these tables."""

from __future__ import annotations

import re

from babel.dates import get_month_names

MONTHS: dict[str, int] = {}
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
        MONTHS[_name] = _number

# Babel's own names too, so every date Babel writes (the card's "1 февр. 2026 г.") reads back.
for _locale in ("ru", "en"):
    for _width in ("abbreviated", "wide"):
        for _context in ("format", "stand-alone"):
            for _number, _name in get_month_names(_width, _context, _locale).items():
                MONTHS.setdefault(_name.casefold().rstrip("."), _number)

# A weekday before a date ("Sunday, December 20, 2026") adds nothing to it.
WEEKDAYS = re.compile(
    r"^(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)"
    r"\.?,?\s+"
    r"|^(?:понедельник|вторник|среда|четверг|пятница|суббота|воскресенье|пн|вт|ср|чт|пт|сб|вс)"
    r"\.?,?\s+"
)

# Days back from today.
WORD_DAYS = {
    "today": 0,
    "сегодня": 0,
    "yesterday": 1,
    "вчера": 1,
    "позавчера": 2,
    "day before yesterday": 2,
    "the day before yesterday": 2,
}

# Counts written as words (any case ending people use with a unit: "одну неделю", "две недели").
NUMBER_WORDS: dict[str, float] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "a couple of": 2,
    "couple of": 2,
    "half a": 0.5,
    "half an": 0.5,
    "one and a half": 1.5,
    "один": 1,
    "одну": 1,
    "одна": 1,
    "одного": 1,
    "два": 2,
    "две": 2,
    "двух": 2,
    "три": 3,
    "трех": 3,
    "четыре": 4,
    "пять": 5,
    "шесть": 6,
    "семь": 7,
    "восемь": 8,
    "девять": 9,
    "десять": 10,
    "одиннадцать": 11,
    "двенадцать": 12,
    "пятнадцать": 15,
    "двадцать": 20,
    "тридцать": 30,
    "пару": 2,
    "пара": 2,
    "полтора": 1.5,
    "полторы": 1.5,
    "пол": 0.5,
}

# Unit -> days. Russian stems cover every case ending (день/дня/дней, неделю/недели/недель ...).
UNIT_PATTERN = (
    r"(?P<unit>days?|d|weeks?|wks?|w|months?|mo|hours?|hrs?|h|"
    r"дней|дня|день|дн|д|суток|сутки|сут|"
    r"недели|неделю|недель|неделя|нед|"
    r"месяцев|месяца|месяц|мес|"
    r"часов|часа|час|ч)\.?"
)
HOUR_UNITS = frozenset({"hours", "hour", "hrs", "hr", "h", "часов", "часа", "час", "ч"})


def unit_days(unit: str) -> int:
    """Days in one ``unit`` (0 for hours: they never make a whole day here)."""
    unit = unit.rstrip(".")
    if unit in HOUR_UNITS:
        return 0
    if unit.startswith(("w", "нед")):
        return 7
    if unit.startswith(("mo", "мес")):
        return 30
    return 1


CURRENCIES: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "buck": "USD",
    "bucks": "USD",
    "долл": "USD",
    "доллар": "USD",
    "доллара": "USD",
    "долларов": "USD",
    "долларам": "USD",
    "бакс": "USD",
    "бакса": "USD",
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
    "ruble": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "roubles": "RUB",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "¥": "CNY",
    "cny": "CNY",
    "rmb": "CNY",
    "cn¥": "CNY",
    "yuan": "CNY",
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
    "гривны": "UAH",
}
# "долларов США", "US dollars": the country word adds nothing.
CURRENCY_NOISE = re.compile(r"\s*(?:сша|us)$|^us\s+")

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
