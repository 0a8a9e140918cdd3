"""Issue 14: ``whatnow:rem:<parcel>:<days>:<action>`` pressed with crafted data.

The probe stored one reminder per distinct day count a crafted press named (65 rows from 20
attackers), and ``whatnow:rem:00:00:x`` was accepted. Now the codec refuses what the bot never
packs (leading zeros, a day count out of range) and a reminder asked for again replaces the
pending one for the same parcel and advice.
"""

from __future__ import annotations

from bot.core.advice import Action
from bot.watch import reminders
from tests.support.app import BotHarness
from tests.support.scenarios import add_parcel, ago

FAR = 2**40


async def _pending(bot: BotHarness, user_id: int) -> list[tuple[int | None, str]]:
    due = await bot.services.storage.reminders.due(FAR, limit=10_000)
    return [
        (r.parcel_id, str(r.payload.get("action")))
        for r in due
        if r.user_id == user_id and r.kind == reminders.WHATNOW_CHECKIN
    ]


async def test_crafted_reminder_presses_are_stale_or_replace_each_other(bot: BotHarness) -> None:
    user = bot.user()
    pid = await add_parcel(
        bot, user.id, "RB123456785CN", shipped_on=ago(bot, 20), protection_deadline=ago(bot, -40)
    )
    await user.send("/whatnow")
    await user.press("Nothing found anywhere")
    while "Question" in user.last_reply().text:
        await user.press("Skip")
    await user.press("Remind me in 5 days")
    assert "remind you in 5 days" in user.last_reply().text
    message = user.last_reply()
    action = Action.WRITE_SELLER.value
    assert await _pending(bot, user.id) == [(pid, action)]

    for crafted in (f"whatnow:rem:{pid}:00:{action}", f"whatnow:rem:00:5:{action}",
                    f"whatnow:rem:{pid}:0:{action}", f"whatnow:rem:{pid}:05:{action}",
                    f"whatnow:rem:{pid}:1000:{action}", "whatnow:rem:0:5:any text"):  # fmt: skip
        await user.press_data(message, crafted)
        assert "out of date" in (bot.emulator.callback_answers[-1].text or ""), crafted
    # Every day count a button could name, for the parcel and without one: one row each.
    for days in range(1, 80):
        await user.press_data(message, f"whatnow:rem:{pid}:{days}:{action}")
        await user.press_data(message, f"whatnow:rem:0:{days}:{action}")
    pending = await _pending(bot, user.id)
    assert sorted(pending, key=str) == sorted([(pid, action), (None, action)], key=str)
    assert not bot.emulator.unanswered_callback_queries
