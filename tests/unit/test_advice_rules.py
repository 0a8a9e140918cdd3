"""Each advisor rule at its boundaries (defaults from bot/core/advice/timelines.py)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.advice import (
    DEFAULTS,
    RULE_NAMES,
    Action,
    Facts,
    NumberFormat,
    SellerResponse,
    Tracking,
    advise,
    select_rule,
)

TODAY = date(2026, 11, 1)
NF = Tracking.NOT_FOUND


def rule_of(**kw: object) -> tuple[str, Action]:
    a = advise(Facts(**kw), today=TODAY)  # type: ignore[arg-type]
    return a.rule, a.action


@pytest.mark.parametrize(
    ("days", "rule", "action"),
    [
        (2, "too_early", Action.WAIT),
        (3, "untracked_early", Action.CHECK_OTHER_SITE),
        (9, "untracked_early", Action.CHECK_OTHER_SITE),
        (10, "untracked_write_seller", Action.WRITE_SELLER),
        (11, "untracked_write_seller", Action.WRITE_SELLER),
    ],
)
def test_untracked_by_days_since_shipping(days: int, rule: str, action: Action) -> None:
    assert rule_of(tracking=NF, days_since_shipped=days) == (rule, action)


@pytest.mark.parametrize(
    ("price", "days", "rule"),
    [
        (4.99, 11, "cheap_untracked"),
        (5.0, 11, "untracked_write_seller"),
        (5.0, 9, "untracked_early"),
        (10.0, 6, "untracked_early"),  # $10 is "usually tracked", not yet the pricey tier
        (10.01, 5, "untracked_early"),
        (10.01, 6, "pricey_untracked"),
        (10.01, 9, "pricey_untracked"),
        (10.01, 10, "untracked_write_seller"),
    ],
)
def test_price_tiers(price: float, days: int, rule: str) -> None:
    assert rule_of(tracking=NF, days_since_shipped=days, price_usd=price)[0] == rule


def test_cheap_untracked_waits_until_the_extension_window() -> None:
    a = advise(Facts(tracking=NF, price_usd=3, protection_days_left=20), today=TODAY)
    assert (a.action, a.next_check_in_days) == (Action.WAIT, 20 - DEFAULTS.extend_window)
    assert "fairer" in a.why


@pytest.mark.parametrize(
    ("left", "tracking", "rule", "action"),
    [
        (8, Tracking.MOVING, "moving", Action.WAIT),
        (7, Tracking.MOVING, "timer_extend", Action.EXTEND_PROTECTION),
        (6, Tracking.MOVING, "timer_extend", Action.EXTEND_PROTECTION),
        (5, Tracking.CUSTOMS, "timer_extend", Action.EXTEND_PROTECTION),
        (4, Tracking.MOVING, "timer_critical", Action.OPEN_DISPUTE),
        (0, Tracking.MOVING, "timer_critical", Action.OPEN_DISPUTE),
        (-1, Tracking.MOVING, "timer_expired", Action.TIMER_EXPIRED),
        (8, NF, "untracked_early", Action.CHECK_OTHER_SITE),
        (7, NF, "timer_dispute", Action.OPEN_DISPUTE),
        (6, Tracking.STALLED, "timer_dispute", Action.OPEN_DISPUTE),
        (6, None, "timer_extend", Action.EXTEND_PROTECTION),
    ],
)
def test_protection_timer(left: int, tracking: Tracking | None, rule: str, action: Action) -> None:
    assert rule_of(protection_days_left=left, tracking=tracking) == (rule, action)


def test_timer_beats_everything_but_delivery_and_disputes() -> None:
    assert rule_of(protection_days_left=6, tracking=NF, price_usd=2)[0] == "timer_dispute"
    assert rule_of(protection_days_left=-5, tracking=Tracking.DELIVERED)[0] == "delivered"
    # An open dispute protects the money; the timer no longer decides.
    assert rule_of(protection_days_left=2, dispute_open_days=1)[0] == "dispute_wait_seller"


def test_next_check_never_after_the_extension_window_opens() -> None:
    a = advise(Facts(tracking=Tracking.MOVING, protection_days_left=9), today=TODAY)
    assert a.next_check_in_days == 2
    a = advise(Facts(tracking=Tracking.MOVING, protection_days_left=40), today=TODAY)
    assert a.next_check_in_days == DEFAULTS.recheck_moving


@pytest.mark.parametrize(
    ("finished", "paypal", "has_letter", "text"),
    [
        (14, None, True, "open it now"),
        (15, None, False, "AliExpress support"),
        (40, True, False, "PayPal"),
    ],
)
def test_timer_expired_d9(finished: int, paypal: bool | None, has_letter: bool, text: str) -> None:
    a = advise(
        Facts(protection_days_left=-1, order_finished_days_ago=finished, paid_with_paypal=paypal),
        today=TODAY,
    )
    assert a.action is Action.TIMER_EXPIRED
    assert (a.letter is not None) is has_letter
    assert text in a.why
    assert "order page" in a.why  # sources disagree: trust the countdown


def test_timer_expired_uses_negative_days_left_when_finish_unknown() -> None:
    assert advise(Facts(protection_days_left=-14), today=TODAY).letter is not None
    assert advise(Facts(protection_days_left=-15), today=TODAY).letter is None


@pytest.mark.parametrize(
    ("ago", "rule", "action"),
    [
        (4, "seller_reply_wait", Action.WAIT),
        (5, "seller_silent_dispute", Action.OPEN_DISPUTE),
        (6, "seller_silent_dispute", Action.OPEN_DISPUTE),
    ],
)
def test_seller_silent_for_five_days(ago: int, rule: str, action: Action) -> None:
    assert rule_of(tracking=NF, days_since_shipped=15, seller_contacted_days_ago=ago) == (
        rule,
        action,
    )


def test_seller_reply_wait_counts_down() -> None:
    a = advise(Facts(tracking=NF, days_since_shipped=12, seller_contacted_days_ago=2), today=TODAY)
    assert a.next_check_in_days == 3


def test_promises_count_as_silence_and_refusal_needs_no_waiting() -> None:
    base = {"tracking": NF, "days_since_shipped": 20}
    assert (
        rule_of(**base, seller_contacted_days_ago=5, seller_response=SellerResponse.PROMISED)[0]
        == "seller_silent_dispute"
    )
    assert (
        rule_of(**base, seller_contacted_days_ago=1, seller_response=SellerResponse.REFUSED)[0]
        == "seller_silent_dispute"
    )


def test_local_and_origin_only_numbers_ask_for_the_international_one() -> None:
    for fmt in (NumberFormat.LOCAL_ONLY, NumberFormat.ORIGIN_ONLY):
        a = advise(Facts(number_format=fmt, track_number="773012345678"), today=TODAY)
        assert a.action is Action.ASK_INTERNATIONAL_NUMBER
        assert a.letter is not None and "773012345678" in a.letter
    assert rule_of(tracking=Tracking.ORIGIN_ONLY, number_format=NumberFormat.INTERNATIONAL)[0] == (
        "origin_only"
    )


def test_invalid_number() -> None:
    assert rule_of(number_format=NumberFormat.INVALID, tracking=NF, days_since_shipped=1) == (
        "invalid_number",
        Action.WRITE_SELLER,
    )


@pytest.mark.parametrize(
    ("tracking", "stalled", "rule", "action"),
    [
        (Tracking.STALLED, 6, "stalled_short", Action.WAIT),
        (Tracking.STALLED, 7, "stalled_customs_likely", Action.CUSTOMS_WAIT),
        (Tracking.STALLED, 21, "stalled_customs_likely", Action.CUSTOMS_WAIT),
        (Tracking.STALLED, 22, "stalled_long", Action.ASK_SELLER_SEARCH),
        (Tracking.STALLED, None, "stalled_short", Action.WAIT),
        (Tracking.CUSTOMS, 20, "customs", Action.CUSTOMS_WAIT),
        (Tracking.CUSTOMS, 21, "customs", Action.CUSTOMS_WAIT),
        (Tracking.CUSTOMS, 22, "customs_long", Action.WRITE_SELLER),
        (Tracking.CUSTOMS, None, "customs", Action.CUSTOMS_WAIT),
        (Tracking.VANISHED, None, "vanished", Action.ASK_SELLER_SEARCH),
    ],
)
def test_stalled_customs_vanished(
    tracking: Tracking, stalled: int | None, rule: str, action: Action
) -> None:
    assert rule_of(tracking=tracking, stalled_days=stalled) == (rule, action)


def test_customs_next_check_stops_at_the_three_week_mark() -> None:
    a = advise(Facts(tracking=Tracking.CUSTOMS, stalled_days=19), today=TODAY)
    assert a.next_check_in_days == 3


def test_stalled_long_then_seller_silent_opens_a_dispute() -> None:
    assert (
        rule_of(tracking=Tracking.STALLED, stalled_days=30, seller_contacted_days_ago=5)[0]
        == "seller_silent_dispute"
    )


@pytest.mark.parametrize(
    ("tracking", "rule", "action"),
    [
        (Tracking.DELIVERED, "delivered", Action.CONFIRM_RECEIPT),
        (Tracking.RETURNED, "returned", Action.OPEN_DISPUTE),
        (Tracking.DELIVERED_NOT_RECEIVED, "delivered_not_received", Action.OPEN_DISPUTE),
        (Tracking.MOVING, "moving", Action.WAIT),
        (None, "fallback", Action.CHECK_OTHER_SITE),
    ],
)
def test_tracking_states(tracking: Tracking | None, rule: str, action: Action) -> None:
    assert rule_of(tracking=tracking) == (rule, action)


@pytest.mark.parametrize(
    ("days", "response", "rule", "action"),
    [
        (4, None, "dispute_wait_seller", Action.DISPUTE_WAIT_SELLER),
        (5, None, "dispute_seller_late", Action.DISPUTE_KEEP_OPEN),
        (6, SellerResponse.PROMISED, "dispute_seller_late", Action.DISPUTE_KEEP_OPEN),
        (2, SellerResponse.ACCEPTED, "dispute_accepted", Action.WAIT),
        (2, SellerResponse.OFFER, "dispute_offer", Action.CHECK_OFFER),
        (2, SellerResponse.REFUSED, "dispute_refused", Action.DISPUTE_ESCALATE),
        (2, SellerResponse.ASKED_CANCEL, "dispute_asked_cancel", Action.DISPUTE_KEEP_OPEN),
    ],
)
def test_dispute_rules(
    days: int, response: SellerResponse | None, rule: str, action: Action
) -> None:
    assert rule_of(dispute_open_days=days, seller_response=response) == (rule, action)


def test_dispute_wait_counts_down_the_sellers_five_days() -> None:
    assert advise(Facts(dispute_open_days=1), today=TODAY).next_check_in_days == 4
    assert advise(Facts(dispute_open=True), today=TODAY).next_check_in_days == 5


def test_zero_offer_is_called_a_trick() -> None:
    a = advise(
        Facts(dispute_open_days=2, seller_response=SellerResponse.OFFER, offer_amount=0),
        today=TODAY,
    )
    assert "trick" in a.why


def test_never_cancel_after_the_timer() -> None:
    a = advise(
        Facts(
            dispute_open_days=2,
            seller_response=SellerResponse.ASKED_CANCEL,
            protection_days_left=-1,
            tracking=Tracking.MOVING,
        ),
        today=TODAY,
    )
    assert "Never" in a.why


def test_refusal_comes_with_english_escalation_wording() -> None:
    a = advise(Facts(dispute_open_days=3, seller_response=SellerResponse.REFUSED), today=TODAY)
    assert a.letter is not None and "AliExpress" in a.letter and "3 days" in a.letter


def test_every_rule_is_reachable_by_some_test_above() -> None:
    # Keep this list in sync when adding rules: a rule nobody reaches is a rule nobody tested.
    reached = {
        rule_of(tracking=NF, days_since_shipped=2)[0],
        rule_of(tracking=NF, days_since_shipped=5)[0],
        rule_of(tracking=NF, days_since_shipped=11)[0],
        rule_of(tracking=NF, days_since_shipped=7, price_usd=20)[0],
        rule_of(tracking=NF, price_usd=1)[0],
        rule_of(tracking=NF, days_since_shipped=15, seller_contacted_days_ago=6)[0],
        rule_of(tracking=NF, days_since_shipped=15, seller_contacted_days_ago=1)[0],
        rule_of(number_format=NumberFormat.INVALID)[0],
        rule_of(number_format=NumberFormat.LOCAL_ONLY)[0],
        rule_of(tracking=Tracking.ORIGIN_ONLY)[0],
        rule_of(tracking=Tracking.VANISHED)[0],
        rule_of(tracking=Tracking.STALLED, stalled_days=1)[0],
        rule_of(tracking=Tracking.STALLED, stalled_days=10)[0],
        rule_of(tracking=Tracking.STALLED, stalled_days=30)[0],
        rule_of(tracking=Tracking.CUSTOMS, stalled_days=3)[0],
        rule_of(tracking=Tracking.CUSTOMS, stalled_days=30)[0],
        rule_of(tracking=Tracking.MOVING)[0],
        rule_of(tracking=Tracking.DELIVERED)[0],
        rule_of(tracking=Tracking.RETURNED)[0],
        rule_of(tracking=Tracking.DELIVERED_NOT_RECEIVED)[0],
        rule_of()[0],
        rule_of(protection_days_left=-1)[0],
        rule_of(protection_days_left=1)[0],
        rule_of(protection_days_left=6, tracking=Tracking.MOVING)[0],
        rule_of(protection_days_left=6, tracking=NF)[0],
        rule_of(days_since_shipped=57, tracking=NF)[0],
    }
    for response in SellerResponse:
        reached.add(rule_of(dispute_open_days=1, seller_response=response)[0])
    reached.add(rule_of(dispute_open_days=9)[0])
    assert reached == set(RULE_NAMES)


def test_select_rule_is_the_same_rule_advise_reports() -> None:
    f = Facts(tracking=NF, days_since_shipped=12)
    assert select_rule(f).name == advise(f, today=TODAY).rule


def test_long_dispute_with_unknown_answer_does_not_claim_silence() -> None:
    unknown = advise(Facts(dispute_open_days=8), today=TODAY)
    assert unknown.rule == "dispute_seller_late"
    assert "did not answer" not in unknown.situation and "8 days" in unknown.situation
    silent = advise(Facts(dispute_open_days=8, seller_response=SellerResponse.NONE), today=TODAY)
    assert "did not answer the dispute within 5 days" in silent.situation
