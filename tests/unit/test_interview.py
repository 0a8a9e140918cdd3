"""The "what now?" interview: which question comes next and what an answer changes."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from bot.core.advice import Facts, advise
from bot.core.advice.interview import (
    CODES,
    MAX_QUESTIONS,
    NAMES,
    Change,
    Interview,
    claims,
    is_skip,
    typed_answer,
)
from bot.core.advice.parcel_facts import NO_ANSWERS, NoAnswers

TODAY = date(2026, 11, 20)


def ask_all(interview: Interview, facts: Facts, answers: NoAnswers = NO_ANSWERS) -> list[str]:
    """Every question of one round, each skipped."""
    asked = []
    while (name := interview.next_question(facts, advise(facts, today=TODAY), answers)) is not None:
        asked.append(name)
        interview.asking = name
        interview.take(name, "skip", TODAY, answers)
    return asked


def test_at_most_three_questions_and_codes_round_trip() -> None:
    assert len(ask_all(Interview(), Facts())) == MAX_QUESTIONS
    assert all(NAMES[code] == name for name, code in CODES.items())


def test_timer_over_asks_when_the_order_finished_first() -> None:
    facts = Facts(timer_over=True)
    advice = advise(facts, today=TODAY)
    assert "order_finished_days_ago" in advice.missing
    assert Interview().next_question(facts, advice) == "order_finished_days_ago"


def test_a_parcel_asked_once_is_answered_at_once_next_time() -> None:
    facts = Facts(track_number="RB123456785CN")
    advice = advise(facts, today=TODAY)
    first = Interview(parcel_id=7)
    assert first.next_question(facts, advice) is not None
    done = NoAnswers(round_done=True)
    assert Interview(parcel_id=7).next_question(facts, advice, done) is None
    # Within a round that already asked something, questions go on.
    going = Interview(parcel_id=7, asked=["tracking"])
    assert going.next_question(facts, advice, done) is not None


def test_questions_asked_before_and_the_number_format_of_a_parcel_are_skipped() -> None:
    facts = Facts()
    advice = advise(facts, today=TODAY)
    asked = NoAnswers(asked=tuple(advice.missing[:2]))
    name = Interview(parcel_id=7).next_question(facts, advice, asked)
    assert name not in asked.asked and name != "number_format"


def test_finish_marks_the_round_done_only_for_a_parcel_that_was_asked() -> None:
    done = Change(answers={"round_done": True})
    assert Interview(parcel_id=7, asked=["tracking"]).finish() == done
    assert Interview(parcel_id=7).finish() == Change()
    assert Interview(asked=["tracking"]).finish() == Change()


AGO = {n: TODAY - timedelta(days=n) for n in (0, 2, 4, 6, 30)}


@pytest.mark.parametrize(
    ("name", "raw", "fact", "columns", "answers"),
    [
        ("tracking", "stalled", ("tracking", "stalled"), {}, {"tracking": "stalled"}),
        (
            "protection_days_left",
            "over",
            ("timer_over", True),
            {},
            {"timer_over": True},
        ),
        (
            "protection_days_left",
            "6.0",
            ("protection_days_left", 6),
            {"protection_deadline": TODAY + timedelta(days=6)},
            {},
        ),
        (
            "price_usd",
            "7.5",
            ("price_usd", 7.5),
            {"price_amount": 7.5, "price_currency": "USD"},
            {},
        ),
        ("seller_contacted", "no", ("seller_contacted", False), {}, {"seller_contacted": False}),
        (
            "seller_contacted",
            "2",
            ("seller_contacted_days_ago", 2),
            {"seller_contacted_on": AGO[2]},
            {},
        ),
        (
            "dispute_open",
            "6",
            ("dispute_open_days", 6),
            {"dispute_opened_on": AGO[6], "dispute_status": "open"},
            {},
        ),
        ("stalled_days", "4", ("stalled_days", 4), {}, {"quiet_since": AGO[4]}),
        (
            "order_finished_days_ago",
            "30",
            ("order_finished_days_ago", 30),
            {"protection_deadline": AGO[30]},
            {},
        ),
        ("days_since_shipped", "-3", ("days_since_shipped", 0), {"shipped_on": AGO[0]}, {}),
        ("paid_with_paypal", "yes", ("paid_with_paypal", True), {}, {"paid_with_paypal": True}),
        ("offer_amount", "2.499", ("offer_amount", 2.5), {}, {"offer_amount": 2.5}),
        ("seller_response", "refused", ("seller_response", "refused"),
         {"seller_response": "refused"}, {}),
    ],
)  # fmt: skip
def test_each_answer_is_a_change_on_the_parcel(
    name: str,
    raw: str,
    fact: tuple[str, Any],
    columns: dict[str, Any],
    answers: dict[str, Any],
) -> None:
    interview = Interview(parcel_id=7, asking=name)
    change = interview.take(name, raw, TODAY, NoAnswers(asked=("price_usd",)))
    asked = tuple(sorted({"price_usd", name}))
    assert change == Change(columns=columns, answers={"asked": asked, **answers})
    assert interview.facts == {}  # on the parcel, not in the session
    assert interview.asked == [name] and interview.asking is None
    # Without a parcel the same answer is a fact of this round only.
    alone = Interview(asking=name)
    assert alone.take(name, raw, TODAY) == Change()
    assert alone.facts[fact[0]] == fact[1]


def test_without_a_parcel_answers_stay_in_the_round() -> None:
    interview = Interview(asking="order_finished_days_ago")
    assert interview.take("order_finished_days_ago", "20", TODAY) == Change()
    assert interview.facts["order_finished_days_ago"] == 20
    interview.take("number_format", "ua671580905ru ", TODAY)
    assert Facts.from_dict(interview.facts).track_number == "ua671580905ru"
    assert interview.facts["number_format"] == "origin_only"


def test_odd_and_skipped_answers_change_nothing_but_count_as_asked() -> None:
    interview = Interview(parcel_id=7)
    odd = interview.take("tracking", "teleported", TODAY)
    assert odd == Change(answers={"asked": ("tracking",)})
    assert interview.take("price_usd", "skip", TODAY).columns == {}
    assert interview.facts == {} and interview.asked == ["tracking", "price_usd"]


@pytest.mark.parametrize(
    ("name", "text", "claimed", "answer"),
    [
        ("price_usd", "$5", True, "5.0"),
        ("stalled_days", "12 дней", True, "12.0"),
        ("tracking", "12", True, None),  # not an answer: claimed, to ask again
        ("tracking", "не знаю", True, "skip"),
        ("number_format", "RB123456785CN", True, "RB123456785CN"),
        ("price_usd", "RB123456785CN", False, None),  # a number to explain
        ("price_usd", "how do I open a dispute?", False, None),  # a question of its own
        ("price_usd", "/start", False, None),
    ],
)
def test_typed_text(name: str, text: str, claimed: bool, answer: str | None) -> None:
    assert claims(name, text) is claimed
    if claimed:
        assert typed_answer(name, text) == answer


def test_skip_words() -> None:
    assert is_skip("Не знаю!") and is_skip(" skip. ") and not is_skip("no")
