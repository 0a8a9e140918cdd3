"""The advice and dispute workflow end to end: facts in the database only (also those of older
releases), the user's today, typed buttons refusing crafted data, one way to wait for text."""

from __future__ import annotations

import pickle
import sqlite3
from datetime import UTC, date, datetime

import pytest

from bot.ui.buttons import ParcelAction, ParcelVerb
from storage.persistence import SqlitePersistence
from tests.support.app import BotHarness
from tests.support.scenarios import add_parcel, moving_parcel, open_dispute_for, texts


def stale(bot: BotHarness) -> bool:
    return "out of date" in (bot.emulator.callback_answers[-1].text or "")


@pytest.mark.parametrize(
    "data",
    [
        "whatnow:p:9223372036854775808",  # past SQLite's integers
        "whatnow:p:²",  # a digit to str.isdigit(), not to int()
        "whatnow:silent:²",
        "whatnow:silent:99999999999999999999",
        "whatnow:rem:²:²:x",
        "whatnow:rem:0:5:any text",  # only the advisor's actions are reminded of
        "whatnow:rem:0:5:write_seller:extra",
        "whatnow:ask:maybe",
        "dispute:p:9223372036854775808",
        "dispute:ci:²",
        "dispute:ci:²:ci_offer",
        "dispute:ci:9223372036854775808:ci_offer",
        "dispute:zz:recv_no",
    ],
)
async def test_crafted_buttons_get_the_one_stale_answer(bot: BotHarness, data: str) -> None:
    user = bot.user()
    await user.send("/start")
    before = len(user.messages)
    await user.press_data(user.last_reply(), data)
    assert stale(bot), data
    assert len(user.messages) == before
    assert await bot.services.storage.reminders.due(2**40) == []


async def test_crafted_parcel_id_at_the_first_dispute_step_is_stale(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/dispute")
    await user.press_data(user.last_reply(), "dispute:d0:99999999999999999999")
    assert stale(bot)
    await user.press("Continue without a track number")  # the walk-through goes on
    assert "buyer-protection timer" in user.last_reply().text


async def test_a_real_reminder_without_a_parcel_still_works(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/start")
    await user.press_data(user.last_reply(), "whatnow:rem:0:5:write_seller")
    assert "remind you in 5 days" in user.last_reply().text
    [reminder] = await bot.services.storage.reminders.due(2**40)
    assert reminder.parcel_id is None and reminder.payload["action"] == "write_seller"


async def test_answers_live_on_the_parcel_not_in_the_chat(bot: BotHarness) -> None:
    user = bot.user()
    pid = await add_parcel(bot, user.id, "RB123456785CN")
    await user.send("/whatnow")
    await user.press("It is over")
    await user.press("Skip")
    answers = await bot.services.storage.answers.get(user.id, pid)
    assert answers is not None and answers.timer_over is True
    assert answers.asked == ("order_finished_days_ago", "protection_days_left")
    data = bot.app.user_data[user.id].dump()
    assert "whatnow_known" not in data and "timer_over" not in repr(data)


async def test_answers_of_an_older_release_move_to_the_database_at_start(
    bot: BotHarness,
) -> None:
    user = bot.user()
    pid = await add_parcel(bot, user.id, "RB123456785CN")
    await bot.stop()
    old = {  # what an older release kept for this user: answers about the parcel in chat data
        "whatnow_known": {str(pid): {"timer_over": True, "asked": ["protection_days_left"]}},
        "checked": {str(pid): 1},
    }
    with sqlite3.connect(bot.settings.db_path) as db:
        db.execute("INSERT INTO ptb_user_data VALUES (?, ?, 0)", (user.id, pickle.dumps(old)))
    db.close()
    await bot.start()

    answers = await bot.services.storage.answers.get(user.id, pid)
    assert answers is not None and answers.timer_over is True
    assert answers.asked == ("protection_days_left",)
    # The stored chat data no longer holds them; what else it held is kept.
    stored = await SqlitePersistence(bot.services.storage.db).get_user_data()
    assert "whatnow_known" not in stored[user.id] and stored[user.id]["checked"] == {str(pid): 1}
    # And the chats know: the dispute starts at "the timer is over".
    await user.send("/dispute")
    await user.press("RB123456785CN")
    assert "protection timer is over" in user.last_reply().text
    # A second start moves nothing again and keeps what was answered since.
    await bot.services.storage.answers.update(user.id, pid, timer_over=None)
    await bot.restart()
    answers = await bot.services.storage.answers.get(user.id, pid)
    assert answers is not None and answers.timer_over is None


async def test_a_user_far_from_utc_sees_the_same_day_count_on_the_card_and_in_the_advice(
    bot: BotHarness,
) -> None:
    # 23:30 UTC on 1 Nov is already 2 Nov on Kiritimati (UTC+14).
    bot.clock.set(datetime(2026, 11, 1, 23, 30, tzinfo=UTC))
    user = bot.user()
    pid = await moving_parcel(bot, user.id, protection_deadline=date(2026, 11, 7))
    await bot.services.storage.users.set_timezone(user.id, "Pacific/Kiritimati")
    await user.send("/start")
    await user.press_data(user.last_reply(), ParcelAction(ParcelVerb.VIEW, pid).pack())
    assert "Buyer protection: 5 days left" in user.last_reply().text
    await user.send("/whatnow")
    while "Question" in user.last_reply().text:
        await user.press("Skip")
    advice = texts(user.messages[-2:])
    assert "5 days left on the buyer-protection timer" in advice, advice
    assert "6 days" not in advice


async def test_a_dispute_left_alone_before_a_restart_no_longer_takes_typed_text(
    bot: BotHarness,
) -> None:
    """The walk-through waits for text like every question: after its timeout, a pasted number
    is explained instead of being taken as the dispute's parcel."""
    user = bot.user()
    await user.send("/dispute")
    await bot.restart()
    bot.clock.advance(minutes=31)
    replies = await user.send("RB123456785CN")
    assert "buyer-protection timer" not in texts(replies)
    assert "RB123456785CN" in texts(replies)


async def test_walkthrough_typed_amount_waits_only_for_amounts(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user)
    await user.press("Yes, but something is wrong")
    await user.press("Poor quality")
    await user.press("Keep it: partial refund")
    pending = bot.app.user_data[user.id].pending
    assert pending is not None and pending.kind == "dispute:amount"
    replies = await user.send("LP00123456789012")  # not an amount: explained, not swallowed
    assert "How much should the seller refund" not in texts(replies)
    await user.send("7.5")
    assert bot.app.user_data[user.id].pending is None  # the text step takes no text


async def test_the_question_asked_last_takes_the_typed_answer(bot: BotHarness) -> None:
    """One waiting slot: a /whatnow question asked after the dispute's first step gets the
    number typed next (the dispute used to swallow any text at its first step)."""
    user = bot.user()
    await user.send("/dispute")
    await user.send("/whatnow")
    assert "Question 1" in user.last_reply().text
    await user.send("30")
    assert "Question 2" in user.last_reply().text
    assert "buyer-protection timer" not in user.last_reply().text
