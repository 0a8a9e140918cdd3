"""Story steps the end-to-end tests share: a user's parcel, a moving parcel, an open dispute.

Plain helpers over ``BotHarness`` and ``SimulatedUser``: they write through the real
repositories and press the real buttons, as a user would.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from bot.emulator.models import StoredMessage
from bot.emulator.users import SimulatedUser
from tests.support.app import BotHarness

__all__ = [
    "add_parcel",
    "ago",
    "labels",
    "letter_of",
    "moving_parcel",
    "open_dispute_for",
    "run_reminders",
    "texts",
]


async def add_parcel(
    bot: BotHarness, user_id: int, number: str, language: str = "en", **facts: Any
) -> int:
    """A parcel the user watches, with order facts (``shipped_on=ago(bot, 20)`` ...)."""
    storage = bot.services.storage
    await storage.users.upsert_seen(user_id, user_id, language)
    parcel = await storage.parcels.add(user_id, number)
    if facts:
        await storage.parcels.update_facts(user_id, parcel.id, **facts)
    return parcel.id


def ago(bot: BotHarness, n: int) -> date:
    """The bot's (UTC) date ``n`` days ago; negative: in ``-n`` days."""
    return bot.clock.now().date() - timedelta(days=n)


async def moving_parcel(
    bot: BotHarness, user_id: int, number: str = "RB123456785CN", **facts: Any
) -> int:
    """A parcel whose tracking moved yesterday (in transit, checked now)."""
    pid = await add_parcel(bot, user_id, number, **facts)
    now = bot.clock.now()
    await bot.services.storage.parcels.update_tracking(
        pid,
        status="in_transit",
        last_checked_at=int(now.timestamp()),
        last_event_at=int((now - timedelta(days=1)).timestamp()),
    )
    return pid


async def open_dispute_for(bot: BotHarness, user: SimulatedUser, **facts: Any) -> int:
    """A $20 parcel with a known timer, /dispute, and the parcel picked: D2 or where it starts."""
    facts.setdefault("protection_deadline", ago(bot, -40))  # a known timer: D1 has no question
    pid = await add_parcel(
        bot, user.id, "RB123456785CN", "en", price_amount=20.0, price_currency="USD", **facts
    )
    await user.send("/dispute")
    assert "Which parcel" in user.last_reply().text
    await user.press("RB123456785CN")
    return pid


def texts(messages: list[StoredMessage]) -> str:
    return "\n".join(m.text for m in messages)


def labels(user: SimulatedUser) -> list[str]:
    """The button labels under the user's last reply."""
    return [label for row in user.last_reply().buttons for label in row]


def letter_of(user: SimulatedUser) -> StoredMessage:
    """The last code-block message (a letter or a dispute text) the user got."""
    letters = [m for m in user.messages if any(e["type"] == "pre" for e in m.entities)]
    assert letters, user.transcript
    return letters[-1]


async def run_reminders(bot: BotHarness) -> None:
    """One tick of the sender job: due reminders join the outbox, the outbox is sent."""
    jobs = bot.app.job_queue.get_jobs_by_name("send")  # type: ignore[union-attr]
    assert len(jobs) == 1
    await jobs[0].run(bot.app)
