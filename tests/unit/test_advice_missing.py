"""`Advice.missing`: which unknown facts would change or sharpen the answer."""

from __future__ import annotations

from datetime import date

from bot.core.advice import FACT_NAMES, Facts, SellerResponse, Tracking, advise, fact_question
from bot.i18n import use_language

TODAY = date(2026, 11, 1)


def test_nothing_known_asks_timer_and_tracking_first() -> None:
    missing = advise(Facts(), today=TODAY).missing
    assert missing[:2] == ("protection_days_left", "tracking")


def test_untracked_asks_days_since_shipping_and_seller_contact() -> None:
    missing = advise(Facts(tracking=Tracking.NOT_FOUND), today=TODAY).missing
    assert "days_since_shipped" in missing
    assert missing.index("protection_days_left") < missing.index("days_since_shipped")
    assert "stalled_days" not in missing  # irrelevant while nothing is tracked


def test_known_facts_are_never_missing() -> None:
    f = Facts(
        tracking=Tracking.NOT_FOUND,
        days_since_shipped=12,
        protection_days_left=40,
        price_usd=20,
        seller_contacted=False,
    )
    missing = advise(f, today=TODAY).missing
    assert not {"tracking", "days_since_shipped", "protection_days_left", "price_usd"} & set(
        missing
    )
    assert "seller_contacted" not in missing


def test_offer_rule_asks_for_the_amount() -> None:
    f = Facts(dispute_open_days=2, seller_response=SellerResponse.OFFER)
    assert "offer_amount" in advise(f, today=TODAY).missing


def test_every_fact_has_a_question_in_both_languages() -> None:
    for name in FACT_NAMES:
        en = fact_question(name)
        with use_language("ru"):
            ru = fact_question(name)
        assert en.endswith("?") or en.endswith(".")
        assert ru != en


def test_facts_round_trip_through_plain_dicts() -> None:
    f = Facts(tracking=Tracking.CUSTOMS, stalled_days=3, seller_response=SellerResponse.OFFER)
    d = f.to_dict()
    assert d["tracking"] == "customs" and type(d["tracking"]) is str
    assert Facts.from_dict(d) == f
