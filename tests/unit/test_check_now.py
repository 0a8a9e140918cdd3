"""The "check now" rate limit (bot/core/check_now.py)."""

from __future__ import annotations

from bot.core.check_now import CHECK_EVERY, manual_check

NOW = 1_800_000_000


def test_first_press_is_allowed_and_remembered() -> None:
    decision = manual_check({}, 7, NOW)
    assert decision.allowed and decision.checked == {"7": NOW}


def test_a_second_press_waits_whole_minutes_rounded_up() -> None:
    checked = {"7": NOW}
    assert manual_check(checked, 7, NOW + 1).wait_minutes == 5
    assert manual_check(checked, 7, NOW + 60).wait_minutes == 4
    assert manual_check(checked, 7, NOW + CHECK_EVERY - 1).wait_minutes == 1
    refused = manual_check(checked, 7, NOW + 10)
    assert not refused.allowed and refused.checked == checked  # a refusal records nothing
    assert manual_check(checked, 7, NOW + CHECK_EVERY).allowed


def test_other_parcels_are_not_limited_and_old_presses_are_dropped() -> None:
    checked = {"7": NOW, "8": NOW - CHECK_EVERY, "9": NOW + 3600}  # 9: the clock went back
    decision = manual_check(checked, 10, NOW)
    assert decision.allowed and decision.checked == {"7": NOW, "10": NOW}
    assert manual_check(checked, 9, NOW).allowed
