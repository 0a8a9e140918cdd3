"""Push texts (bot/watch/texts.py): what a reminder or an event push says, in both languages."""

from __future__ import annotations

from datetime import date

from bot.core.advice import Action, Facts, Tracking, advise
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


def _protection_payload(today: date, status: str | None = None) -> str:
    payload = {**PAYLOAD, **({"status": status} if status else {})}
    return texts.render(texts.KIND_PROTECTION, payload, 1, UTC_ZONE, today).text


def test_protection_push_and_the_advice_name_the_same_first_step() -> None:
    """QA A5: at 3 days left the push said "ask the seller to extend", the advice "open a
    dispute now". Both now follow bot.core.advice.deadline.timer_step."""
    deadline = date(2026, 12, 1)
    # 3 days left (and the day before / after the 5-day boundary): the dispute, not the seller.
    for today, extend in (
        (date(2026, 11, 24), True),  # 7 left
        (date(2026, 11, 26), True),  # 5 left
        (date(2026, 11, 27), False),  # 4 left
        (date(2026, 11, 28), False),  # 3 left
    ):
        text = _protection_payload(today, "in_transit")
        left = (deadline - today).days
        advice = advise(Facts(tracking=Tracking.MOVING, protection_days_left=left), today=today)
        if extend:
            assert "ask the seller to extend protection today" in text
            assert advice.action is Action.EXTEND_PROTECTION
        else:
            assert "Open a dispute now" in text and "ask the seller to extend" not in text
            assert advice.action is Action.OPEN_DISPUTE
    # 6 days left but nothing found in tracking: no time to wait for an extension.
    assert "Open a dispute now" in _protection_payload(date(2026, 11, 25), "not_found")
    assert (
        advise(Facts(tracking=Tracking.NOT_FOUND, protection_days_left=6)).action
        is Action.OPEN_DISPUTE
    )
    with use_language("ru"):
        ru = _protection_payload(date(2026, 11, 28))
    assert "Откройте спор сейчас" in ru and "продлить защиту или" not in ru


def test_protection_push_for_a_parcel_only_seen_in_china_says_dispute() -> None:
    # 6 days left, tracking only inside China: the advice says open a dispute; so does the push.
    text = _protection_payload(date(2026, 11, 25), "info_received")
    assert "Open a dispute now" in text
    assert (
        advise(Facts(tracking=Tracking.ORIGIN_ONLY, protection_days_left=6)).action
        is Action.OPEN_DISPUTE
    )
