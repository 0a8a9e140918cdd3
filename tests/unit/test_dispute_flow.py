"""The dispute walk-through: transitions, back, persistence, texts, reachability."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.core import dispute as script
from bot.core.advice import Action, Facts, SellerResponse, Tracking
from bot.core.dispute import (
    BACK,
    CANCEL,
    CHOICES,
    DisputeState,
    InvalidChoice,
    Step,
    checkin_advice,
    checkin_due_in_days,
    choices,
    code_block,
    dispute_message,
    evidence_checklist,
    first_step,
    next_step,
    pick_parcel,
    prompt,
    set_amount,
    start,
    step_view,
    suggested_choice,
    warnings,
)
from bot.i18n import translate, use_language

TODAY = date(2026, 11, 1)
UNTRACKED = Facts(
    tracking=Tracking.NOT_FOUND,
    days_since_shipped=16,
    price_usd=24.9,
    protection_days_left=40,
    seller_contacted_days_ago=6,
    track_number="LX299455986CN",
)


def walk(state: DisputeState, *codes: str) -> DisputeState:
    for code in codes:
        state = next_step(state, code, today=TODAY)
    return state


@pytest.mark.parametrize(
    ("facts", "step"),
    [
        (None, Step.PICK),
        (Facts(), Step.TIMER_ASK),
        (Facts(timer_over=True), Step.EXPIRED),
        (Facts(protection_days_left=30), Step.RECEIVED),
        (Facts(protection_days_left=-1), Step.EXPIRED),
        (Facts(protection_days_left=0, tracking=Tracking.MOVING), Step.RECEIVED),
        (Facts(protection_days_left=4, tracking=Tracking.MOVING), Step.RECEIVED),
        (Facts(protection_days_left=5, tracking=Tracking.MOVING), Step.TIMER),
        (Facts(protection_days_left=7, tracking=Tracking.CUSTOMS), Step.TIMER),
        (Facts(protection_days_left=8, tracking=Tracking.MOVING), Step.RECEIVED),
        (Facts(protection_days_left=6, tracking=Tracking.NOT_FOUND), Step.RECEIVED),
        (Facts(dispute_open_days=2), Step.CHECKIN),
    ],
)
def test_first_step(facts: Facts | None, step: Step) -> None:
    assert first_step(facts) is step


def test_not_received_full_path() -> None:
    s = start(UNTRACKED, parcel_id=1)
    assert s.current is Step.RECEIVED and s.history == ["d0"]
    s = walk(s, "recv_no")
    assert s.current is Step.REASON
    assert suggested_choice(s) == "r_no_track"
    s = walk(s, "r_no_track")
    assert s.current is Step.SOLUTION and s.amount == 24.9
    assert "$24.90" in prompt(s)
    s = walk(s, "full_refund")
    assert s.current is Step.EVIDENCE
    assert any("two tracking sites" in item for item in evidence_checklist(s))
    s = walk(s, "ev_yes")
    text = code_block(s, TODAY)
    assert s.current is Step.TEXT and text is not None
    assert text.isascii() and "LX299455986CN" in text and "24.90 USD" in text
    assert "wrote to the seller 6 days ago" in text and "16 days ago" in text
    s = walk(s, "submitted")
    assert s.current is Step.WAITING and s.submitted_on == TODAY.isoformat()
    assert checkin_due_in_days(s, TODAY) == 5
    assert checkin_due_in_days(s, date(2026, 11, 9)) == 0


def test_received_keep_it_partial_refund() -> None:
    s = walk(start(UNTRACKED), "recv_yes", "p_damaged", "keep")
    assert s.current is Step.AMOUNT
    half = walk(s, "amt_50")
    assert (half.current, half.amount) == (Step.EVIDENCE, 12.45)
    typed = set_amount(s, 7)
    assert (typed.current, typed.amount, typed.keep_item) == (Step.EVIDENCE, 7, True)
    msg = dispute_message(typed, TODAY)
    assert "partial refund of 7.00 USD" in msg and "arrived damaged" in msg
    assert any("damage" in item for item in evidence_checklist(typed))


def test_received_send_back_and_empty() -> None:
    s = walk(start(UNTRACKED), "recv_yes", "p_fake", "send_back")
    assert s.current is Step.EVIDENCE and s.amount == 24.9
    assert "ship the item back within 10 days" in dispute_message(s, TODAY)
    empty = walk(start(UNTRACKED), "recv_yes", "p_empty")
    assert empty.current is Step.EVIDENCE and "arrived empty" in dispute_message(empty, TODAY)


def test_back_returns_exactly_where_the_user_was() -> None:
    s = walk(start(UNTRACKED), "recv_no", "r_customs", "full_refund", "ev_no")
    s = walk(s, BACK, BACK)
    assert s.current is Step.SOLUTION
    s = walk(s, BACK, BACK)
    assert s.current is Step.RECEIVED
    s = walk(s, "recv_yes")
    assert s.current is Step.PROBLEM
    # Back at the very first step does nothing.
    first = DisputeState()
    assert next_step(first, BACK).current is Step.PICK


def test_cancel_from_anywhere_and_stale_buttons() -> None:
    s = walk(start(UNTRACKED), "recv_no", CANCEL)
    assert s.current is Step.CANCELLED
    assert [c for c, _ in step_view(s).buttons] == []
    with pytest.raises(InvalidChoice):
        next_step(start(UNTRACKED), "r_no_track")
    with pytest.raises(InvalidChoice):
        set_amount(start(UNTRACKED), 3)


def test_next_step_does_not_mutate_its_input() -> None:
    s = start(UNTRACKED)
    before = s.to_dict()
    walk(s, "recv_no", "r_late")
    assert s.to_dict() == before


def test_state_round_trips_through_json() -> None:
    s = walk(start(UNTRACKED, parcel_id=42), "recv_yes", "p_quality", "keep")
    s = set_amount(s, 5.5)
    data = json.loads(json.dumps(s.to_dict()))
    again = DisputeState.from_dict(data)
    assert again == s
    assert walk(again, BACK).current is Step.AMOUNT


def test_timer_step_offers_extension_first() -> None:
    s = start(Facts(protection_days_left=6, tracking=Tracking.MOVING, track_number="RB1CN"))
    assert s.current is Step.TIMER and suggested_choice(s) == "extend"
    ext = walk(s, "extend")
    letter = code_block(ext)
    assert ext.current is Step.EXTEND and letter is not None and "extend" in letter
    assert walk(ext, "open_anyway").current is Step.RECEIVED
    assert walk(ext, "finish").current is Step.DONE


@pytest.mark.parametrize(
    ("facts", "suggested", "after"),
    [
        (Facts(protection_days_left=-3), "fin_recent", Step.RECEIVED),
        (Facts(protection_days_left=-15), "fin_old", Step.SUPPORT),
        (Facts(protection_days_left=-1, order_finished_days_ago=20), "fin_old", Step.SUPPORT),
    ],
)
def test_d9_timer_over(facts: Facts, suggested: str, after: Step) -> None:
    s = start(facts)
    assert s.current is Step.EXPIRED and suggested_choice(s) == suggested
    assert walk(s, suggested).current is after


def test_d9_mentions_paypal() -> None:
    s = walk(start(Facts(protection_days_left=-30, paid_with_paypal=True)), "fin_old")
    assert "PayPal" in prompt(s) and "180 days" in prompt(s)


@pytest.mark.parametrize(
    ("code", "action"),
    [
        ("ci_accepted", Action.WAIT),
        ("ci_offer", Action.CHECK_OFFER),
        ("ci_refused", Action.DISPUTE_ESCALATE),
        ("ci_cancel", Action.DISPUTE_KEEP_OPEN),
        ("ci_silent", Action.DISPUTE_KEEP_OPEN),
    ],
)
def test_checkin_answers(code: str, action: Action) -> None:
    s = walk(start(UNTRACKED), "recv_no", "r_no_track", "full_refund", "ev_no")
    s = walk(s, "submitted", "checkin")
    assert s.current is Step.CHECKIN
    later = date(2026, 11, 6)
    out = next_step(s, code, today=later)
    if code == "ci_offer":
        assert out.current is Step.OFFER  # which amount? (the advice depends on it)
        out = next_step(out, "off_50", today=later)
    assert out.current is Step.OUTCOME
    advice = checkin_advice(out, later)
    assert advice.action is action
    if code == "ci_refused":
        assert advice.letter is not None and advice.letter.isascii()


def test_silent_before_five_days_means_keep_waiting() -> None:
    s = walk(start(UNTRACKED), "recv_no", "r_no_track", "full_refund", "ev_no")
    s = walk(s, "submitted", "checkin", "ci_silent")
    assert checkin_advice(s, date(2026, 11, 3)).action is Action.DISPUTE_WAIT_SELLER


def test_offer_amount_typed_at_checkin() -> None:
    s = start(Facts(dispute_open_days=3, price_usd=20))
    assert s.current is Step.CHECKIN
    s = set_amount(s, 0)
    assert s.current is Step.OUTCOME and s.checkin == SellerResponse.OFFER.value
    assert "trick" in checkin_advice(s, TODAY).why


def test_warnings_cover_the_brief() -> None:
    text = " ".join(warnings())
    for needle in ("Do not cancel", "Never cancel", "$0", "5 days"):
        assert needle in text


def test_choice_codes_are_callback_safe_and_labels_translate() -> None:
    for step, options in CHOICES.items():
        codes = [c.code for c in options]
        assert len(codes) == len(set(codes)), step
        for choice in options:
            assert choice.code.isascii() and len(choice.code) <= 20
            assert choice.code not in (BACK, CANCEL)
            assert translate(choice.label, "ru") != choice.label, choice.label


def test_every_step_is_reachable_and_renders() -> None:
    facts_list = [
        None,
        Facts(),
        UNTRACKED,
        Facts(protection_days_left=6, tracking=Tracking.MOVING),
        Facts(protection_days_left=-20, paid_with_paypal=True),
        Facts(dispute_open_days=1),
    ]
    seen: set[Step] = set()
    frontier = [start(f) for f in facts_list]
    while frontier:
        s = frontier.pop()
        if s.current in seen:
            continue
        seen.add(s.current)
        for lang in ("en", "ru"):
            with use_language(lang):
                view = step_view(s)
                assert view.text and "{" not in view.text
        if s.current is Step.PICK:
            frontier.append(pick_parcel(s, UNTRACKED))
        if s.current is Step.AMOUNT:
            frontier.append(set_amount(s, 3))
        if s.current is Step.TIMER_ASK:
            frontier.append(script.set_timer_days(s, 6))
        for c in choices(s):
            frontier.append(next_step(s, c.code, today=TODAY))
        frontier.append(next_step(s, CANCEL))
    # The warnings are part of the summary now; their own step is left for saved walk-throughs.
    assert seen == set(Step) - {Step.WARNINGS}
    old = DisputeState.from_dict({"step": "d8", "facts": UNTRACKED.to_dict()})
    assert step_view(old).items and walk(old, "submitted").current is Step.WAITING


def test_russian_texts_but_english_dispute_message() -> None:
    s = walk(start(UNTRACKED), "recv_no", "r_no_track", "full_refund", "ev_no")
    with use_language("ru"):
        assert "Нет" in prompt(s) and "No tracking information" in prompt(s)
        assert code_block(s, TODAY) == dispute_message(s, TODAY)
        assert (code_block(s, TODAY) or "").isascii()


def test_partial_share_without_a_known_total_is_written_as_a_percentage() -> None:
    state = script.start(Facts())
    for choice in ("t_unknown", "recv_yes", "p_quality", "keep", "amt_25"):
        state = script.next_step(state, choice)
    assert state.amount is None and state.share == 0.25
    assert "partial refund of 25% of the order total" in script.dispute_message(state)
    typed = script.set_amount(script.back(state), 3.5)
    assert typed.share is None and "partial refund of 3.50 USD" in script.dispute_message(typed)


@pytest.mark.parametrize(
    ("choice", "typed", "needle"),
    [
        ("off_0", None, "trick"),
        ("off_50", None, "50% of the order total"),
        ("off_full", None, "no return is demanded"),
        (None, 5.0, "25% of the order total"),
    ],
)
def test_offer_asks_the_amount_and_weighs_it_against_the_total(
    choice: str | None, typed: float | None, needle: str
) -> None:
    s = start(Facts(dispute_open_days=5, price_usd=20))
    s = next_step(s, "ci_offer")
    assert s.current is Step.OFFER and "$20" in prompt(s)
    s = next_step(s, choice) if choice else set_amount(s, typed or 0)
    assert s.current is Step.OUTCOME
    advice = checkin_advice(s, TODAY)
    assert advice.action is Action.CHECK_OFFER and needle in advice.why


def test_offer_without_a_known_total_only_offers_zero_or_typing() -> None:
    s = next_step(start(Facts(dispute_open_days=5)), "ci_offer")
    assert [c.code for c in choices(s)] == ["off_0"]
    assert "Type the sum" in prompt(s)
    assert "$7" in checkin_advice(set_amount(s, 7), TODAY).situation


def test_choice_meanings_come_from_the_one_table() -> None:
    """Each code is written once, in CHOICES; the lookups are derived from it."""
    from bot.core.advice.letters import DisputeReason, Problem
    from bot.core.dispute import AMOUNT_SHARES, OFFER_SHARES, PROBLEM_CHOICES, REASON_CHOICES

    assert set(REASON_CHOICES.values()) == set(DisputeReason)
    assert set(PROBLEM_CHOICES.values()) == set(Problem)
    assert AMOUNT_SHARES == {"amt_25": 0.25, "amt_50": 0.5, "amt_75": 0.75}
    assert OFFER_SHARES["off_0"] == 0.0 and OFFER_SHARES["off_full"] == 1.0
    assert [c.code for c in CHOICES[Step.REASON]] == list(REASON_CHOICES)


def test_one_reason_map_for_the_advice_and_the_dispute() -> None:
    """A dispute about a parcel tracking calls delivered is "not received" in both places."""
    from bot.core.advice.letters import DisputeReason
    from bot.core.advice.predicates import reason_for

    delivered = Facts(tracking=Tracking.DELIVERED)
    assert reason_for(delivered) is DisputeReason.NOT_RECEIVED
    state = pick_parcel(start(), delivered.replace(protection_days_left=30), 3)
    state = next_step(state, "recv_no")
    assert suggested_choice(state) == "r_not_recv"


def test_step_view_is_typed() -> None:
    s = next_step(start(UNTRACKED, parcel_id=1), "recv_no")
    view = step_view(s)
    assert view.step is Step.REASON and view.selected == "r_no_track"
    assert view.buttons[-2:] == (("back", "Back"), ("cancel", "Cancel")) and view.items == ()
    assert start(UNTRACKED, parcel_id=1).parcel_id == 1
    assert DisputeState.from_dict({"step": "d2", "parcel_id": "12"}).parcel_id == 12


def test_checkin_state_from_a_parcel_or_the_last_dispute() -> None:
    on_parcel = script.checkin(None, UNTRACKED, 4, 20.0, date(2026, 11, 1))
    assert (on_parcel.current, on_parcel.parcel_id, on_parcel.amount) == (Step.CHECKIN, 4, 20.0)
    assert script.checkin_due_in_days(on_parcel, date(2026, 11, 3)) == 3
    last = next_step(start(UNTRACKED), "recv_no")
    again = script.checkin(last)
    assert again.current is Step.CHECKIN and again.history == [] and again.facts == last.facts
    assert last.current is Step.REASON  # the kept state itself is not changed
    assert script.checkin(None).current is Step.CHECKIN
