"""The "what now?" interview: which question comes next, and what an answer changes.

Pure (no Telegram, no database): the chat keeps an :class:`Interview` in the user's session,
asks :meth:`Interview.next_question`, and hands each answer to :meth:`Interview.take`, which
returns the :class:`Change` to store — parcel columns and the parcel's other answers — as data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.core.advice.facts import Facts, NumberFormat, SellerResponse, Tracking
from bot.core.advice.outcome import WAITS_FOR_SELLER, Advice
from bot.core.advice.parcel_facts import NO_ANSWERS, AnswersRecord, local_digits
from bot.core.intents import Intent, detect_intent, has_track_number
from bot.core.quantities import (
    Doubt,
    check_days_ago,
    check_deadline,
    check_offer_usd,
    check_price,
    to_usd,
)
from bot.core.tracknumbers import analyze
from bot.i18n import N_

log = logging.getLogger(__name__)

MAX_QUESTIONS = 3
SKIP = "skip"
# A range button's value starts with this: the answer is approximate. It informs this round's
# advice only and is never stored on the parcel, so it cannot overwrite (or pose as) a fact.
APPROX = "~"
# Actions after which the user waits for the seller: offer "remind me if the seller is silent".
SELLER_ACTIONS = WAITS_FOR_SELLER

_DAY_CHOICES = (3, 7, 10, 15, 20)
_DAY_BUTTONS = [(str(n), str(n)) for n in _DAY_CHOICES] + [(N_("30+"), "30")]
# (label msgid, value) per question; the value is what `Interview.take` reads.
BUTTONS: dict[str, list[tuple[str, str]]] = {
    "days_since_shipped": _DAY_BUTTONS,
    "tracking": [
        (N_("Nothing found anywhere"), Tracking.NOT_FOUND.value),
        (N_("Only inside China"), Tracking.ORIGIN_ONLY.value),
        (N_("It is moving"), Tracking.MOVING.value),
        (N_("No new events for a while"), Tracking.STALLED.value),
        (N_("It disappeared from tracking"), Tracking.VANISHED.value),
        (N_("Held at customs"), Tracking.CUSTOMS.value),
        (N_("Delivered"), Tracking.DELIVERED.value),
        (N_("Delivered, but I have nothing"), Tracking.DELIVERED_NOT_RECEIVED.value),
        (N_("Returned to the sender"), Tracking.RETURNED.value),
    ],
    "stalled_days": _DAY_BUTTONS,
    "price_usd": [(N_("under $5"), "~3"), (N_("$5-10"), "~7.5"), (N_("over $10"), "~20")],
    "protection_days_left": [
        (N_("It is over"), "over"),
        *((str(n), str(n)) for n in (2, 6, 10, 20, 30)),
        (N_("more"), "~31"),  # over 30: the earliest end it allows
    ],
    "seller_contacted": [
        (N_("No"), "no"),
        (N_("Today"), "0"),
        (N_("2 days ago"), "2"),
        (N_("5+ days ago"), "5"),
    ],
    "dispute_open": [(N_("No"), "no"), (N_("Yes, 1-4 days"), "2"), (N_("Yes, 5+ days"), "6")],
    "seller_response": [
        (N_("Silent"), SellerResponse.NONE.value),
        (N_("Only promises"), SellerResponse.PROMISED.value),
        (N_("Accepted"), SellerResponse.ACCEPTED.value),
        (N_("Offered an amount"), SellerResponse.OFFER.value),
        (N_("Refused"), SellerResponse.REFUSED.value),
        (N_("Asks me to cancel"), SellerResponse.ASKED_CANCEL.value),
    ],
    "order_finished_days_ago": _DAY_BUTTONS,
    "paid_with_paypal": [(N_("Yes"), "yes"), (N_("No"), "no")],
}
# Questions a typed number answers.
NUMERIC = frozenset(
    {
        "days_since_shipped",
        "stalled_days",
        "order_finished_days_ago",
        "protection_days_left",
        "price_usd",
        "offer_amount",
        "seller_contacted",
        "dispute_open",
    }
)
# Short codes keep callback data well inside 64 bytes; they are on buttons already sent.
CODES = {
    "days_since_shipped": "ds",
    "tracking": "tr",
    "stalled_days": "sd",
    "number_format": "nf",
    "price_usd": "pr",
    "protection_days_left": "pl",
    "seller_contacted": "sc",
    "dispute_open": "do",
    "seller_response": "sr",
    "offer_amount": "oa",
    "order_finished_days_ago": "of",
    "paid_with_paypal": "pp",
}
NAMES = {code: name for name, code in CODES.items()}

_SKIP_WORDS = frozenset(
    {"skip", "don't know", "dont know", "no idea", "not sure", "пропустить", "не знаю", "хз"}
)


def is_skip(text: str) -> bool:
    return text.strip().casefold().rstrip(".!").replace("ё", "е") in _SKIP_WORDS


# Questions answered with how long ago something happened ("12", "3 недели", "вчера", "15.12").
DAYS_AGO = frozenset(
    {
        "days_since_shipped",
        "stalled_days",
        "order_finished_days_ago",
        "seller_contacted",
        "dispute_open",
    }
)
_NO_WORDS = frozenset({"no", "nope", "not yet", "нет", "неа", "еще нет"})
_OVER_WORDS = frozenset(
    {"over", "it is over", "ended", "expired", "истек", "истекла", "закончился", "закончилась"}
)
# Only whether typed text is a quantity at all matters for `claims`: any day will do.
_ANY_DAY = date(2026, 1, 1)


def claims(name: str, text: str) -> bool:
    """Whether typed ``text`` belongs to the open question ``name``: an answer, "skip", or
    something to ask again about. Track numbers and questions of their own go to their features."""
    if not text or text.startswith("/"):
        return False
    if name == "number_format" or is_skip(text):
        return True
    if name in NUMERIC and read_answer(name, text, _ANY_DAY) is not None:
        return True
    return not has_track_number(text) and detect_intent(text) in (Intent.NONE, Intent.UNSURE)


def read_answer(name: str, text: str, today: date) -> str | Doubt | None:
    """The answer in typed ``text`` as `Interview.take` reads it; a :class:`Doubt` when it is
    understood but cannot be right (a ship date ahead, a negative price); None: not an answer.
    Quantities are read by ``bot.core.quantities``, the same reader the order facts use."""
    if name == "number_format":
        return text
    if is_skip(text):
        return SKIP
    if name in ("seller_contacted", "dispute_open") and _clean_word(text) in _NO_WORDS:
        return "no"
    if name == "price_usd":
        money = check_price(text, "USD")
        if money is None or isinstance(money, Doubt):
            return money
        if money.currency not in (None, "USD"):
            return f"{money.amount!r} {money.currency}"  # kept as typed, converted for the tiers
        return repr(money.amount)
    if name == "offer_amount":
        offer = check_offer_usd(text)
        return offer if offer is None or isinstance(offer, Doubt) else repr(offer)
    if name == "protection_days_left":
        if _clean_word(text) in _OVER_WORDS:
            return "over"
        deadline = check_deadline(text, today)
        if deadline is None or isinstance(deadline, Doubt):
            return deadline
        left = (deadline - today).days
        return "over" if left < 0 else repr(float(left))  # a full date that passed: it is over
    if name in DAYS_AGO:
        ago = check_days_ago(text, today)
        return ago if ago is None or isinstance(ago, Doubt) else repr(float(ago))
    return None


def typed_answer(name: str, text: str, today: date | None = None) -> str | None:
    """:func:`read_answer` without the doubts (None for those too). Without ``today`` a date is
    read against a fixed day: callers that take dates pass the user's today."""
    answer = read_answer(name, text, today or _ANY_DAY)
    return answer if isinstance(answer, str) else None


def _clean_word(text: str) -> str:
    return " ".join(text.casefold().replace("ё", "е").strip(" .!").split())


@dataclass(frozen=True, slots=True)
class Change:
    """What one answer changes on the parcel: its columns and its other answers."""

    columns: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Interview:
    """One "what now?" round in progress (plain types: it lives in the user's session).

    Without a parcel, the answers live here only (``facts``); with one, each answer is a
    :class:`Change` stored on the parcel, so the next round and the dispute helper know it.
    """

    parcel_id: int | None = None
    facts: dict[str, Any] = field(default_factory=dict)  # Facts.to_dict() without a parcel
    asked: list[str] = field(default_factory=list)
    asking: str | None = None
    approx: dict[str, float] = field(default_factory=dict)  # range answers of this round only
    # When the round answered (epoch seconds): a follow-up question soon after builds on it.
    finished_at: int | None = None
    # Facts a typed question stated while the parcel is still to be picked (see `prefill`).
    given: dict[str, Any] = field(default_factory=dict)

    def overlay(self, facts: Facts) -> Facts:
        """``facts`` with this round's range answers where nothing exact is known."""
        price = self.approx.get("price_usd")
        if price is not None and facts.price_usd is None:
            facts = facts.replace(price_usd=price, price_approx=True)
        left = self.approx.get("protection_days_left")
        if left is not None and facts.timer_left is None:
            facts = facts.replace(protection_days_left=int(left), timer_approx=True)
        return facts

    def next_question(
        self, facts: Facts, advice: Advice, answers: AnswersRecord = NO_ANSWERS
    ) -> str | None:
        """The fact to ask next, or None: answer now."""
        if len(self.asked) >= MAX_QUESTIONS:
            return None
        asked = {*self.asked, *answers.asked}
        todo = [name for name in advice.missing if name not in asked and name in CODES]
        if self.parcel_id is not None:
            todo = [name for name in todo if name != "number_format"]  # the parcel's is known
            if answers.round_done and not self.asked:
                return None  # asked once already: answer right away with what is known
        if facts.timer_over and "order_finished_days_ago" in todo:
            # Right after "it is over": when it ended decides between a dispute and support.
            todo.remove("order_finished_days_ago")
            todo.insert(0, "order_finished_days_ago")
        return todo[0] if todo else None

    def prefill(self, given: dict[str, Any], known: Facts, today: date) -> Change:
        """Facts the user's own message states ("12 days ago", "$15", "3 weeks at customs"),
        taken as answers so their questions are not asked; a fact already ``known`` is kept
        (a typed value is never overwritten by a sentence)."""
        change = Change()
        facts = Facts.from_dict(self.facts)
        on_parcel = self.parcel_id is not None
        for name, value in given.items():
            if name not in _PREFILLED or getattr(known, name) is not None:
                continue
            raw = _raw_answer(name, value, given)
            try:
                fact, meant, columns, more = _interpret(name, raw, today, on_parcel)
            except ValueError:
                log.info("ignored an odd fact %r=%r from a message", name, value)
                continue
            if on_parcel:
                change = Change({**change.columns, **columns}, {**change.answers, **more})
                continue
            facts = facts.replace(**{fact: meant})
            if name == "price_usd" and given.get("price_typed"):
                facts = facts.replace(price_approx=True, price_typed=given["price_typed"])
        if self.parcel_id is None:
            self.facts = facts.to_dict()
        return change

    def finish(self) -> Change:
        """The round is over: a parcel that was asked about is not asked again next time."""
        if self.parcel_id is not None and self.asked:
            return Change(answers={"round_done": True})
        return Change()

    def take(self, name: str, raw: str, today: date, answers: AnswersRecord = NO_ANSWERS) -> Change:
        """Question ``name`` answered with ``raw`` (a button value, a typed number or "skip")."""
        self.asked.append(name)
        self.asking = None
        on_parcel = self.parcel_id is not None
        asked = {"asked": tuple(sorted({*answers.asked, name}))} if on_parcel else {}
        if raw == SKIP:
            return Change(answers=asked)
        if raw.startswith(APPROX) and name in ("price_usd", "protection_days_left"):
            try:
                self.approx[name] = float(raw.removeprefix(APPROX))
            except ValueError:
                # The answer may be the user's text: at DEBUG only.
                log.info("ignored an odd range answer for %s", name)
                log.debug("the odd range answer for %s: %r", name, raw)
            return Change(answers=asked)
        try:
            fact, value, columns, more = _interpret(name, raw, today, on_parcel)
        except ValueError:
            log.info("ignored an odd answer for %s", name)
            log.debug("the odd answer for %s: %r", name, raw)
            return Change(answers=asked)
        if on_parcel:  # stored on the parcel: the session keeps no copy
            return Change(columns=columns, answers={**asked, **more})
        facts = Facts.from_dict(self.facts)
        if name == "number_format":
            facts = facts.replace(track_number=raw.strip())
        if name == "price_usd" and " " in raw:  # typed in another currency: converted
            facts = facts.replace(price_approx=True, price_typed=_typed_price(raw))
        self.facts = facts.replace(**{fact: value}).to_dict()
        return Change()


def _interpret(
    name: str, raw: str, today: date, on_parcel: bool
) -> tuple[str, Any, dict[str, Any], dict[str, Any]]:
    """(fact, value, parcel columns, other answers) for one answer; ValueError if odd."""
    if name == "tracking":
        value = Tracking(raw).value
        return name, value, {}, {"tracking": value}
    if name == "seller_response":
        value = SellerResponse(raw).value
        return name, value, {"seller_response": value}, {}
    if name == "number_format":
        fmt = local_digits(raw.strip(), NumberFormat(analyze(raw).verdict.value))
        return name, fmt.value, {}, {}
    if name == "paid_with_paypal":
        return name, raw == "yes", {}, {name: raw == "yes"}
    if name == "protection_days_left" and raw == "over":
        # Over, but since when is unknown: a flag, not a made-up deadline (the finish date is
        # the next question, and decides between a dispute and AliExpress support).
        return "timer_over", True, {}, {"timer_over": True}
    if name in ("seller_contacted", "dispute_open") and raw == "no":
        return name, False, {}, {name: False}
    if name == "price_usd" and " " in raw:  # "1890.0 RUB": kept as typed, converted for tiers
        amount, currency = raw.split()
        usd = to_usd(float(amount), currency)
        if usd is None:
            raise ValueError(f"no rate for {currency}")
        columns = {"price_amount": round(float(amount), 2), "price_currency": currency}
        return "price_usd", usd, columns, {}
    number = float(raw)
    if name == "price_usd":
        price = round(number, 2)
        return name, price, {"price_amount": price, "price_currency": "USD"}, {}
    if name == "offer_amount":
        offer = round(number, 2)
        return name, offer, {}, {name: offer}
    n = int(number)
    if name == "protection_days_left":
        return name, n, {"protection_deadline": today + timedelta(days=n)}, {}
    ago = max(0, n)
    day = today - timedelta(days=ago)
    if name == "days_since_shipped":
        return name, ago, {"shipped_on": day}, {}
    if name == "order_finished_days_ago":
        # The order finishes when the timer ends: a deadline keeps counting as days pass.
        return name, ago, {"protection_deadline": day}, {}
    if name == "seller_contacted":
        return "seller_contacted_days_ago", ago, {"seller_contacted_on": day}, {}
    if name == "dispute_open":
        return "dispute_open_days", ago, {"dispute_opened_on": day, "dispute_status": "open"}, {}
    if name == "stalled_days":
        return name, ago, {}, {"quiet_since": day}
    raise ValueError(f"no answer for {name}")


# Facts a message may state, in the order they are taken.
_PREFILLED = (
    "days_since_shipped",
    "tracking",
    "stalled_days",
    "price_usd",
    "protection_days_left",
    "offer_amount",
)


def _raw_answer(name: str, value: Any, given: dict[str, Any]) -> str:
    """A stated fact as the typed answer `_interpret` reads."""
    if name == "price_usd" and given.get("price_typed"):
        amount, currency = str(given["price_typed"]).split()
        return f"{float(amount)!r} {currency}"
    return str(value)


def _typed_price(raw: str) -> str:
    amount, currency = raw.split()
    return f"{float(amount):g} {currency}"


def reminder_days(advice: Advice) -> int | None:
    """In how many days a reminder fits this advice (None: no reminder to offer)."""
    if advice.action in SELLER_ACTIONS:
        return advice.next_check_in_days or 5
    return advice.next_check_in_days
