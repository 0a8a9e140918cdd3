"""Facts with their certainty (range buttons inform one round only), and QA section A rules."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.core.advice import Action, Facts, NumberFormat, Tracking, advise
from bot.core.advice.interview import Change, Interview, claims, typed_answer
from bot.core.advice.parcel_facts import NoAnswers, facts_from_number, facts_from_parcel
from bot.core.dispute import flow
from bot.core.dispute import texts as dispute_texts
from bot.i18n import use_language
from storage import Parcel

TODAY = date(2026, 11, 20)
NF = Tracking.NOT_FOUND


def parcel(**values: object) -> Parcel:
    base = Parcel(
        id=7, user_id=1, number="RB123456785CN", nickname=None, carrier=None, kind=None,
        created_at=0, updated_at=0,
    )  # fmt: skip
    return replace(base, **values)  # type: ignore[arg-type]


def test_a_range_button_is_not_stored_on_the_parcel() -> None:
    """QA A2: "over $10" overwrote a typed 1 890 ₽ with $20; "more" became a 45-day deadline."""
    interview = Interview(parcel_id=7, asking="price_usd")
    change = interview.take("price_usd", "~20", TODAY, NoAnswers())
    assert change == Change(answers={"asked": ("price_usd",)})  # no parcel column
    interview.asking = "protection_days_left"
    change = interview.take("protection_days_left", "~31", TODAY, NoAnswers())
    assert change.columns == {}
    assert interview.approx == {"price_usd": 20.0, "protection_days_left": 31.0}


def test_a_range_answer_informs_the_round_but_never_beats_an_exact_fact() -> None:
    interview = Interview(parcel_id=7, approx={"price_usd": 20.0, "protection_days_left": 31.0})
    unknown = interview.overlay(Facts(tracking=NF, days_since_shipped=7))
    assert (unknown.price_usd, unknown.price_approx) == (20.0, True)
    assert (unknown.protection_days_left, unknown.timer_approx) == (31, True)
    exact = interview.overlay(Facts(price_usd=21.0, protection_days_left=12))
    assert (exact.price_usd, exact.price_approx, exact.protection_days_left) == (21.0, False, 12)
    assert not exact.timer_approx


def test_more_than_30_days_is_said_as_a_lower_bound() -> None:
    a = advise(
        Facts(tracking=Tracking.MOVING, protection_days_left=31, timer_approx=True), today=TODAY
    )
    assert a.deadline_note == (
        "You said more than 30 days are left: the timer ends on Dec 21 at the earliest. "
        "For the exact day, check the order page."
    )
    assert a.to_dict()["deadline"]["days_left"] == 31


def test_a_typed_price_keeps_its_currency() -> None:
    assert claims("price_usd", "1 890 ₽")
    raw = typed_answer("price_usd", "1 890 ₽")
    assert raw == "1890.0 RUB"
    change = Interview(parcel_id=7, asking="price_usd").take("price_usd", raw, TODAY)
    assert change.columns == {"price_amount": 1890.0, "price_currency": "RUB"}
    assert typed_answer("price_usd", "$5") == "5.0"
    # Without a parcel: converted for this round, marked approximate.
    alone = Interview(asking="price_usd")
    alone.take("price_usd", "300.0 RUB", TODAY)
    facts = Facts.from_dict(alone.facts)
    assert (facts.price_usd, facts.price_approx, facts.price_typed) == (3.33, True, "300 RUB")


def test_a_rouble_price_reaches_the_cheap_tier_and_says_the_rate() -> None:
    """QA A7: 1.5 dollars or 150 roubles: the seed's "under $5: wait"."""
    facts = facts_from_parcel(parcel(price_amount=150.0, price_currency="RUB"), TODAY)
    a = advise(facts.replace(tracking=NF, days_since_shipped=20), today=TODAY)
    assert (a.rule, a.action) == ("cheap_untracked", Action.WAIT)
    assert "RUB\u00a0150 as about $1.67 at a fixed rate of 90 RUB per US dollar" in a.why
    assert "approximate" in a.why
    with use_language("ru"):
        ru = advise(facts.replace(tracking=NF, days_since_shipped=20), today=TODAY)
    assert "по фиксированному курсу 90 RUB за доллар" in ru.why
    ranged = advise(Facts(tracking=NF, days_since_shipped=20, price_usd=3, price_approx=True))
    assert "price range you picked" in ranged.why


def test_an_approximate_price_is_never_the_amount_the_dispute_asks_for() -> None:
    """QA A2: the dispute asked for $20.00 ("never ask for less than you paid") on a 1 890 ₽
    order (≈ $21)."""
    rubles = facts_from_parcel(parcel(price_amount=1890.0, price_currency="RUB"), TODAY)
    state = flow.start(rubles.replace(tracking=NF, protection_days_left=30), 7)
    assert state.amount is None
    a = advise(rubles.replace(tracking=NF, days_since_shipped=30, seller_contacted_days_ago=6))
    assert a.action is Action.OPEN_DISPUTE
    assert a.letter is not None and "USD" not in a.letter
    exact = flow.start(Facts(tracking=NF, protection_days_left=30, price_usd=21.0), 7)
    assert exact.amount == 21.0


# --- the remaining rules of QA section A ---------------------------------------------------------


def test_digits_only_numbers_ask_for_the_international_number() -> None:
    """QA A4: 75312345678901 was "a typo or a fake"; the seed: a local Chinese number."""
    for number in ("75312345678901", "4312345678901", "773012345678901"):
        f = facts_from_number(number)
        assert f.number_format is NumberFormat.LOCAL_ONLY, number
        a = advise(f.replace(tracking=NF, days_since_shipped=11), today=TODAY)
        assert a.action is Action.ASK_INTERNATIONAL_NUMBER, number
        stored = facts_from_parcel(parcel(number=number), TODAY)
        assert stored.number_format is NumberFormat.LOCAL_ONLY
    # A valid Russian Post barcode keeps its verdict; letters+digits are not touched.
    assert facts_from_number("10204563123450").number_format is NumberFormat.ORIGIN_ONLY
    assert facts_from_number("RB123456785CN").number_format is NumberFormat.INTERNATIONAL
    assert facts_from_number("RB123456784CN").number_format is NumberFormat.INVALID
    asked = Interview(asking="number_format")
    asked.take("number_format", "75312345678901", TODAY)
    assert asked.facts["number_format"] == "local_only"


@pytest.mark.parametrize(
    ("shipped", "price", "early"),
    [(3, None, True), (9, None, True), (10, None, False), (11, None, False),
     (5, 20.0, True), (6, 20.0, False), (7, 20.0, False)],
)  # fmt: skip
def test_an_early_dispute_is_told_so(shipped: int, price: float | None, early: bool) -> None:
    """QA A8: a dispute started on day 3 was not told it is early."""
    facts = Facts(tracking=NF, days_since_shipped=shipped, price_usd=price, protection_days_left=40)
    state = flow.start(facts, 7)
    assert state.current is flow.Step.RECEIVED
    text = dispute_texts.prompt(state)
    assert ("It is early" in text) is early
    if early:
        assert f"only {shipped} days ago" in text
    with use_language("ru"):
        assert ("Пока рано" in dispute_texts.prompt(state)) is early
    # A returned parcel is never "early".
    back = flow.start(facts.replace(tracking=Tracking.RETURNED), 7)
    assert "It is early" not in dispute_texts.prompt(back)
