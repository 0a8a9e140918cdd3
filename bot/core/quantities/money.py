"""Prices as people type them: "1 890 ₽", "$1.5", "1,5 доллара", "7.5 dollars", "15$", "€12",
"100 юаней", "1.99 USD", and in a sentence ("seller offers 7.5 dollars")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.quantities.text import MAX_INPUT, clean
from bot.core.quantities.words import CURRENCIES, CURRENCY_NOISE, USD_RATES

# No AliExpress order costs more; a bigger number is a typo (or not a price).
MAX_AMOUNT = 10_000_000


@dataclass(frozen=True, slots=True)
class Money:
    amount: float
    currency: str | None  # ISO 4217; None when the user typed a bare number


_AMOUNT = (
    r"(?P<amount>\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d{1,2})?"
    r"|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?"  # 1,200.50
    r"|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?"  # 1.200,50
    r"|\d+(?:[.,]\d{1,2})?)"
)
_CUR = r"(?P<cur>[^\d\s.,][^\d]*?(?:\.руб)?)"
_MONEY_BEFORE = re.compile(rf"^{_CUR}\.?\s*{_AMOUNT}$")
_MONEY_AFTER = re.compile(rf"^{_AMOUNT}\s*(?:{_CUR})?\.?$")
# Inside a sentence only an amount with its currency counts: "offers 7.5 dollars", "$7.5 back".
_CURRENCY_WORDS = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True))
_IN_TEXT = re.compile(
    rf"(?<![\w.,])(?:(?P<pre>{_CURRENCY_WORDS})\s*{_AMOUNT}(?![\w.,]\d)"
    rf"|{_AMOUNT.replace('amount', 'amount2')}\s*(?P<post>{_CURRENCY_WORDS})(?!\w))"
)
_NEGATIVE = re.compile(r"^(?:-|−|минус\s*)")


def parse_money(text: str) -> Money | None:
    """A price: ``"$7.5"``, ``"7,50 $"``, ``"15 USD"``, ``"1200 руб"``, ``"1 200 ₽"``, ``"7.5"``."""
    money = read_money(text)
    if money is None or money.amount <= 0:
        return None
    return money


def read_money(text: str) -> Money | None:
    """Like :func:`parse_money`, but 0 and negative amounts are read too (the caller decides what
    they mean: a $0 offer is real, a negative price is a typo to ask about)."""
    if len(text) > MAX_INPUT:
        return None
    s = clean(text).replace("us $", "us$")
    sign = 1.0
    if m := _NEGATIVE.match(s):
        s, sign = s[m.end() :].lstrip(), -1.0
    m = _MONEY_BEFORE.match(s) or _MONEY_AFTER.match(s)
    if m is None:
        return None
    raw_cur = m.groupdict().get("cur")
    currency: str | None = None
    if raw_cur:
        currency = currency_of(raw_cur)
        if currency is None:
            return None
    amount = _amount(m.group("amount"))
    if amount > MAX_AMOUNT:
        return None
    return Money(sign * amount, currency)


def currency_of(word: str) -> str | None:
    """ISO code of a typed currency word or sign (``"доллара"``, ``"$"``, ``"usd"``), or None."""
    word = CURRENCY_NOISE.sub("", clean(word).rstrip("."))
    return CURRENCIES.get(word)


def find_money(text: str) -> Money | None:
    """The first amount with its currency inside a sentence (``"seller offers 7.5 dollars"``),
    or the whole text as a price; None when there is none."""
    whole = read_money(text)
    if whole is not None:
        return whole
    if len(text) > 10 * MAX_INPUT:
        return None
    s = clean(text)
    for m in _IN_TEXT.finditer(s):
        raw = m.group("amount") or m.group("amount2")
        currency = currency_of(m.group("pre") or m.group("post"))
        amount = _amount(raw)
        if currency is not None and 0 <= amount <= MAX_AMOUNT:
            return Money(amount, currency)
    return None


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
