"""Property: any combination of facts gives exactly one action and never raises."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.advice import (
    RULE_NAMES,
    Action,
    Advice,
    Facts,
    NumberFormat,
    SellerResponse,
    Tracking,
    advise,
)
from bot.core.advice.facts import FACT_NAMES
from bot.i18n import use_language

days = st.none() | st.integers(min_value=-400, max_value=400)
money = st.none() | st.floats(min_value=0, max_value=10_000, allow_nan=False)

facts = st.builds(
    Facts,
    days_since_shipped=st.none() | st.integers(min_value=0, max_value=400),
    tracking=st.none() | st.sampled_from(Tracking),
    stalled_days=st.none() | st.integers(min_value=0, max_value=400),
    number_format=st.none() | st.sampled_from(NumberFormat),
    price_usd=money,
    protection_days_left=days,
    seller_contacted=st.none() | st.booleans(),
    seller_contacted_days_ago=st.none() | st.integers(min_value=0, max_value=400),
    dispute_open=st.none() | st.booleans(),
    dispute_open_days=st.none() | st.integers(min_value=0, max_value=400),
    seller_response=st.none() | st.sampled_from(SellerResponse),
    offer_amount=money,
    order_finished_days_ago=st.none() | st.integers(min_value=0, max_value=400),
    paid_with_paypal=st.none() | st.booleans(),
    track_number=st.none() | st.text(max_size=30),
)


@settings(max_examples=300, deadline=None)
@given(facts, st.sampled_from(["en", "ru"]))
def test_random_facts_give_one_action(f: Facts, lang: str) -> None:
    with use_language(lang):
        a = advise(f, today=date(2026, 11, 1))
    assert isinstance(a, Advice)
    assert isinstance(a.action, Action)
    assert a.rule in RULE_NAMES
    assert a.situation and a.why
    assert a.next_check_in_days is None or a.next_check_in_days >= 1
    assert a.letter is None or a.letter.isascii()
    assert len(set(a.missing)) == len(a.missing)
    assert set(a.missing) <= set(FACT_NAMES)
    for part in (a.situation, a.why):
        assert "{" not in part and "}" not in part
