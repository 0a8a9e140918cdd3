"""Reminders users asked for go out through the outbox, end to end: quiet hours, a blocked user,
Telegram's 429, exactly once across restarts. (Before, a separate job sent them directly: a
reminder due at 23:00 woke the user up.)"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.emulator.users import SimulatedUser
from bot.watch import reminders
from storage import ts
from tests.support.app import BotHarness

NUMBER = "RB123456785CN"


async def _user_with_reminder(
    bot: BotHarness,
    *,
    due_in: timedelta,
    kind: str = reminders.WHATNOW_CHECKIN,
    number: str = NUMBER,
) -> tuple[SimulatedUser, int]:
    """A known user, a parcel and a check-in on it due ``due_in`` from now (what the advice's
    "remind me" button schedules)."""
    user = bot.user()
    storage = bot.services.storage
    await storage.users.upsert_seen(user.id, user.id, "en")
    parcel = await storage.parcels.add(user.id, number, nickname="Lamp")
    payload = {"action": "write_seller", "days": 5} if kind == reminders.WHATNOW_CHECKIN else {}
    due = ts(bot.clock.now() + due_in)
    await storage.reminders.schedule(user.id, kind, due, payload, parcel_id=parcel.id)
    return user, parcel.id


async def send_tick(bot: BotHarness) -> None:
    """What the repeating send job does: due reminders join the outbox, then it is sent."""
    job_queue = bot.app.job_queue
    assert job_queue is not None
    (job,) = job_queue.get_jobs_by_name("send")
    await job.run(bot.app)


def _checkins(user: SimulatedUser, mark: int = 0) -> list[str]:
    return [m.text or "" for m in user.replies_since(mark) if "My advice about" in (m.text or "")]


async def test_reminder_due_in_quiet_hours_waits_for_the_morning(bot: BotHarness) -> None:
    # Now 12:00 UTC = 15:00 Moscow; due in 8 hours = 23:00 Moscow, inside 22:00-08:00.
    user, _pid = await _user_with_reminder(bot, due_in=timedelta(hours=8))
    storage = bot.services.storage
    await storage.users.set_timezone(user.id, "Europe/Moscow")
    await storage.users.set_quiet_hours(user.id, 22 * 60, 8 * 60)
    bot.clock.advance(hours=8, minutes=1)
    await send_tick(bot)
    assert _checkins(user) == []
    morning = datetime(2026, 11, 2, 5, 0, tzinfo=UTC)  # 08:00 Moscow
    (held,) = await storage.outbox.pending_for_user(user.id)
    assert held.not_before == ts(morning)
    bot.clock.set(morning - timedelta(minutes=1))
    await send_tick(bot)
    assert _checkins(user) == []
    bot.clock.set(morning)
    await send_tick(bot)
    await send_tick(bot)
    (checkin,) = _checkins(user)
    assert "My advice about “Lamp” was 5 days ago" in checkin


async def test_blocked_user_is_marked_and_the_reminder_not_sent(bot: BotHarness) -> None:
    user, pid = await _user_with_reminder(bot, due_in=timedelta(days=5))
    user.blocked = True  # Telegram answers 403
    bot.clock.advance(days=5, minutes=1)
    await send_tick(bot)
    storage = bot.services.storage
    profile = await storage.users.get(user.id)
    assert profile is not None and profile.is_blocked
    assert await storage.outbox.depth() == 0 and _checkins(user) == []
    # A reminder that comes due while the user is known to have blocked the bot is dropped,
    # not kept to surprise them weeks later.
    await storage.reminders.schedule(
        user.id, reminders.DISPUTE_CHECKIN, ts(bot.clock.now()), parcel_id=pid
    )
    await send_tick(bot)
    assert await storage.reminders.pending_for_parcel(pid) == []
    assert await storage.outbox.depth() == 0
    user.blocked = False
    await user.send("/start")  # back: nothing stale arrives
    await send_tick(bot)
    assert _checkins(user) == [] and not any("dispute" in (m.text or "") for m in user.messages)


async def test_429_on_a_reminder_is_retried(bot: BotHarness) -> None:
    user, _pid = await _user_with_reminder(bot, due_in=timedelta(days=5))
    bot.clock.advance(days=5, minutes=1)
    # More 429s in a row than the rate limiter retries by itself: the outbox takes over.
    bot.emulator.fail_next("sendMessage", status=429, retry_after=1, times=5)
    await send_tick(bot)
    assert _checkins(user) == []
    (row,) = await bot.services.storage.outbox.pending_for_user(user.id)
    assert row.last_error == "429" and row.attempts == 1
    assert row.not_before == ts(bot.clock.now()) + 2  # retry_after + 1
    await send_tick(bot)
    assert _checkins(user) == []
    bot.clock.advance(seconds=2)
    await send_tick(bot)
    assert len(_checkins(user)) == 1


async def test_each_reminder_is_delivered_once_across_a_restart(bot: BotHarness) -> None:
    user, _pid = await _user_with_reminder(bot, due_in=timedelta(days=5))
    await _user_with_reminder(
        bot, due_in=timedelta(days=5), kind=reminders.DISPUTE_CHECKIN, number="LP00123456789012"
    )
    bot.clock.advance(days=5, minutes=1)
    storage = bot.services.storage
    # Queued (and marked fired) in one transaction; stopped before the sender ran.
    assert await reminders.queue_due(storage, ts(bot.clock.now())) == 2
    assert await reminders.queue_due(storage, ts(bot.clock.now())) == 0
    await bot.restart()
    assert user.replies_since(0) == []
    await asyncio.gather(send_tick(bot), send_tick(bot))  # two sender ticks racing
    await send_tick(bot)
    await bot.restart()
    await send_tick(bot)
    texts = [m.text or "" for m in user.replies_since(0)]
    assert len(_checkins(user)) == 1
    assert sum("Did the seller answer your dispute about “Lamp”?" in t for t in texts) == 1
    assert len(texts) == 2
