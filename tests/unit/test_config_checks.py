"""The scheduler's batch size and the "Check now" deadline: defaults, overrides, bad values."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings


def test_defaults_keep_a_batch_small_and_give_a_check_four_seconds() -> None:
    settings = load_settings({}, dotenv=False)
    # 50: a batch's one transaction holds the database briefly (README, bot/config.py).
    assert settings.check_batch_size == 50
    assert settings.check_deadline_seconds == 4.0


def test_both_can_be_set() -> None:
    settings = load_settings(
        {"CHECK_BATCH_SIZE": "200", "CHECK_DEADLINE_SECONDS": "2.5"}, dotenv=False
    )
    assert (settings.check_batch_size, settings.check_deadline_seconds) == (200, 2.5)


@pytest.mark.parametrize("raw", ["0", "-1", "soon", "nan"])
def test_a_bad_deadline_names_the_variable(raw: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"CHECK_DEADLINE_SECONDS": raw}, dotenv=False)
    assert caught.value.variable == "CHECK_DEADLINE_SECONDS"
