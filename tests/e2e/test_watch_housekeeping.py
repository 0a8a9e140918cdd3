"""The watch job's housekeeping and the timing of alerts, end to end.

17TRACK numbers whose parcels are all archived are stopped there; old outbox rows are purged
hourly; protection reminders go out on the user's local date, in their morning; stall alerts
count their days when sent.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from bot.emulator.users import SimulatedUser
from bot.watch.registrations import TRACK17
from storage import ts
from tests.fakes.tracking_servers import FakeEvent

if TYPE_CHECKING:
    from tests.support.app import BotHarness
    from tests.support.tracking import TrackedBot

UPS = "1Z999AA10123456784"  # not a Chinese shape: 17TRACK is asked first
NUMBER = "LP00068434402473"


def bot_texts(user: SimulatedUser) -> list[str]:
    return [m.text or "" for m in user.messages if m.from_bot]


async def run_job(bot: BotHarness) -> None:
    job_queue = bot.app.job_queue
    assert job_queue is not None
    (job,) = job_queue.get_jobs_by_name("watch")
    await job.run(bot.app)


async def _registered_then_archived(t: TrackedBot) -> tuple[SimulatedUser, int]:
    now = t.bot.clock.now()
    t.track17.set_events(UPS, [FakeEvent(now - timedelta(hours=3), "Departed", "PickedUp")])
    user = await t.user()
    parcel = await t.add_parcel(user.id, UPS)
    await run_job(t.bot)
    registrations = t.bot.services.storage.registrations
    assert await registrations.is_registered(TRACK17, UPS)
    assert await registrations.orphans(TRACK17) == []  # an active parcel needs it
    assert await t.bot.services.storage.parcels.archive(user.id, parcel.id)
    return user, parcel.id


async def test_archived_parcels_number_is_stopped_at_17track_once(tracked: TrackedBot) -> None:
    t = tracked
    await _registered_then_archived(t)
    assert t.track17.calls("stoptrack") == []
    await run_job(t.bot)
    assert t.track17.stopped == {UPS}
    reg = await t.bot.services.storage.registrations.get(TRACK17, UPS)
    assert reg is not None and reg.stopped_at is not None
    await run_job(t.bot)
    assert len(t.track17.calls("stoptrack")) == 1  # stopped numbers are not asked again


async def test_deleted_parcels_number_is_stopped_too(tracked: TrackedBot) -> None:
    t = tracked
    user, pid = await _registered_then_archived(t)
    await t.bot.services.storage.parcels.unarchive(user.id, pid)
    assert await t.bot.services.storage.parcels.delete(user.id, pid)
    await run_job(t.bot)
    assert t.track17.stopped == {UPS}


async def test_stoptrack_failure_is_retried_next_tick(tracked: TrackedBot) -> None:
    t = tracked
    await _registered_then_archived(t)
    t.track17.request_error = (-1, "server busy")
    await run_job(t.bot)  # logged, the job goes on
    assert t.track17.stopped == set()
    assert await t.bot.services.storage.registrations.orphans(TRACK17) == [UPS]
    t.track17.request_error = None
    await run_job(t.bot)
    assert t.track17.stopped == {UPS}
    assert await t.bot.services.storage.registrations.orphans(TRACK17) == []


async def test_orphans_are_stopped_in_batches_of_40(tracked: TrackedBot) -> None:
    t = tracked
    registrations = t.bot.services.storage.registrations
    numbers = [f"1Z999AA1{i:010d}" for i in range(45)]
    for n in numbers:  # registered earlier for parcels since deleted
        t.track17.registered.add(n)
        await registrations.mark_registered(TRACK17, n)
    await run_job(t.bot)
    assert len(t.track17.calls("stoptrack")) == 2
    assert t.track17.stopped == set(numbers)
    assert await registrations.orphans(TRACK17) == []


async def test_without_17track_orphans_are_left_alone(bot: BotHarness) -> None:
    registrations = bot.services.storage.registrations
    await registrations.mark_registered(TRACK17, UPS)
    assert not bot.services.tracking.track17_configured
    await run_job(bot)
    assert await registrations.orphans(TRACK17) == [UPS]


async def test_sent_and_failed_outbox_rows_are_purged_hourly(tracked: TrackedBot) -> None:
    t = tracked
    user = await t.user()
    outbox = t.bot.services.storage.outbox
    now = ts(t.bot.clock.now())
    day = 86400

    async def row(key: str, sent: int | None, failed: int | None = None) -> int:
        item = await outbox.enqueue(user.id, "watch.status", {}, dedupe_key=key, now=now - 30 * day)
        assert item is not None
        if sent is not None:
            await outbox.mark_sent(item, now=sent)
        if failed is not None:
            await outbox.mark_failed(item, "bad request", now=failed)
        return item

    old_sent = await row("a", now - 15 * day)
    old_failed = await row("b", None, now - 20 * day)
    recent = await row("c", now - 2 * day)
    await run_job(t.bot)
    assert await outbox.get(old_sent) is None and await outbox.get(old_failed) is None
    assert await outbox.get(recent) is not None

    later = await row("d", now - 15 * day)
    t.bot.clock.advance(minutes=30)
    await run_job(t.bot)
    assert await outbox.get(later) is not None  # at most once an hour
    t.bot.clock.advance(minutes=31)
    await run_job(t.bot)
    assert await outbox.get(later) is None


async def _parcel_with_deadline(t: TrackedBot, timezone: str, deadline: date) -> SimulatedUser:
    now = t.bot.clock.now()
    t.cainiao.set_events(NUMBER, [FakeEvent(now - timedelta(hours=2), "Departed", "LH_DEPART")])
    user = await t.user(timezone=timezone)
    parcel = await t.add_parcel(user.id, NUMBER)
    await t.tick()
    await t.bot.services.storage.parcels.update_facts(
        user.id, parcel.id, protection_deadline=deadline
    )
    return user


def _reminders(user: SimulatedUser, mark: int) -> list[str]:
    return [m.text or "" for m in user.replies_since(mark) if "Buyer protection" in (m.text or "")]


async def test_protection_reminder_on_the_users_date_in_their_morning(tracked: TrackedBot) -> None:
    """Auckland (UTC+13): at 12:00 UTC on Nov 1 it is already Nov 2 there. A deadline of Nov 9
    is 7 days away for the user though 8 for UTC; the reminder comes at 10:00 their time."""
    t = tracked
    assert t.bot.clock.now().isoformat() == "2026-11-01T12:00:00+00:00"  # 01:00 Nov 2 local
    user = await _parcel_with_deadline(t, "Pacific/Auckland", date(2026, 11, 9))
    mark = user.mark()
    await t.tick()
    t.bot.clock.advance(hours=8, minutes=59)  # 09:59 local
    await t.tick()
    assert _reminders(user, mark) == []
    t.bot.clock.advance(minutes=2)  # 10:01 local
    await t.tick()
    await t.tick()
    (reminder,) = _reminders(user, mark)
    assert "ends in 7 days (November 9, 2026)" in reminder


async def test_protection_reminder_not_a_day_early_west_of_utc(tracked: TrackedBot) -> None:
    """Los Angeles (UTC-8): at 02:00 UTC on Nov 2 it is still Nov 1 there, 8 days before a
    Nov 9 deadline: by UTC's date the 7-day reminder would come a day early."""
    t = tracked
    t.bot.clock.advance(hours=14)  # 2026-11-02 02:00 UTC = Nov 1, 18:00 local
    user = await _parcel_with_deadline(t, "America/Los_Angeles", date(2026, 11, 9))
    mark = user.mark()
    await t.tick()
    t.bot.clock.advance(hours=15, minutes=59)  # Nov 2, 09:59 local
    await t.tick()
    assert _reminders(user, mark) == []
    t.bot.clock.advance(minutes=2)
    await t.tick()
    (reminder,) = _reminders(user, mark)
    assert "ends in 7 days" in reminder


async def test_stall_alert_counts_days_when_sent(tracked: TrackedBot) -> None:
    """Held by quiet hours across a day mark, the alert names the days at sending time."""
    t = tracked
    now = t.bot.clock.now()
    last = now - timedelta(days=1, hours=20)
    t.cainiao.set_events(
        NUMBER, [FakeEvent(last, "Import customs clearance started", "CC_IM_START")]
    )
    user = await t.user()
    await t.add_parcel(user.id, NUMBER)
    await t.tick()
    await t.bot.services.storage.users.set_quiet_hours(user.id, 11 * 60, 16 * 60)
    t.bot.clock.advance(days=7)  # 8 days 20 hours since the last event; 12:00 UTC, quiet
    mark = user.mark()
    await t.tick()
    assert user.replies_since(mark) == []
    t.bot.clock.advance(hours=4, minutes=1)  # 16:01: 9 days since the last event
    await t.drain()
    (alert,) = user.replies_since(mark)
    assert "No new tracking event for 9 days" in (alert.text or "")
