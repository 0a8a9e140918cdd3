"""The foundation end to end: /start, /help, /language, fallback, surviving Telegram failures."""

from __future__ import annotations

import pytest

from tests.support.app import BotHarness


async def test_start_in_english(bot: BotHarness) -> None:
    user = bot.user(language_code="en-GB")
    replies = await user.send("/start")
    assert len(replies) == 1
    assert "Parcel Scout" in replies[0].text
    assert "untracked, stuck or lost" in replies[0].text
    assert any("Language" in label for row in replies[0].buttons for label in row)


async def test_start_in_russian(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send("/start")
    assert "не отслеживается" in replies[0].text
    assert any("Язык" in label for row in replies[0].buttons for label in row)


async def test_command_menus_registered_per_language(bot: BotHarness) -> None:
    english = bot.emulator.get_commands("default", "")
    russian = bot.emulator.get_commands("default", "ru")
    assert english and russian
    assert {c["command"] for c in english} == {c["command"] for c in russian}
    assert any(c["description"] == "Сменить язык" for c in russian)


async def test_language_choice_persists_across_restart(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    await user.send("/language")
    await user.press("Русский")
    assert "по-русски" in user.last_reply().text
    await bot.restart()
    replies = await user.send("/help")
    assert "Что я умею" in replies[0].text
    # The chat's own command menu follows the chosen language.
    chat_menu = bot.emulator.get_commands({"type": "chat", "chat_id": user.id}, "")
    assert chat_menu and any(c["description"] == "Сменить язык" for c in chat_menu)


async def test_fallback_for_anything_not_understood(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    replies = await user.send("hello there")
    assert "did not understand" in replies[0].text
    sticker_like = await user.send("🙂" * 10)
    assert sticker_like and "did not understand" in sticker_like[0].text


async def test_long_garbage_gets_a_friendly_answer(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send("ж" * 4000)
    assert replies and "не понял" in replies[0].text


async def test_stale_button_is_answered(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/start")
    message = user.last_reply()
    answers_before = len(bot.emulator.callback_answers)
    await user.press_data(message, "gone:feature:42")
    assert len(bot.emulator.callback_answers) == answers_before + 1
    assert "out of date" in (bot.emulator.callback_answers[-1].text or "")


@pytest.mark.parametrize(
    ("status", "retry_after"),
    [(429, 1), (500, None), (502, None)],
)
async def test_reply_survives_transient_telegram_failures(
    bot: BotHarness, status: int, retry_after: int | None
) -> None:
    user = bot.user()
    bot.emulator.fail_next("sendMessage", status=status, retry_after=retry_after)
    replies = await user.send("/start")
    assert len(replies) == 1 and "Parcel Scout" in replies[0].text


async def test_bot_survives_blocked_user_and_missing_chat(bot: BotHarness) -> None:
    user = bot.user()
    bot.emulator.fail_next("sendMessage", status=403)
    assert await user.send("/start") == []
    profile = await bot.services.storage.users.get(user.id)
    assert profile is not None and profile.blocked_at is not None
    bot.emulator.fail_next("sendMessage", status=400)
    assert await user.send("/start") == []
    # Writing to the bot again means the user is back.
    profile = await bot.services.storage.users.get(user.id)
    assert profile is not None and profile.blocked_at is None
    # Still alive, and the next message is answered normally.
    replies = await user.send("/start")
    assert "Parcel Scout" in replies[0].text


async def test_slow_telegram_still_gets_the_reply(bot: BotHarness) -> None:
    user = bot.user()
    bot.emulator.delay_next("sendMessage", 1.5)
    replies = await user.send("/help")
    assert len(replies) == 1 and "What I can do" in replies[0].text
