"""Settings wording: human time-zone names; the quiet-hours prompt knows whether a zone is set."""

from __future__ import annotations

from tests.support.app import BotHarness


async def test_timezone_has_a_human_name_in_both_languages(bot: BotHarness) -> None:
    ru = bot.user(language_code="ru")
    await ru.send("/settings")
    await ru.press("Часовой пояс")
    replies = await ru.press("Москва")
    assert "Москва (UTC+3)" in replies[-1].text and "Europe/Moscow" not in replies[-1].text
    en = bot.user(ru.id + 1, language_code="en")
    await en.send("/settings")
    await en.press("Time zone")
    replies = await en.send("Moscow")
    assert "Moscow (UTC+3)" in replies[-1].text and "Europe/" not in replies[-1].text
    replies = await en.send("/settings")
    await en.press("Time zone")
    replies = await en.send("+5:30")
    assert "UTC+5:30" in replies[-1].text


async def test_quiet_hours_prompt_knows_whether_the_zone_is_set(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    await user.send("/settings")
    await user.press("Quiet hours")
    assert "not set" in user.last_reply().text and "set it first" in user.last_reply().text
    await user.press("⬅️ Settings")
    await user.press("Time zone")
    await user.press("Berlin")
    await user.press("Quiet hours")
    text = user.last_reply().text
    assert "set it first" not in text and "Berlin (UTC+1)" in text
