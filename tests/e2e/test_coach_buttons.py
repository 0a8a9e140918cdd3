"""A coach push's buttons: the letter, and each "what happened" answer stored as a fact."""

from __future__ import annotations

from bot.emulator.models import StoredMessage
from bot.emulator.users import SimulatedUser
from bot.watch import coach
from storage import ts
from tests.support.app import BotHarness
from tests.support.scenarios import add_parcel, ago, run_reminders, texts


async def _pushed(bot: BotHarness, user: SimulatedUser, shipped: int) -> tuple[int, StoredMessage]:
    """A parcel never found in tracking, shipped ``shipped`` days ago, and its coach push."""
    pid = await add_parcel(bot, user.id, "RB123456785CN", shipped_on=ago(bot, shipped))
    storage = bot.services.storage
    await storage.parcels.update_tracking(
        pid, status="not_found", last_checked_at=ts(bot.clock.now())
    )
    assert await coach.coach_pass(storage, ts(bot.clock.now())) == 1
    mark = user.mark()
    await run_reminders(bot)  # the send job: the outbox goes out
    (push,) = user.replies_since(mark)
    return pid, push


async def test_letter_and_answers_are_facts(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/start")
    pid, push = await _pushed(bot, user, 12)
    assert "Still no tracking after 10 days" in push.text
    assert push.buttons[0] == ["✉️ Show the letter"]
    replies = await user.press("✉️ Show the letter")
    assert replies[-1].text.startswith("Hello") and "RB123456785CN" in replies[-1].text
    await user.press("✅ I wrote to the seller")
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.seller_contacted_on == ago(bot, 0)
    assert "You wrote to the seller" in texts(user.messages[-2:])
    # The same step is never pushed twice.
    assert await coach.coach_pass(bot.services.storage, ts(bot.clock.now())) == 0


async def test_refused_then_off(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/start")
    pid, _push = await _pushed(bot, user, 12)
    await user.press("🚫 Refused")
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.seller_response == "refused"
    assert "Open a dispute" in texts(user.messages[-2:])
    # The next step (the dispute) would be a push of its own; "no more tips" stops it.
    off = _push.button_data("🔕 No more tips for this parcel")
    assert off is not None
    await user.press_data(_push, off)
    assert "no more tips" in user.last_reply().text
    assert await coach.coach_pass(bot.services.storage, ts(bot.clock.now())) == 0


async def test_without_off_the_next_step_is_pushed(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/start")
    _pid, _push = await _pushed(bot, user, 12)
    await user.press("🚫 Refused")
    assert await coach.coach_pass(bot.services.storage, ts(bot.clock.now())) == 1


async def test_the_seller_answered_asks_how(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/start")
    pid, _push = await _pushed(bot, user, 12)
    await user.press("💬 The seller answered")
    assert "How did the seller react?" in user.last_reply().text
    await user.press("Only promises")
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.seller_response == "promised"
