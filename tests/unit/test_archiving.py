"""Archiving asks about the protection-timer reminders only while they have something to say."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.core.archiving import asks_to_keep_timer

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("deadline", "asks"),
    [
        (TODAY - timedelta(days=1), False),  # over yesterday: nothing to remind of
        (TODAY, True),  # ends today: still worth the last reminder
        (TODAY + timedelta(days=1), True),
        (TODAY + timedelta(days=90), True),
        (None, False),  # timer unknown: there are no reminders to keep
    ],
)
def test_around_the_deadline(deadline: date | None, asks: bool) -> None:
    assert asks_to_keep_timer("in_transit", deadline, TODAY) is asks


@pytest.mark.parametrize(
    ("status", "asks"),
    [
        ("not_found", True),
        ("in_customs", True),
        ("returning", True),  # on its way back: the refund still needs the timer
        ("delivered", False),
        ("returned", False),
    ],
)
def test_by_status(status: str, asks: bool) -> None:
    assert asks_to_keep_timer(status, TODAY + timedelta(days=10), TODAY) is asks
