"""Push texts (bot/watch/texts.py): what a reminder or an event push says, in both languages."""

from __future__ import annotations

from datetime import date

from bot.i18n import use_language
from bot.watch import texts
from bot.watch.message import Go

UTC_ZONE = texts.user_zone(None)
PAYLOAD = {"name": "Phone case", "days_left": 3, "deadline": "2026-12-01"}


def _protection(today: date, language: str = "en") -> str:
    with use_language(language):
        return texts.render(texts.KIND_PROTECTION, PAYLOAD, 1, UTC_ZONE, today).text


def test_protection_reminder_counts_days_on_the_day_it_is_sent() -> None:
    """QA: "ends in 0 days", a count frozen at queue time (quiet hours delay it), ISO dates."""
    assert "ends in 3 days (December 1, 2026)" in _protection(date(2026, 11, 28))
    assert "ends tomorrow (December 1, 2026)" in _protection(date(2026, 11, 30))
    assert "ends today (December 1, 2026)" in _protection(date(2026, 12, 1))
    assert "0 days" not in _protection(date(2026, 12, 1))
    over = _protection(date(2026, 12, 2))
    assert "has ended" in over and "extend protection" not in over


def test_protection_reminder_in_russian() -> None:
    assert "через 3 дня (1 декабря 2026\u202fг.)" in _protection(date(2026, 11, 28), "ru")
    assert "заканчивается завтра" in _protection(date(2026, 11, 30), "ru")
    assert "заканчивается сегодня" in _protection(date(2026, 12, 1), "ru")
    assert "2026-12-01" not in _protection(date(2026, 11, 28), "ru")


def test_events_push_says_new_status_only_when_it_moved() -> None:
    event = {"t": 1764200000, "loc": "Shenzhen", "desc": "Departed", "status": "in_transit"}
    base = {"name": "X", "status": "in_transit", "events": [event]}
    with use_language("ru"):
        same = texts.render(texts.KIND_EVENTS, base, 1, UTC_ZONE).text
        moved = texts.render(texts.KIND_EVENTS, {**base, "changed": True}, 1, UTC_ZONE).text
    assert "Новые события, статус прежний: в пути" in same and "Новый статус" not in same
    assert "Новый статус: в пути" in moved
    assert "26 нояб. 2025, 23:33" in same  # the user's zone (UTC when unset), Russian month


def test_push_buttons_are_intents_not_wire_formats() -> None:
    """The domain says what a button opens; handlers/notifications.py knows the callback data."""
    with use_language("en"):
        rows = texts.buttons(7)
    assert [[(b.go, b.parcel_id) for b in row] for row in rows] == [
        [(Go.TIMELINE, 7)],
        [(Go.WHAT_NOW, 7)],
    ]
    assert texts.buttons(None) == []


def _render(kind: str, payload: dict[str, object], now: int | None) -> str:
    with use_language("en"):
        return texts.render(kind, payload, 1, UTC_ZONE, None, now).text


def test_stall_alert_and_archive_notice_count_days_when_sent() -> None:
    """A row queued with "days" 7 and held for two days names 9, counted from "since"."""
    since, day = 1_800_000_000, 86400
    stall = {"name": "Lamp", "status": "in_transit", "days": 7, "since": since}
    assert "for 9 days" in _render(texts.KIND_STALL, stall, since + 9 * day + 5)
    archived = {"name": "Lamp", "reason": "silent", "days": 60, "since": since}
    assert "No news for 61 days" in _render(texts.KIND_ARCHIVED, archived, since + 61 * day)


def test_rows_queued_before_since_existed_keep_their_count() -> None:
    stall = {"name": "Lamp", "status": "in_transit", "days": 7}
    assert "for 7 days" in _render(texts.KIND_STALL, stall, 1_900_000_000)
    with_since = {**stall, "since": 1_800_000_000}
    assert "for 7 days" in _render(texts.KIND_STALL, with_since, None)  # no "now": as queued
