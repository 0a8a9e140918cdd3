"""Letters and dispute texts: English, ASCII only, every blank filled."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.core.advice import letters
from bot.core.advice.letters import DisputeReason, Problem, ascii_safe, dispute_text

TODAY = date(2026, 11, 1)
NUMBERS = [None, "LX299455986CN", "lх299455986cn", "Трек 123", "  RB 1234 5678 5CN\n"]


def check(text: str) -> None:
    assert text.isascii()
    assert not re.search(r"[{}]", text), text
    assert "None" not in text


@pytest.mark.parametrize("number", NUMBERS)
def test_seller_letters_are_ascii_and_filled(number: str | None) -> None:
    for text in (
        letters.letter_not_tracked(number, 12, TODAY),
        letters.letter_not_tracked(number),
        letters.letter_tracking_stopped(number, 9, TODAY),
        letters.letter_tracking_stopped(number, 9),
        letters.letter_tracking_stopped(number),
        letters.letter_customs(number, 25),
        letters.letter_customs(number),
        letters.letter_international_number(number),
        letters.letter_extend_protection(15, number),
        letters.letter_escalation(7),
        letters.letter_escalation(7, attached=True),
        letters.letter_escalation(),
    ):
        check(text)


@pytest.mark.parametrize("subject", [*DisputeReason, *Problem])
@pytest.mark.parametrize("number", NUMBERS)
def test_dispute_texts_are_ascii_and_filled(
    subject: DisputeReason | Problem, number: str | None
) -> None:
    for keep in (False, True):
        text = dispute_text(
            subject,
            track_number=number,
            days_since_shipped=20,
            seller_contacted_days_ago=6,
            amount=12.5,
            keep_item=keep,
            today=TODAY,
        )
        check(text)
        assert "12.50 USD" in text
    check(dispute_text(subject))


def test_dates_and_numbers_are_filled_in() -> None:
    text = letters.letter_tracking_stopped("lx299455986cn", 10, TODAY)
    assert "LX299455986CN" in text and "22 October 2026" in text
    text = dispute_text(
        DisputeReason.NO_TRACKING,
        track_number="LX299455986CN",
        days_since_shipped=15,
        seller_contacted_days_ago=5,
        amount=20,
        today=TODAY,
    )
    assert "LX299455986CN" in text
    assert "17 October 2026, 15 days ago" in text
    assert "wrote to the seller 5 days ago" in text
    assert "full refund of 20.00 USD" in text


def test_partial_refund_and_return() -> None:
    keep = dispute_text(Problem.DAMAGED, amount=4, keep_item=True)
    back = dispute_text(Problem.DAMAGED, amount=9)
    assert "partial refund of 4.00 USD" in keep
    assert "ship the item back within 10 days" in back


def test_ascii_safe() -> None:
    assert ascii_safe("Привет, Ёж") == "Privet, Ezh"
    assert ascii_safe("café\n№5 ✓") == "cafe No5"
    assert ascii_safe(None) == "None"
    assert ascii_safe("a\u200bb").isascii()
