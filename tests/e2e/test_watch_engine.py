"""The watch engine end to end: fake vendors → pass → outbox → sender → emulator chat."""

from __future__ import annotations

import asyncio
from datetime import UTC, timedelta
from typing import TYPE_CHECKING

from babel.dates import format_datetime

from bot.emulator.users import SimulatedUser
from tests.fakes.tracking_servers import Fail, FakeEvent, RPOperation

if TYPE_CHECKING:
    from tests.support.tracking import TrackedBot


NUMBER = "LP00068434402473"
OTHER = "RB123456785CN"


def bot_texts(user: SimulatedUser) -> list[str]:
    return [m.text or "" for m in user.messages if m.from_bot]


async def _start_tracking(t: TrackedBot, number: str = NUMBER) -> tuple[SimulatedUser, int]:
    now = t.bot.clock.now()
    t.cainiao.set_events(
        number,
        [
            FakeEvent(
                now - timedelta(days=2), "Departed from sorting center", "SC_OUTBOUND_SUCCESS"
            ),
            FakeEvent(now - timedelta(days=3), "Order received by the warehouse", "GWMS_ACCEPT"),
        ],
    )
    user = await t.user()
    parcel = await t.add_parcel(user.id, number, nickname="Headphones <b>")
    return user, parcel.id


async def test_first_check_one_message_then_one_per_new_events(tracked: TrackedBot) -> None:
    t = tracked
    user, pid = await _start_tracking(t)
    stats, sent = await t.tick()
    assert stats.checked == 1 and stats.new_events == 2 and sent.sent == 1
    first = user.messages[-1]
    assert "Now tracking" in (first.text or "")
    assert "Headphones <b>" in (first.text or "")  # escaped on the wire, shown as text
    assert first.button_data("🕓 Timeline") == f"parcel:tlpush:{pid}"
    assert first.button_data("🧭 What should I do now?") == f"whatnow:p:{pid}"

    # Two new events between checks: ONE message naming both.
    now = t.bot.clock.advance(hours=9)
    t.cainiao.add_event(NUMBER, FakeEvent(now - timedelta(hours=5), "Departed", "LH_DEPART"))
    t.cainiao.add_event(
        NUMBER, FakeEvent(now - timedelta(hours=1), "Arrived at destination airport", "LH_ARRIVE")
    )
    mark = user.mark()
    stats, sent = await t.tick()
    assert stats.new_events == 2 and sent.sent == 1
    replies = user.replies_since(mark)
    assert len(replies) == 1
    # Both named by their codes' texts (bot.tracking.event_texts), not Cainiao's standard wording.
    assert "Arrived in the destination country" in (replies[0].text or "")
    assert "Left on the international flight" in (replies[0].text or "")

    # Nothing new: nothing sent.
    t.bot.clock.advance(hours=9)
    mark = user.mark()
    await t.tick()
    assert user.replies_since(mark) == []


async def test_reworded_and_reordered_history_is_not_news(tracked: TrackedBot) -> None:
    t = tracked
    user, _pid = await _start_tracking(t)
    await t.tick()
    t.cainiao.reword(NUMBER, 0, "Left the  SORTING centre (updated wording)")
    t.cainiao.reorder(NUMBER)
    t.cainiao.duplicate(NUMBER, 0)
    t.bot.clock.advance(hours=9)
    mark = user.mark()
    stats, _sent = await t.tick()
    assert stats.checked == 1 and stats.new_events == 0
    assert user.replies_since(mark) == []


async def test_old_event_discovered_late_is_stored_not_pushed(tracked: TrackedBot) -> None:
    t = tracked
    user, pid = await _start_tracking(t)
    await t.tick()
    now = t.bot.clock.advance(hours=9)
    # An event older than the last one announced shows up now (a carrier back-filling).
    t.cainiao.parcel(NUMBER).events.append(
        FakeEvent(now - timedelta(days=4), "Payment confirmed", "WMS_CONFIRMED")
    )
    mark = user.mark()
    stats, _ = await t.tick()
    assert stats.new_events == 1
    assert user.replies_since(mark) == []
    assert await t.bot.services.storage.events.count(pid) == 3


async def test_source_down_others_go_on_and_parcel_is_retried(tracked: TrackedBot) -> None:
    t = tracked
    user, pid = await _start_tracking(t)
    rpo = "12345678901234"  # domestic Russian number: Russian Post answers it
    now = t.bot.clock.now()
    t.russianpost.set_history(rpo, [RPOperation(now - timedelta(hours=3), 1, "Accepted")])
    rp_parcel = await t.add_parcel(user.id, rpo)
    t.cainiao.fail_always(Fail.CAPTCHA)
    t.track17.request_error = (-18010002, "down")
    stats, sent = await t.tick()
    assert stats.failed == 1 and stats.checked == 1
    assert sent.sent == 1  # Russian Post's parcel got its message
    failed = await t.bot.services.storage.parcels.get(pid)
    assert failed is not None and failed.check_failures == 1
    assert failed.next_check_at is not None and failed.next_check_at > failed.created_at
    ok = await t.bot.services.storage.parcels.get(rp_parcel.id)
    assert ok is not None and ok.check_failures == 0 and ok.status != "not_found"

    # The source comes back; after the back-off the parcel is checked and announced.
    t.cainiao.reset_failures()
    t.track17.request_error = None
    t.bot.clock.advance(hours=2)
    mark = user.mark()
    stats, sent = await t.tick()
    assert stats.checked == 1 and sent.sent == 1
    assert len(user.replies_since(mark)) == 1


async def test_restart_between_storing_and_sending_sends_once(tracked: TrackedBot) -> None:
    t = tracked
    user, _pid = await _start_tracking(t)
    stats = await t.run_pass()
    assert stats.pushes == 1
    await t.bot.restart()  # stopped before the sender ran
    assert bot_texts(user) == []
    sent = await t.drain()
    assert sent.sent == 1
    await t.bot.restart()
    assert (await t.drain()).sent == 0
    assert len(bot_texts(user)) == 1


async def test_blocked_user_pauses_checks_until_they_come_back(tracked: TrackedBot) -> None:
    t = tracked
    user, pid = await _start_tracking(t)
    user.blocked = True
    stats, sent = await t.tick()
    assert sent.blocked == 1 and sent.sent == 0
    storage = t.bot.services.storage
    profile = await storage.users.get(user.id)
    assert profile is not None and profile.is_blocked
    t.bot.clock.advance(days=1)
    stats, _ = await t.tick()
    assert stats.claimed == 0  # paused

    user.blocked = False
    await user.send("/start")  # writing to the bot unblocks it
    stats, _ = await t.tick()
    assert stats.claimed == 1
    parcel = await storage.parcels.get(pid)
    assert parcel is not None and parcel.last_checked_at is not None


async def test_quiet_hours_hold_the_push_until_they_end(tracked: TrackedBot) -> None:
    t = tracked
    user, _pid = await _start_tracking(t)
    storage = t.bot.services.storage
    await storage.users.set_timezone(user.id, "Europe/Moscow")  # 12:00 UTC = 15:00 Moscow
    await storage.users.set_quiet_hours(user.id, 14 * 60, 16 * 60)
    _stats, sent = await t.tick()
    assert sent.held == 1 and bot_texts(user) == []
    t.bot.clock.advance(minutes=30)
    assert (await t.drain()).sent == 0
    t.bot.clock.advance(minutes=31)  # 16:01 Moscow
    assert (await t.drain()).sent == 1
    assert len(bot_texts(user)) == 1


async def test_russian_user_gets_russian_text_and_moscow_time(tracked: TrackedBot) -> None:
    t = tracked
    now = t.bot.clock.now()
    t.cainiao.set_events(NUMBER, [FakeEvent(now - timedelta(hours=2), "Departed", "LH_DEPART")])
    user = await t.user(2002, language="ru", timezone="Europe/Moscow")
    await t.add_parcel(user.id, NUMBER)
    await t.tick()
    text = bot_texts(user)[-1]
    local = (now - timedelta(hours=2) + timedelta(hours=3)).strftime("%H:%M")
    assert local in text
    assert "Слежу за посылкой" in text


async def test_push_and_timeline_show_the_same_time_when_no_zone_is_set(
    tracked: TrackedBot,
) -> None:
    """QA: with no zone set, a Russian user's push said Moscow time while the timeline (and
    /settings: "times are in UTC") used UTC. One rule now: UTC until the user sets a zone."""
    t = tracked
    now = t.bot.clock.now()
    when = now - timedelta(hours=2)
    t.cainiao.set_events(NUMBER, [FakeEvent(when, "Departed", "LH_DEPART")])
    user = await t.user(2003, language="ru")
    await t.add_parcel(user.id, NUMBER)
    await t.tick()
    push = bot_texts(user)[-1]
    shown = format_datetime(when.astimezone(UTC), "d MMM y, HH:mm", locale="ru")  # as the card
    assert shown in push
    await user.press("🕓 История")
    texts = bot_texts(user)
    assert texts[-2] == push  # the push stays; the timeline comes below it
    assert "события отслеживания" in texts[-1] and shown in texts[-1]


async def test_buttons_of_a_push_answer_below_it(tracked: TrackedBot) -> None:
    """QA: "What should I do now?" on a push replaced the push's text with the first question."""
    t = tracked
    user, _pid = await _start_tracking(t)
    await t.tick()
    push = bot_texts(user)[-1]
    await user.press("🧭 What should I do now?")
    texts = bot_texts(user)
    assert push in texts and texts[-1] != push
    assert texts[0] == push  # still the push, not edited into the answer


async def test_same_status_events_do_not_claim_a_new_status(tracked: TrackedBot) -> None:
    """QA: every event push said "New status: in transit" though the status had not moved."""
    t = tracked
    user, _pid = await _start_tracking(t)
    await t.tick()
    now = t.bot.clock.advance(hours=9)
    t.cainiao.add_event(NUMBER, FakeEvent(now - timedelta(hours=1), "Departed", "LH_DEPART"))
    mark = user.mark()
    await t.tick()
    text = user.replies_since(mark)[-1].text
    assert "New events, same status: in transit" in text
    assert "New status" not in text


async def test_429_and_5xx_are_retried_400_dropped(tracked: TrackedBot) -> None:
    t = tracked
    user, _pid = await _start_tracking(t)
    await t.run_pass()
    t.bot.emulator.fail_next("sendMessage", status=500, times=10)
    sent = await t.drain()
    assert sent.retried == 1 and sent.sent == 0
    t.bot.emulator.clear_failures()
    t.bot.clock.advance(minutes=5)
    assert (await t.drain()).sent == 1
    assert len(bot_texts(user)) == 1


async def test_stall_alert_once_and_customs_wording(tracked: TrackedBot) -> None:
    t = tracked
    now = t.bot.clock.now()
    t.cainiao.set_events(
        NUMBER,
        [FakeEvent(now - timedelta(days=1), "Import customs clearance started", "CC_IM_START")],
    )
    user = await t.user()
    await t.add_parcel(user.id, NUMBER)
    await t.tick()
    t.bot.clock.advance(days=7)
    mark = user.mark()
    await t.tick()
    await t.tick()
    replies = user.replies_since(mark)
    assert len(replies) == 1
    assert "about 3 weeks" in (replies[0].text or "")


async def test_protection_reminders_7_and_3_days_each_once(tracked: TrackedBot) -> None:
    t = tracked
    user, pid = await _start_tracking(t)
    await t.tick()
    storage = t.bot.services.storage
    deadline = (t.bot.clock.now() + timedelta(days=10)).date()
    await storage.parcels.update_facts(user.id, pid, protection_deadline=deadline)
    mark = user.mark()
    await t.tick()
    assert user.replies_since(mark) == []
    t.bot.clock.advance(days=3)  # 7 days left
    await t.tick()
    await t.tick()
    t.bot.clock.advance(days=4)  # 3 days left
    await t.tick()
    await t.tick()
    replies = [
        m.text or "" for m in user.replies_since(mark) if "Buyer protection" in (m.text or "")
    ]
    assert len(replies) == 2
    assert "7 days" in replies[0] and "3 days" in replies[1]


async def test_repeating_jobs_run_pass_then_sender(tracked: TrackedBot) -> None:
    """Two jobs: the watch job checks and queues, the send job sends (a long Telegram wait in
    one never holds up the other)."""
    t = tracked
    user, _pid = await _start_tracking(t)
    job_queue = t.bot.app.job_queue
    assert job_queue is not None
    (watch,) = job_queue.get_jobs_by_name("watch")
    (send,) = job_queue.get_jobs_by_name("send")
    await watch.run(t.bot.app)
    assert t.bot.services.watcher.last_pass_at == t.bot.clock.now()
    assert bot_texts(user) == [] and await t.bot.services.storage.outbox.depth() == 1
    await send.run(t.bot.app)
    assert len(bot_texts(user)) == 1


async def test_checks_go_on_while_telegram_keeps_the_sender_waiting(tracked: TrackedBot) -> None:
    """Issue 14: one job did the pass and the sending, so while Telegram made the bot wait
    nothing was checked. The send job waits alone now."""
    t = tracked
    user, _pid = await _start_tracking(t)
    await t.run_pass()  # the first push is queued
    job_queue = t.bot.app.job_queue
    assert job_queue is not None
    (watch,) = job_queue.get_jobs_by_name("watch")
    (send,) = job_queue.get_jobs_by_name("send")
    t.bot.emulator.delay_next("sendMessage", 2.0)
    sending = asyncio.create_task(send.run(t.bot.app))
    for _ in range(150):  # until the sender is waiting for Telegram's answer
        if t.bot.emulator.calls("sendMessage"):
            break
        await asyncio.sleep(0.01)
    now = t.bot.clock.advance(hours=9)
    t.cainiao.add_event(NUMBER, FakeEvent(now - timedelta(hours=1), "Departed", "LH_DEPART"))
    queued = await t.bot.services.storage.outbox.depth()
    await asyncio.wait_for(watch.run(t.bot.app), timeout=1.5)
    assert t.bot.services.watcher.last_pass_at == now and not sending.done()
    assert await t.bot.services.storage.outbox.depth() == queued + 1  # checked, queued
    assert len(t.bot.emulator.calls("sendMessage")) == 1  # the watch job sends nothing
    await sending
    await send.run(t.bot.app)
    assert len(bot_texts(user)) == 2


async def test_check_now_and_ingest(tracked: TrackedBot) -> None:
    t = tracked
    user, pid = await _start_tracking(t)
    watcher = t.bot.services.watcher
    assert await watcher.check_now(999, pid) is None
    outcome = await watcher.check_now(user.id, pid)
    assert outcome is not None and outcome.ok and len(outcome.new_events) == 2
    assert (await t.drain()).sent == 0  # the caller shows the outcome itself

    from bot.tracking.model import Status, TrackEvent, TrackResult

    when = t.bot.clock.now() - timedelta(minutes=10)
    pushed = TrackResult(
        NUMBER,
        Status.IN_CUSTOMS,
        (TrackEvent(when, "Customs", "MOSCOW", "CC_IM_START", Status.IN_CUSTOMS),),
        "17track",
    )
    assert await watcher.ingest({NUMBER: pushed}) == 1
    assert await watcher.ingest({NUMBER: pushed}) == 0
    assert (await t.drain()).sent == 1
