"""The coach's push (bot/watch/coach.py): one line per step, buttons by what the step asks."""

from __future__ import annotations

from datetime import date

from bot.i18n import use_language
from bot.watch import coach, registry
from bot.watch.message import Go, Moment
from bot.watch.texts import user_zone

AT = Moment(user_zone(None), date(2026, 12, 20), 0)


def test_write_seller_step_offers_the_letter_and_what_happened() -> None:
    payload = {"name": "Lamp", "rule": "untracked_write_seller", "action": "write_seller",
               "letter": True}  # fmt: skip
    message = registry.render(coach.KIND_COACH, payload, 7, AT)
    assert message.text.splitlines() == [
        "🧭 <b>Next step for “Lamp”</b>",
        "Still no tracking after 10 days: time to write to the seller. The letter is ready.",
    ]
    gos = [(b.go, b.arg) for row in message.rows for b in row]
    assert gos == [
        (Go.COACH_LETTER, None),
        (Go.COACH_DID, coach.Did.WROTE),
        (Go.COACH_DID, coach.Did.ANSWERED),
        (Go.COACH_DID, coach.Did.REFUSED),
        (Go.WHAT_NOW, None),
        (Go.TIMELINE, None),
        (Go.COACH_DID, coach.Did.OFF),
    ]


def test_assumed_timer_step_names_the_date_in_russian() -> None:
    payload = {"name": "<Лампа>", "rule": "timer_assumed_near", "action": "check_timer",
               "letter": True, "deadline": "2026-12-23", "window": 60}  # fmt: skip
    with use_language("ru"):
        text = registry.render(coach.KIND_COACH, payload, 7, AT).text
    assert "«&lt;Лампа&gt;»" in text
    assert "Таймер защиты, возможно, скоро закончится" in text
    assert "обычный таймер на 60 дней, он закончится примерно 23 дек." in text
    gos = [b.go for row in registry.render(coach.KIND_COACH, payload, 7, AT).rows for b in row]
    assert Go.COACH_DID in gos and Go.COACH_LETTER in gos


def test_every_coached_rule_has_a_line() -> None:
    from bot.core.advice import RULE_NAMES

    assert set(RULE_NAMES) >= coach.COACH_RULES


def test_the_coach_runs_at_most_hourly() -> None:
    assert coach.due(None, 1_000)
    assert not coach.due(1_000, 1_000 + coach.EVERY - 1)
    assert coach.due(1_000, 1_000 + coach.EVERY)
    assert coach.due(5_000, 1_000)  # a clock set back (tests, a restored backup): run again
