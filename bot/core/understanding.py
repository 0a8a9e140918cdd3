"""Understanding one message, in order of what it holds: numbers first, then the question, then
the facts the question gives ("12 days ago", "$15", "3 weeks at customs", "10 days left").

Pure and explainable: :func:`bot.core.tracknumbers.find_numbers` finds the numbers,
:func:`bot.core.intents.detect_topic` the question, and the facts are short spans found by
pattern and read by the one reader of quantities (:mod:`bot.core.quantities`, through
:mod:`bot.core.parsing`'s names), so a date or a price means the same here as in every step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.core.advice.facts import Tracking
from bot.core.intents import Topic, detect_topic
from bot.core.parsing import parse_date, parse_days_left, to_usd
from bot.core.quantities import find_money
from bot.core.tracknumbers import Analysis, find_numbers

# A long paste is summed up in one message with "watch all" from this many numbers on.
MANY_NUMBERS = 8
# Numbers explained in full at most (the summary lists up to this many).
MAX_NUMBERS = 40

# AliExpress order ids: 16 digits, the old ones starting with 8, the newer with 3 (the order
# page's "Order ID"); no carrier prints its numbers so.
_ORDER_NUMBER = re.compile(r"[38]\d{15}")


def is_order_number(number: str) -> bool:
    """Whether a compact number is an AliExpress order id rather than a track number."""
    return _ORDER_NUMBER.fullmatch(number) is not None


# --- facts in free text --------------------------------------------------------------------------

_N = r"(?:\d{1,4}|[a-zа-яё]+)"
_UNIT = r"(?:days?|weeks?|months?|дн\w*|день|недел\w*|неделю|месяц\w*|сут\w*)"
_DURATION = re.compile(rf"(?P<n>{_N})?\s*(?P<unit>{_UNIT})(?![a-zа-я])", re.IGNORECASE)
_AGO = re.compile(rf"(?:(?P<n>{_N})\s+)?(?P<unit>{_UNIT})\s+(?:ago|назад)\b", re.IGNORECASE)
_SHIPPED_ON = re.compile(
    r"(?:shipped|sent|отправ\w*|выслал\w*)\s+(?:on\s+|it\s+on\s+)?"
    r"(?P<date>\d{1,2}[./]\d{1,2}(?:[./]\d{2,4})?|\d{1,2}\s+[a-zа-я]+|[a-z]+\s+\d{1,2})",
    re.IGNORECASE,
)
_LEFT = re.compile(
    rf"(?:(?:осталось|остается|left|remaining|таймер\w*|timer)\s*:?\s*(?:ещ[её]\s+)?(?:на\s+)?"
    rf"(?P<n1>\d{{1,3}})\s*(?P<u1>{_UNIT})?)"
    rf"|(?:(?P<n2>\d{{1,3}})\s*(?P<u2>{_UNIT})\s+(?:left|remaining|остал\w*|до конца))",
    re.IGNORECASE,
)
_CUSTOMS = re.compile(r"таможн|customs", re.IGNORECASE)
_NOT_FOUND = re.compile(
    r"не отслежива|не находится|не читается|не пробивается|не найден|нигде нет|"
    r"not track|no tracking|shows nothing|not found|can.?t track|cannot track|untracked",
    re.IGNORECASE,
)
_MOVING = re.compile(r"\bдвижется\b|\bis moving\b|\bkeeps moving\b", re.IGNORECASE)
_STALLED = re.compile(
    r"не обновля|не меняется|стоит на месте|не двигается|no updates?|not updat|not moving|"
    r"no movement|no new (?:events?|updates?)",
    re.IGNORECASE,
)
_DELIVERED_NOT_MINE = re.compile(
    # Bounded gaps: unbounded ones make a long paste of "delivered but" cubic.
    r"(?:доставлен\w*|вручен\w*|delivered)[^.!?]{0,40}?\b(?:но|but)\b[^.!?]{0,40}?"
    r"(?:не получ|нет у меня|ничего нет|not (?:get|got|receive)|have nothing|"
    r"did ?n.?t (?:get|receive))",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Understood:
    """One message as the chat acts on it: numbers, the question, and the facts given."""

    topic: Topic
    numbers: tuple[Analysis, ...] = ()  # track numbers (order ids left out)
    order_numbers: tuple[str, ...] = ()
    total_numbers: int = 0  # every candidate found (more than ``numbers`` when cut off)
    facts: dict[str, Any] = field(default_factory=dict)  # advisor `Facts` fields
    asks: bool = False  # the text asks something (a question mark or a question's words)

    @property
    def many(self) -> bool:
        return len(self.numbers) >= MANY_NUMBERS


def _days(n_raw: str | None, unit: str, today: date) -> int | None:
    """A duration in days through the date parser ("3 недели назад" is 21 days before today)."""
    when = parse_date(f"{n_raw or ''} {unit} ago".strip(), today)
    return None if when is None else (today - when).days


def _durations(text: str, today: date) -> list[tuple[int, int, int]]:
    """(start, end, days) of every duration in ``text``."""
    found = []
    for m in _DURATION.finditer(text):
        n = m.group("n")
        if n is not None and not n.isdigit() and _days(n, "days", today) is None:
            n = None  # an ordinary word before the unit ("уже недели"): one unit
        days = _days(n, m.group("unit"), today)
        if days is not None:
            found.append((m.start(), m.end(), days))
    return found


def money_in(text: str) -> tuple[float, str] | None:
    """The first price with a currency in free text: (amount, ISO code)."""
    money = find_money(text)
    if money is None or money.currency is None or money.amount <= 0:
        return None
    return money.amount, money.currency


def _price_facts(amount: float, currency: str) -> dict[str, Any]:
    if currency == "USD":
        return {"price_usd": round(amount, 2)}
    usd = to_usd(amount, currency)
    if usd is None:
        return {}
    return {"price_usd": usd, "price_approx": True, "price_typed": f"{amount:g} {currency}"}


def extract_facts(text: str, today: date, topic: Topic | None = None) -> dict[str, Any]:
    """The advisor facts ``text`` states; a fact it does not state is left out (unknown)."""
    facts: dict[str, Any] = {}
    money = money_in(text)
    if money is not None:
        amount, currency = money
        if topic is Topic.SELLER_OFFER:
            usd = amount if currency == "USD" else to_usd(amount, currency)
            if usd is not None:
                facts["offer_amount"] = round(usd, 2)
        else:
            facts.update(_price_facts(amount, currency))
    for left in _LEFT.finditer(text):
        n, unit = left.group("n1", "u1") if left.group("n1") else left.group("n2", "u2")
        deadline = parse_days_left(f"{n} {unit or 'days'}", today)
        if deadline is not None:
            facts["protection_days_left"] = (deadline - today).days
            break
    if (ago := _AGO.search(text)) is not None:
        days = _days(ago.group("n"), ago.group("unit"), today)
        if days is not None:
            facts["days_since_shipped"] = days
    elif (shipped := _SHIPPED_ON.search(text)) is not None:
        when = parse_date(shipped.group("date"), today)
        if when is not None and when <= today:
            facts["days_since_shipped"] = (today - when).days
    tracking = _tracking(text)
    if tracking is not None:
        facts["tracking"] = tracking.value
        if tracking in (Tracking.CUSTOMS, Tracking.STALLED):
            held = _held_days(text, today, facts)
            if held is not None:
                facts["stalled_days"] = held
    return facts


def _tracking(text: str) -> Tracking | None:
    if _DELIVERED_NOT_MINE.search(text):
        return Tracking.DELIVERED_NOT_RECEIVED
    if _CUSTOMS.search(text):
        return Tracking.CUSTOMS
    if _STALLED.search(text):
        return Tracking.STALLED
    if _NOT_FOUND.search(text):
        return Tracking.NOT_FOUND
    if _MOVING.search(text):
        return Tracking.MOVING
    return None


def _held_days(text: str, today: date, facts: dict[str, Any]) -> int | None:
    """How long it has been held: a duration that is neither "ago" nor the timer's days left."""
    spans = [m.span() for m in (*_AGO.finditer(text), *_LEFT.finditer(text))]
    for start, end, days in _durations(text, today):
        if not any(s <= start < e or s < end <= e for s, e in spans):
            return days
    return None


# --- the whole message ---------------------------------------------------------------------------

_QUESTION = re.compile(r"\?|^\s*(?:что|как|когда|где|стоит|what|how|when|where|should|is|can)\b")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)


def understand(text: str, today: date) -> Understood:
    """Numbers, question and facts of one message."""
    found = find_numbers(text, limit=MAX_NUMBERS)
    numbers = tuple(a for a in found.items if not is_order_number(a.number))
    orders = tuple(a.number for a in found.items if is_order_number(a.number))
    topic = detect_topic(text)
    return Understood(
        topic=topic,
        numbers=numbers,
        order_numbers=orders,
        total_numbers=found.total_found,
        facts=extract_facts(text, today, topic),
        # A link's "?" asks nothing (a pasted seller message carries tracking links).
        asks=_QUESTION.search(_URL.sub(" ", text).casefold()) is not None,
    )
