"""D1 (the timer question), warnings per reason (rules 9-11), and D9 without a finish date."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core import dispute as script
from bot.core.advice import Action, Facts, Tracking, advise
from bot.core.dispute import Step

TODAY = date(2026, 11, 1)


@pytest.mark.parametrize(
    ("facts", "choice", "step"),
    [
        (Facts(), "t_over", Step.EXPIRED),
        (Facts(), "t_soon", Step.TIMER),  # tracking unknown: offer the extension, conditionally
        (Facts(tracking=Tracking.MOVING), "t_soon", Step.TIMER),
        (Facts(tracking=Tracking.NOT_FOUND), "t_soon", Step.RECEIVED),
        (Facts(), "t_more", Step.RECEIVED),
        (Facts(), "t_unknown", Step.RECEIVED),
    ],
)
def test_timer_question_routes(facts: Facts, choice: str, step: Step) -> None:
    state = script.start(facts)
    assert state.current is Step.TIMER_ASK
    assert script.next_step(state, choice, TODAY).current is step


def test_timer_over_is_kept_in_the_state_and_d9_preselects_nothing() -> None:
    state = script.next_step(script.start(Facts()), "t_over", TODAY)
    assert state.known.timer_over is True
    assert script.suggested_choice(state) is None
    assert script.back(state).current is Step.TIMER_ASK


@pytest.mark.parametrize(("days", "step"), [(-3, Step.EXPIRED), (30, Step.RECEIVED)])
def test_typed_days_left(days: int, step: Step) -> None:
    state = script.set_timer_days(script.start(Facts()), days)
    assert state.current is step and state.known.protection_days_left == days
    with pytest.raises(script.InvalidChoice):
        script.set_timer_days(state, 5)


def test_timer_prompt_is_conditional_when_movement_is_unknown() -> None:
    unknown = script.next_step(script.start(Facts()), "t_soon", TODAY)
    assert "If the parcel is moving normally" in script.prompt(unknown)
    moving = script.start(Facts(protection_days_left=6, tracking=Tracking.MOVING))
    assert "the parcel is moving" in script.prompt(moving)


def test_pick_prompt_without_parcels_offers_to_go_on() -> None:
    state = script.start()
    assert "Pick it" in script.prompt(state)
    assert "continue without one" in script.prompt(state, has_parcels=False)


def _warnings_after(*codes: str) -> list[str]:
    state = script.start(Facts(protection_days_left=30, price_usd=20.0))
    for code in codes:
        state = script.next_step(state, code, TODAY)
    return script.warnings(state)


def test_received_item_warnings_fit_the_reason() -> None:
    text = " ".join(_warnings_after("recv_yes", "p_damaged", "send_back"))
    assert "really moves" not in text
    assert "promises a refund or a new item" in text
    assert "counter-offer" in text and "protection timer has ended" in text


@pytest.mark.parametrize(
    ("reason", "moving_warning"),
    [
        ("r_no_track", True),
        # QA A6: for a parcel that already moves "until it really moves" read as permission
        # to cancel; those get "close it only once you have the parcel or the refund".
        ("r_late", False),
        ("r_customs", False),
        ("r_returned", False),
        ("r_not_recv", False),
    ],
)
def test_not_received_warnings_by_reason(reason: str, moving_warning: bool) -> None:
    text = " ".join(_warnings_after("recv_no", reason))
    assert ("really moves in tracking" in text) is moving_warning
    assert ("once you have the parcel or the refund" in text) is not moving_warning
    assert "closes in your favour" in text


def test_advice_timer_over_without_a_date_words_both_branches() -> None:
    advice = advise(Facts(timer_over=True), today=TODAY)
    assert advice.action is Action.TIMER_EXPIRED
    assert "If the order finished less than 15 days ago" in advice.why
    assert "AliExpress support" in advice.why and "PayPal claim within 180 days" in advice.why
    assert "protection_days_left" not in advice.missing
    assert "order_finished_days_ago" in advice.missing


def test_advice_timer_over_with_a_finish_date_is_definite() -> None:
    old = advise(Facts(timer_over=True, order_finished_days_ago=30), today=TODAY)
    assert "too late" in old.why and old.letter is None
    recent = advise(Facts(timer_over=True, order_finished_days_ago=3, paid_with_paypal=False))
    assert "open it now" in recent.why and "PayPal" not in recent.why
