"""What a dispute step means outside the chat (bot.core.dispute.effects).

What to record, what to remember, what to schedule.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.core import dispute as script
from bot.core.advice import Facts, Tracking
from bot.core.dispute import DisputeState, Effects, Step, effects

TODAY = date(2026, 11, 20)
UNTRACKED = Facts(tracking=Tracking.NOT_FOUND, days_since_shipped=25, price_usd=20.0)


def walk(state: DisputeState, *choices: str) -> DisputeState:
    for choice in choices:
        state = script.next_step(state, choice, TODAY)
    return state


def test_submitting_records_the_dispute_and_schedules_the_checkin() -> None:
    before = walk(script.start(UNTRACKED.replace(protection_days_left=30), 7), "recv_no",
                  "r_no_track", "full_refund", "ev_yes")  # fmt: skip
    after = script.next_step(before, "submitted", TODAY)
    assert after.current is Step.WAITING
    assert effects(before, after, TODAY, choice="submitted") == Effects(
        parcel={
            "dispute_opened_on": TODAY,
            "dispute_reason": "no_tracking",
            "dispute_amount": 20.0,
            "dispute_status": "open",
            "seller_response": None,
        },
        checkin_in_days=5,
        ends=True,
    )


def test_submitting_without_a_parcel_keeps_the_state_for_its_checkin() -> None:
    before = walk(script.start(UNTRACKED.replace(protection_days_left=30)), "recv_no",
                  "r_late", "full_refund", "ev_yes")  # fmt: skip
    after = script.next_step(before, "submitted", TODAY)
    found = effects(before, after, TODAY, choice="submitted")
    assert found == Effects(checkin_in_days=5, keep_as_last=True, ends=True)
    assert not found.for_parcel


def test_timer_over_is_a_flag_and_a_long_finished_order_a_lower_bound() -> None:
    asked = script.start(Facts(), 7)
    assert asked.current is Step.TIMER_ASK
    over = script.next_step(asked, "t_over", TODAY)
    assert effects(asked, over, TODAY, choice="t_over") == Effects(answers={"timer_over": True})
    old = script.next_step(over, "fin_old", TODAY)
    bound = TODAY - timedelta(days=15)
    assert effects(over, old, TODAY, choice="fin_old").answers == {"order_finished_on": bound}
    # Known to have finished even earlier: the earlier date stays.
    earlier = TODAY - timedelta(days=40)
    found = effects(over, old, TODAY, choice="fin_old", finished_on=earlier)
    assert found.answers == {"order_finished_on": earlier}
    # Without a parcel nothing is stored.
    anonymous = script.start(Facts())
    assert effects(anonymous, script.next_step(anonymous, "t_over"), TODAY, choice="t_over") == (
        Effects()
    )


def test_typed_days_left_set_the_deadline_and_clear_the_flag() -> None:
    asked = script.start(Facts(), 7)
    answered = script.set_timer_days(asked, 17)
    assert effects(asked, answered, TODAY) == Effects(
        parcel={"protection_deadline": TODAY + timedelta(days=17)},
        answers={"timer_over": None},
    )


def test_the_checkin_answer_is_the_sellers_response() -> None:
    checkin = DisputeState(step=Step.CHECKIN.value, parcel_id=7, facts=UNTRACKED.to_dict())
    refused = script.next_step(checkin, "ci_refused", TODAY)
    # An answer means a dispute is open, even one opened outside the bot.
    assert effects(checkin, refused, TODAY, choice="ci_refused") == Effects(
        parcel={"seller_response": "refused", "dispute_status": "open"}
    )
    offered = script.set_amount(script.next_step(checkin, "ci_offer", TODAY), 5)
    assert effects(checkin, offered, TODAY).parcel == {
        "seller_response": "offer",
        "dispute_status": "open",
    }


def test_cancel_ends_and_ordinary_steps_change_nothing() -> None:
    state = script.start(UNTRACKED.replace(protection_days_left=30), 7)
    assert effects(state, script.next_step(state, "cancel"), TODAY, choice="cancel") == Effects(
        ends=True
    )
    received = script.next_step(state, "recv_no", TODAY)
    assert effects(state, received, TODAY, choice="recv_no") == Effects()
