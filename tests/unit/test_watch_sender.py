"""The outbox sender's rules (bot/watch/sender.py): quiet hours, back-off, what each answer from
Telegram does to a row, pacing; and a drain over a real SQLite file with a scripted deliverer
standing in for Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.watch import registry, reminders, sender, texts
from bot.watch.message import Go, Message, Moment
from bot.watch.sender import Delivery, Outcome, Step, quiet_until, retry_delay, verdict
from storage import Storage, User, ts

NOW = ts(datetime(2026, 11, 1, 12, 0, tzinfo=UTC))  # 15:00 in Moscow


def user(start: int | None, end: int | None, zone: str | None = "Europe/Moscow") -> User:
    return User(
        id=1, chat_id=1, language="en", timezone=zone, quiet_start=start, quiet_end=end,
        created_at=0, updated_at=0, blocked_at=None, last_seen_at=0,
    )  # fmt: skip


def test_quiet_hours_hold_until_their_end_in_the_users_zone() -> None:
    assert quiet_until(user(14 * 60, 16 * 60), NOW) == NOW + 3600  # 15:00 → 16:00 Moscow
    assert quiet_until(user(16 * 60, 18 * 60), NOW) is None
    assert quiet_until(user(14 * 60, 16 * 60, zone=None), NOW) is None  # 12:00 UTC
    assert quiet_until(user(None, None), NOW) is None
    assert quiet_until(user(8 * 60, 8 * 60), NOW) is None  # an empty window


def test_quiet_hours_across_midnight_end_the_next_morning() -> None:
    night = user(22 * 60, 8 * 60)
    late = ts(datetime(2026, 11, 1, 20, 30, tzinfo=UTC))  # 23:30 Moscow
    morning = ts(datetime(2026, 11, 2, 5, 0, tzinfo=UTC))  # 08:00 Moscow
    assert quiet_until(night, late) == morning
    assert quiet_until(night, morning - 60) == morning  # 07:59: still quiet
    assert quiet_until(night, morning) is None


def test_quiet_hours_end_on_the_wall_clock_across_a_dst_change() -> None:
    berlin = user(0, 8 * 60, zone="Europe/Berlin")
    before = ts(datetime(2026, 10, 24, 23, 30, tzinfo=UTC))  # 01:30 CEST, Oct 25 (DST ends)
    assert quiet_until(berlin, before) == ts(datetime(2026, 10, 25, 7, 0, tzinfo=UTC))  # 08:00 CET


def test_back_off_doubles_from_30_seconds_up_to_an_hour() -> None:
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(20) == sender.RETRY_CAP == 3600
    assert retry_delay(0) == 30


@pytest.mark.parametrize(
    ("delivery", "step", "error", "reason"),
    [
        (Delivery(Outcome.SENT), Step.SENT, None, ""),
        (Delivery(Outcome.BLOCKED, "bot was blocked"), Step.FAILED,
         "forbidden: bot was blocked", "blocked"),
        (Delivery(Outcome.CHAT_NOT_FOUND, "Chat not found"), Step.FAILED,
         "chat_not_found: Chat not found", "chat_not_found"),
        (Delivery(Outcome.BAD_REQUEST, "Can't parse entities: x"), Step.FAILED,
         "bad_request: Can't parse entities: x", "unparsable"),
        (Delivery(Outcome.BAD_REQUEST, "message is too long"), Step.FAILED,
         "bad_request: message is too long", "bad_request"),
        (Delivery(Outcome.TRANSIENT, "TimedOut: x"), Step.RETRY, "TimedOut: x", "retry"),
        (Delivery(Outcome.UNEXPECTED, "KeyError: 1"), Step.RETRY, "KeyError: 1", "retry"),
    ],
)  # fmt: skip
def test_each_answer_decides_the_row(
    delivery: Delivery, step: Step, error: str | None, reason: str
) -> None:
    got = verdict(delivery, 1, NOW)
    assert (got.step, got.error, got.reason) == (step, error, reason)
    assert got.block_user == (delivery.outcome is Outcome.BLOCKED)
    if step is Step.RETRY:
        assert got.not_before == NOW + 30


def test_429_waits_what_telegram_says_and_5xx_gives_up_after_max_attempts() -> None:
    limited = verdict(Delivery(Outcome.RATE_LIMITED, "flood", 40.0), 1, NOW)
    assert (limited.step, limited.not_before, limited.error) == (Step.RETRY, NOW + 41, "429")
    assert verdict(Delivery(Outcome.RATE_LIMITED, "", 40.0), 99, NOW).step is Step.RETRY
    last = verdict(Delivery(Outcome.TRANSIENT, "502"), sender.MAX_ATTEMPTS, NOW)
    assert (last.step, last.error, last.reason) == (Step.FAILED, "gave up: 502", "gave_up")
    before = verdict(Delivery(Outcome.TRANSIENT, "502"), sender.MAX_ATTEMPTS - 1, NOW)
    assert before.step is Step.RETRY


def test_pacer_spaces_sends_evenly() -> None:
    pacer = sender.Pacer(4.0)
    assert [pacer.slot(10.0) for _ in range(3)] == [10.0, 10.25, 10.5]
    assert pacer.slot(20.0) == 20.0  # idle in between: no debt carried
    unpaced = sender.Pacer(None)
    assert [unpaced.slot(1.0) for _ in range(2)] == [1.0, 1.0]


# --- a drain over a real database -------------------------------------------------------------


class Telegram:
    """Stands in for the Bot API: answers each send with the next scripted delivery."""

    def __init__(self, *answers: Delivery) -> None:
        self.answers = list(answers)
        self.sent: list[tuple[int, Message]] = []

    async def __call__(self, chat_id: int, message: Message) -> Delivery:
        self.sent.append((chat_id, message))
        return self.answers.pop(0) if self.answers else Delivery(Outcome.SENT)


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "bot.sqlite")
    await store.users.upsert_seen(1, 1, "en", now=NOW)
    yield store
    await store.close()


async def _reminder_row(storage: Storage, clock: ManualClock) -> int:
    """A whatnow check-in about a parcel, due now, queued the way the send job queues it."""
    parcel = await storage.parcels.add(1, "RB123456785CN", nickname="Lamp")
    await storage.reminders.schedule(
        1, reminders.WHATNOW_CHECKIN, NOW, {"action": "write_seller", "days": 5},
        parcel_id=parcel.id, now=NOW - 5 * 86400,
    )  # fmt: skip
    assert await reminders.queue_due(storage, ts(clock.now())) == 1
    (item,) = await storage.outbox.pending_for_user(1)
    return item.id


async def test_drain_renders_in_the_users_language_with_intents(storage: Storage) -> None:
    clock = ManualClock()
    await _reminder_row(storage, clock)
    await storage.users.set_language(1, "ru")
    telegram = Telegram()
    stats = await sender.drain(storage, clock, telegram, rate=None)
    assert stats.sent == 1
    ((chat, message),) = telegram.sent
    assert chat == 1 and "Продавец ответил?" in message.text and "Lamp" in message.text
    assert [b.go for row in message.rows for b in row] == [Go.SELLER_SILENT, Go.WHAT_NOW]
    assert await storage.outbox.depth() == 0


async def test_drain_blocked_user_is_marked_and_the_row_dropped(storage: Storage) -> None:
    clock = ManualClock()
    item = await _reminder_row(storage, clock)
    stats = await sender.drain(storage, clock, Telegram(Delivery(Outcome.BLOCKED, "blocked")))
    assert stats.blocked == 1 and stats.sent == 0
    profile = await storage.users.get(1)
    assert profile is not None and profile.is_blocked
    row = await storage.outbox.get(item)
    assert row is not None and row.failed_at is not None and row.sent_at is None


async def test_drain_429_reschedules_after_retry_after(storage: Storage) -> None:
    clock = ManualClock()
    item = await _reminder_row(storage, clock)
    telegram = Telegram(Delivery(Outcome.RATE_LIMITED, "flood", 40.0))
    assert (await sender.drain(storage, clock, telegram)).retried == 1
    row = await storage.outbox.get(item)
    assert row is not None and row.not_before == NOW + 41 and row.last_error == "429"
    assert (await sender.drain(storage, clock, telegram)).sent == 0  # not yet
    clock.advance(seconds=41)
    assert (await sender.drain(storage, clock, telegram)).sent == 1
    assert len(telegram.sent) == 2


async def test_drain_holds_through_quiet_hours_without_calling_telegram(storage: Storage) -> None:
    clock = ManualClock()
    item = await _reminder_row(storage, clock)
    await storage.users.set_timezone(1, "Europe/Moscow")
    await storage.users.set_quiet_hours(1, 14 * 60, 16 * 60)
    telegram = Telegram()
    assert (await sender.drain(storage, clock, telegram)).held == 1
    row = await storage.outbox.get(item)
    assert row is not None and row.not_before == NOW + 3600 and telegram.sent == []


def test_unknown_kinds_render_their_text_and_old_watch_kinds_still_render() -> None:
    at = Moment(texts.user_zone(None))
    unknown = registry.render("event", {"text": "a <b>"}, None, at)
    assert unknown.text.endswith("\na &lt;b&gt;") and unknown.rows == []
    status = registry.render(texts.KIND_STATUS, {"name": "Lamp", "status": "delivered"}, 3, at)
    assert "Lamp" in status.text and status.rows[0][0].go is Go.TIMELINE
