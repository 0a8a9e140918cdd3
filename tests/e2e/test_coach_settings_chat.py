"""/settings turns the coach off for all of a user's parcels and back on (issue 11); the
per-parcel "no more tips" stays as it was. Real watch and send jobs, the fake Cainiao server, a
manual clock moved day by day through eight weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.emulator.models import StoredMessage

if TYPE_CHECKING:
    from bot.emulator.users import SimulatedUser
    from tests.support.tracking import TrackedBot

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
LAMP, CASE = "RB123456785CN", "RR662103942CN"
COACH_HEADER = "🧭 Next step for "
LAST_OFF_DAY = 56


async def _job(t: TrackedBot, name: str) -> None:
    job_queue = t.bot.app.job_queue
    assert job_queue is not None
    (job,) = job_queue.get_jobs_by_name(name)
    await job.run(t.bot.app)


def _coach(messages: list[StoredMessage]) -> list[StoredMessage]:
    return [m for m in messages if (m.text or "").startswith(COACH_HEADER)]


async def _day(t: TrackedBot, user: SimulatedUser, day: int, hours: int = 0) -> list[StoredMessage]:
    """Move the clock to ``day`` after START, run the watch and send jobs: the coach pushes."""
    t.bot.clock.set(START + timedelta(days=day, hours=hours))
    mark = user.mark()
    await _job(t, "watch")
    await _job(t, "send")
    return _coach(user.replies_since(mark))


async def test_coach_off_in_settings_then_on_again(tracked: TrackedBot) -> None:
    t = tracked
    t.bot.clock.set(START)
    user = await t.user()
    storage = t.bot.services.storage
    ids = {}
    for number, name in ((LAMP, "Lamp"), (CASE, "Case")):
        parcel = await t.add_parcel(user.id, number, nickname=name)
        await storage.parcels.update_facts(user.id, parcel.id, shipped_on=date(2026, 11, 1))
        t.cainiao.set_unknown(number)
        ids[name] = parcel.id

    # Day 11: both untracked parcels get their first step; "Case" is turned off by itself.
    pushes = await _day(t, user, 11)
    assert sorted((m.text or "").splitlines()[0] for m in pushes) == [
        COACH_HEADER + "“Case”",
        COACH_HEADER + "“Lamp”",
    ]
    case_push = next(m for m in pushes if "Case" in (m.text or "").splitlines()[0])
    await user.press_data(case_push, case_push.button_data("🔕 No more tips for this parcel") or "")

    replies = await user.send("/settings")
    assert "🧭 Next-step tips: on" in replies[-1].text
    await user.press("🔕 Turn tips off")
    assert "Tips are off" in user.last_reply().text
    assert "🧭 Next-step tips: off" in user.last_reply().text
    profile = await storage.users.get(user.id)
    assert profile is not None and not profile.coach_enabled

    # Day by day to day 56: from day 53 the assumed 60-day timer is near its end, a step that
    # would be pushed, and is not. (On day 60 the watch archives a parcel never found, which
    # ends the coach for it anyway: the switch is turned back on before that.)
    for day in range(12, LAST_OFF_DAY + 1):
        assert await _day(t, user, day) == [], day

    # Back on: the pass pushes Lamp's step as it is now; Case stays off by itself.
    await user.send("/settings")
    await user.press("🧭 Turn tips on")
    assert "Tips are on" in user.last_reply().text
    assert "🧭 Next-step tips: on" in user.last_reply().text
    # The coach passes at most hourly: two hours on, the same day.
    pushes = await _day(t, user, LAST_OFF_DAY, hours=2)
    assert [(m.text or "").splitlines()[:2] for m in pushes] == [
        [
            COACH_HEADER + "“Lamp”",
            "The protection timer may end soon: check the countdown on the order page now, and "
            "open a dispute if a week or less is left.",
        ]
    ]


async def test_the_settings_screen_says_it_in_russian(tracked: TrackedBot) -> None:
    user = await tracked.user(language="ru")
    replies = await user.send("/settings")
    assert "🧭 Подсказки о следующем шаге: включены" in replies[-1].text
    await user.press("🔕 Выключить подсказки")
    text = user.last_reply().text
    assert "Подсказки выключены" in text and "Подсказки о следующем шаге: выключены" in text
    await user.press("🧭 Включить подсказки")
    assert "Подсказки включены" in user.last_reply().text
    profile = await tracked.bot.services.storage.users.get(user.id)
    assert profile is not None and profile.coach_enabled


async def test_crafted_coach_setting_is_stale(tracked: TrackedBot) -> None:
    user = await tracked.user()
    await user.send("/settings")
    await user.press_data(user.last_reply(), "settings:coach:maybe")
    assert "out of date" in (tracked.bot.emulator.callback_answers[-1].text or "")
    profile = await tracked.bot.services.storage.users.get(user.id)
    assert profile is not None and profile.coach_enabled
