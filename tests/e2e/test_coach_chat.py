"""The coach end to end: 70 days on a manual clock, four parcels, the real watch and send jobs,
the fake Cainiao server, quiet hours. Each push is the advice's next step, sent once, and the
user's answers on its buttons are facts that move the advice on (no loops)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.emulator.models import StoredMessage
from bot.watch import coach
from storage import ts
from tests.fakes.tracking_servers import FakeEvent

if TYPE_CHECKING:
    from tests.support.tracking import TrackedBot

START = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)  # 15:00 in Moscow; shipped today
UNTRACKED, MOVING = "RB123456785CN", "LP00068434402473"
CUSTOMS, CHEAP = "RR662103942CN", "RB123456790CN"
NAMES = {UNTRACKED: "Lamp", MOVING: "Boots", CUSTOMS: "Drill", CHEAP: "Case"}
COACH_HEADER = "🧭 Next step for "


async def _job(t: TrackedBot, name: str) -> None:
    job_queue = t.bot.app.job_queue
    assert job_queue is not None
    (job,) = job_queue.get_jobs_by_name(name)
    await job.run(t.bot.app)


def _coach(messages: list[StoredMessage]) -> list[StoredMessage]:
    return [m for m in messages if (m.text or "").startswith(COACH_HEADER)]


def _parcel_of(message: StoredMessage) -> str:
    head = (message.text or "").splitlines()[0].removeprefix(COACH_HEADER).strip("“”")
    return next(n for n, name in NAMES.items() if name == head)


async def test_seventy_days_of_coach_pushes(tracked: TrackedBot) -> None:
    t = tracked
    t.bot.clock.set(START)
    user = await t.user(timezone="Europe/Moscow")
    storage = t.bot.services.storage
    await storage.users.set_quiet_hours(user.id, 22 * 60, 8 * 60)
    shipped = date(2026, 11, 1)
    ids = {}
    for number, name in NAMES.items():
        parcel = await t.add_parcel(user.id, number, nickname=name)
        await storage.parcels.update_facts(user.id, parcel.id, shipped_on=shipped)
        ids[number] = parcel.id
    # The cheap one: 150 roubles, about $1.67 (typed in roubles: the tier still applies).
    await storage.parcels.update_facts(
        user.id, ids[CHEAP], price_amount=150.0, price_currency="RUB"
    )
    t.cainiao.set_unknown(UNTRACKED)
    t.cainiao.set_unknown(CHEAP)
    t.cainiao.set_events(MOVING, [FakeEvent(START, "Order received", "GWMS_ACCEPT")])
    t.cainiao.set_events(CUSTOMS, [FakeEvent(START, "Order received", "GWMS_ACCEPT")])

    seen: list[tuple[int, str, str]] = []  # (day, parcel, first line of the step)
    pressed: set[str] = set()
    for day in range(71):
        evening = START.replace(hour=19, minute=30) + timedelta(days=day)  # 22:30 Moscow
        t.bot.clock.set(evening)
        if day % 2 == 0:  # the moving parcel gets a scan every other day
            t.cainiao.add_event(
                MOVING, FakeEvent(evening - timedelta(hours=1), f"Sorting {day}", "LH_ARRIVE")
            )
        if day == 3:
            t.cainiao.add_event(CUSTOMS, FakeEvent(evening, "Departed", "LH_DEPART"))
        if day == 12:  # ... and then nothing but customs
            t.cainiao.add_event(CUSTOMS, FakeEvent(evening, "Customs clearance", "CC_IM_START"))
        mark = user.mark()
        await _job(t, "watch")
        await _job(t, "send")
        # Quiet hours hold every push queued in the evening.
        assert _coach(user.replies_since(mark)) == [], day
        t.bot.clock.set(evening + timedelta(hours=10))  # 08:30 Moscow next morning
        await _job(t, "send")
        for message in _coach(user.replies_since(mark)):
            number = _parcel_of(message)
            seen.append((day + 1, number, (message.text or "").splitlines()[1]))
            # The user answers the buttons the way the story goes: wrote, then opened the dispute.
            labels = [label for row in message.buttons for label in row]
            if number == UNTRACKED and "✅ I wrote to the seller" in labels:
                data = message.button_data("✅ I wrote to the seller")
                assert data is not None
                await user.press_data(message, data)
                pressed.add("wrote")
            elif number == UNTRACKED and "⚖️ Dispute opened" in labels:
                data = message.button_data("⚖️ Dispute opened")
                assert data is not None
                await user.press_data(message, data)
                pressed.add("dispute")

    steps = [(day, NAMES[number], line.split(":")[0]) for day, number, line in seen]
    assert steps == [
        (11, "Lamp", "Still no tracking after 10 days"),  # queued day 10 evening → next morning
        # "I wrote" pressed on the morning of day 11: five days later, day 16's evening pass.
        (17, "Lamp", "The seller had 5 days and nothing changed"),
        (35, "Drill", "Held at customs for over 3 weeks"),
        (54, "Boots", "The protection timer may end soon"),
        (54, "Drill", "The protection timer may end soon"),
        (54, "Case", "The protection timer may end soon"),
    ], steps
    assert pressed == {"wrote", "dispute"}
    # Stored facts, not session state: the dispute is open on the parcel, so the timer is held.
    lamp = await storage.parcels.get(ids[UNTRACKED])
    assert lamp is not None and lamp.dispute_status == "open"
    # Each step once: a second pass at the same moment queues nothing.
    assert await _queued_now(t) == 0


async def _queued_now(t: TrackedBot) -> int:
    return await coach.coach_pass(t.bot.services.storage, ts(t.bot.clock.now()))
