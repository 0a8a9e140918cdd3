"""The deadline-first advisor: the user's or the assumed deadline, and the one securing rule."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.advice import DEFAULTS, Action, Facts, NumberFormat, SellerResponse, Tracking, advise
from bot.core.advice.deadline import TimerStep, deadline_of, margin, step_for, timer_step
from bot.i18n import use_language

TODAY = date(2026, 11, 1)
NF = Tracking.NOT_FOUND
SECURING = {Action.CHECK_TIMER, Action.OPEN_DISPUTE, Action.EXTEND_PROTECTION, Action.TIMER_EXPIRED}


# QA finding A1: timer unknown, shipped 57, 61, 75 days ago → "look again in 5 days" let the
# default 60-day timer run out. Now the first step is to secure the timer.
@pytest.mark.parametrize("shipped", [53, 54, 57, 60, 61, 75, 352])
def test_unknown_timer_near_or_past_the_assumed_end_says_check_it_now(shipped: int) -> None:
    a = advise(Facts(tracking=NF, days_since_shipped=shipped, price_usd=20), today=TODAY)
    assert (a.rule, a.action, a.next_check_in_days) == (
        "timer_assumed_near",
        Action.CHECK_TIMER,
        1,
    )
    assert a.missing[0] == "protection_days_left"
    assert a.deadline is not None and a.deadline.assumed
    assert "usual 60 days" in a.situation
    assert a.letter is not None  # the dispute text is ready if the countdown is short


@pytest.mark.parametrize(
    ("shipped", "rule", "next_in"),
    [
        (50, "untracked_write_seller", 3),  # 10 days left (assumed): the look is before day 53
        (52, "untracked_write_seller", 1),  # the day before the margin
        (53, "timer_assumed_near", 1),  # the margin's day
        (54, "timer_assumed_near", 1),  # the day after
    ],
)
def test_assumed_deadline_boundaries(shipped: int, rule: str, next_in: int) -> None:
    a = advise(Facts(tracking=NF, days_since_shipped=shipped), today=TODAY)
    assert (a.rule, a.next_check_in_days) == (rule, next_in)


def test_the_users_timer_wins_over_the_assumed_one() -> None:
    # Shipped 70 days ago but the order page says 30 days left (a 90-day country).
    a = advise(
        Facts(tracking=Tracking.MOVING, days_since_shipped=70, protection_days_left=30),
        today=TODAY,
    )
    assert (a.rule, a.next_check_in_days) == ("moving", 7)
    assert a.deadline is not None and not a.deadline.assumed
    assert a.deadline_note == "Buyer protection ends on Dec 1, in 30 days."


def test_every_advice_names_the_deadline_as_an_assumption() -> None:
    a = advise(Facts(tracking=NF, days_since_shipped=12), today=TODAY)
    assert a.rule == "untracked_write_seller"
    assert a.deadline_note == (
        "If your timer is the usual 60 days, it ends about Dec 19: check it on the order page."
    )
    with use_language("ru"):
        ru = advise(Facts(tracking=NF, days_since_shipped=12), today=TODAY)
    assert (
        ru.deadline_note is not None and "60" in ru.deadline_note and "19 дек" in ru.deadline_note
    )
    data = a.to_dict()["deadline"]
    assert data == {
        "days_left": 48,
        "date": "2026-12-19",
        "assumed": True,
        "assumed_window_days": 60,
        "approximate": False,
        "note": a.deadline_note,
    }


@pytest.mark.parametrize(
    ("left", "arriving", "step"),
    [
        (8, True, TimerStep.NONE),
        (7, True, TimerStep.EXTEND),
        (5, True, TimerStep.EXTEND),
        (4, True, TimerStep.DISPUTE),
        (3, True, TimerStep.DISPUTE),
        (0, True, TimerStep.DISPUTE),
        (-1, True, TimerStep.EXPIRED),
        (8, False, TimerStep.NONE),
        (7, False, TimerStep.DISPUTE),
    ],
)
def test_the_one_timer_rule(left: int, arriving: bool, step: TimerStep) -> None:
    assert timer_step(left, arriving=arriving) is step
    assert timer_step(left, arriving=arriving, assumed=True) is (
        TimerStep.NONE if left > margin() else TimerStep.CHECK
    )


def test_a_dispute_holds_the_timer() -> None:
    f = Facts(days_since_shipped=80, dispute_open_days=2)
    assert step_for(f) is TimerStep.NONE
    assert deadline_of(f) is not None


# --- the property: no advice schedules its next step past the (assumed) deadline's margin ------

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
    timer_over=st.none() | st.booleans(),
    seller_contacted=st.none() | st.booleans(),
    seller_contacted_days_ago=st.none() | st.integers(min_value=0, max_value=400),
    seller_response=st.none() | st.sampled_from(SellerResponse),
    offer_amount=money,
    order_finished_days_ago=st.none() | st.integers(min_value=0, max_value=400),
    paid_with_paypal=st.none() | st.booleans(),
)


@settings(max_examples=500, deadline=None)
@given(facts)
def test_no_advice_schedules_its_next_step_past_the_deadline(f: Facts) -> None:
    a = advise(f, today=TODAY)
    d = deadline_of(f)
    if d is None or f.tracking is Tracking.DELIVERED:
        return
    assert a.deadline == d
    if d.days_left > margin():
        # Far from the end: whatever the advice, the next look comes before the margin.
        if a.next_check_in_days is not None:
            assert a.next_check_in_days <= d.days_left - margin()
    else:
        # Near or past it: the first step secures the timer, and the next look is within days.
        assert a.action in SECURING
        assert a.next_check_in_days is None or a.next_check_in_days <= 2
        if d.days_left >= DEFAULTS.extend_window_min and a.next_check_in_days is not None:
            assert a.next_check_in_days < d.days_left


def test_an_open_dispute_names_no_deadline() -> None:
    a = advise(Facts(days_since_shipped=40, dispute_open_days=2), today=TODAY)
    assert a.rule == "dispute_wait_seller" and a.deadline_note is None
