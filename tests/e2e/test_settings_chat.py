"""/settings end to end: time zone by button and by typing, quiet hours, language entry point."""

from __future__ import annotations

from tests.support.app import BotHarness


async def test_timezone_by_button_in_russian(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send("/settings")
    assert "Настройки" in replies[-1].text and "не указан" in replies[-1].text
    await user.press("Часовой пояс")
    labels = [label for row in user.last_reply().buttons for label in row]
    assert {"Москва", "Екатеринбург", "Новосибирск", "Владивосток", "Минск"} <= set(labels)
    replies = await user.press("Новосибирск")
    assert "Новосибирск (UTC+7)" in replies[-1].text and "Asia/" not in replies[-1].text
    profile = await bot.services.storage.users.get(user.id)
    assert profile is not None and profile.timezone == "Asia/Novosibirsk"


async def test_timezone_by_typing_city_and_offset(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    await user.send("/settings")
    await user.press("Time zone")
    labels = [label for row in user.last_reply().buttons for label in row]
    assert {"London", "New York", "Los Angeles", "Berlin"} <= set(labels)
    replies = await user.send("Atlantis")
    assert "do not know that place" in replies[-1].text
    replies = await user.send("UTC-5")
    assert "Time zone set" in replies[-1].text
    profile = await bot.services.storage.users.get(user.id)
    assert profile is not None and profile.timezone == "Etc/GMT+5"
    # Answered: a later city name is not taken as a zone.
    await user.send("Москва")
    profile = await bot.services.storage.users.get(user.id)
    assert profile is not None and profile.timezone == "Etc/GMT+5"


async def test_awaiting_timezone_survives_restart(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    await user.send("/settings")
    await user.press("Часовой пояс")
    await bot.restart()
    replies = await user.send("Москва")
    assert "Москва (UTC+3)" in replies[-1].text
    profile = await bot.services.storage.users.get(user.id)
    assert profile is not None and profile.timezone == "Europe/Moscow"


async def test_quiet_hours_presets_typed_and_off(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    await user.send("/settings")
    await user.press("Quiet hours")
    replies = await user.press("23:00–08:00")
    assert "waits until 08:00" in replies[-1].text
    profile = await bot.services.storage.users.get(user.id)
    assert profile is not None and (profile.quiet_start, profile.quiet_end) == (1380, 480)
    await user.press("Quiet hours")
    replies = await user.send("22:30-07:15")
    profile = await bot.services.storage.users.get(user.id)
    assert profile is not None and (profile.quiet_start, profile.quiet_end) == (1350, 435)
    await user.press("Quiet hours")
    await user.press("Off")
    profile = await bot.services.storage.users.get(user.id)
    assert profile is not None and profile.quiet_start is None and profile.quiet_end is None
    assert replies


async def test_quiet_hours_in_russian_and_crafted_data(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    await user.send("/settings")
    await user.press("Тихие часы")
    replies = await user.press("22:00–07:00")
    assert "Тихие часы: 22:00–07:00" in replies[-1].text
    message = user.last_reply()
    for crafted in ("settings:qset:5000-20", "settings:qset:abc", "settings:qset:1-"):
        await user.press_data(message, crafted)
        assert "нельзя" in (bot.emulator.callback_answers[-1].text or ""), crafted
    await user.press_data(message, "settings:qset:²-5")  # the codec's one stale answer
    assert "устарела" in (bot.emulator.callback_answers[-1].text or "")
    await user.press_data(message, "settings:tzset:Mars/Olympus")
    assert "нет" in (bot.emulator.callback_answers[-1].text or "")
    profile = await bot.services.storage.users.get(user.id)
    assert profile is not None and (profile.quiet_start, profile.quiet_end) == (1320, 420)
    assert profile.timezone is None


async def test_settings_from_main_menu_and_language_button(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    await user.send("/start")
    await user.press("Settings")
    assert "Settings" in user.last_reply().text
    await user.press("🌐 Language")
    assert "Choose your language" in user.last_reply().text
    await user.send("/start")
    await user.press("My parcels")
    assert "do not watch any parcels yet" in user.last_reply().text
