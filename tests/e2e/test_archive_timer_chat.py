"""Archiving an undelivered parcel whose protection timer is known asks whether to keep the timer
reminders (issue 11, QA A9): "keep" → the reminder still comes on its day although the parcel is
archived; "no" → archived as before, no reminder. Real chat, real watch pass, manual clock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.emulator.users import SimulatedUser
    from tests.support.tracking import TrackedBot

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DEADLINE = date(2026, 11, 21)  # 20 days after START
QUESTION = "Keep reminding me about the protection timer?"


async def _archive_from_card(user: SimulatedUser, name: str) -> str:
    await user.send("/list")
    await user.press(name)
    await user.press("🗄 Archive")
    return user.last_reply().text


async def test_kept_reminder_comes_for_the_archived_parcel_and_not_for_the_other(
    tracked: TrackedBot,
) -> None:
    t = tracked
    t.bot.clock.set(START)
    user = await t.user()
    storage = t.bot.services.storage
    ids = {}
    for number, name, deadline in (
        ("RB123456785CN", "Kept", DEADLINE),
        ("RB123456790CN", "Dropped", DEADLINE),
        ("RR662103942CN", "Late", date(2026, 10, 31)),  # the timer is over: nothing to ask
    ):
        t.cainiao.set_unknown(number)
        parcel = await t.add_parcel(user.id, number, nickname=name)
        await storage.parcels.update_facts(user.id, parcel.id, protection_deadline=deadline)
        ids[name] = parcel.id

    question = await _archive_from_card(user, "Kept")
    assert QUESTION in question and "ends in 20 days" in question
    kept = await storage.parcels.get(ids["Kept"])
    assert kept is not None and kept.is_active  # nothing happens until the answer
    await user.press("🔔 Yes, keep the reminders")
    assert "still remind you before its protection timer ends" in user.last_reply().text

    assert QUESTION in await _archive_from_card(user, "Dropped")
    await user.press("🔕 No, just archive it")
    assert "Archived" in user.last_reply().text
    assert "still remind you" not in user.last_reply().text

    assert "Archived" in await _archive_from_card(user, "Late")  # no question

    for name, keep in (("Kept", True), ("Dropped", False), ("Late", False)):
        parcel = await storage.parcels.get(ids[name])
        assert parcel is not None and not parcel.is_active, name
        assert parcel.keep_timer_reminders is keep, name

    # The reminder's day: 7 days before the deadline, from 10:00 (UTC: no zone set).
    t.bot.clock.set(datetime(2026, 11, 14, 10, 0, tzinfo=UTC))
    mark = user.mark()
    await t.tick()
    pushes = [m.text or "" for m in user.replies_since(mark)]
    reminders = [text for text in pushes if "Buyer protection ends in" in text]
    assert len(reminders) == 1, pushes
    assert "Kept" in reminders[0] and "ends in 7 days" in reminders[0]
    assert not any("Dropped" in text for text in pushes)
    # Once: the next tick the same day says nothing again.
    mark = user.mark()
    await t.tick()
    assert user.replies_since(mark) == []


async def test_the_question_in_russian_and_watch_again_clears_the_choice(
    tracked: TrackedBot,
) -> None:
    t = tracked
    t.bot.clock.set(START)
    user = await t.user(language="ru")
    storage = t.bot.services.storage
    parcel = await t.add_parcel(user.id, "RB123456785CN", nickname="Чехол")
    await storage.parcels.update_facts(user.id, parcel.id, protection_deadline=DEADLINE)
    await user.send("/list")
    await user.press("Чехол")
    await user.press("🗄 В архив")
    text = user.last_reply().text
    assert "Продолжать напоминать о таймере защиты?" in text
    assert "закончится через 20 дней" in text
    await user.press("🔔 Да, напоминать")
    assert "о таймере защиты напомню" in user.last_reply().text
    await user.press("Следить снова")
    fresh = await storage.parcels.get(parcel.id)
    assert fresh is not None and fresh.is_active and not fresh.keep_timer_reminders
