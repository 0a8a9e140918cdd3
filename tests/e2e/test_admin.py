"""/stats: figures for ADMIN_IDS; for everyone else the ordinary "did not understand" reply."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.emulator import BotApiEmulator
from tests.support.app import BotHarness

ADMIN = 500_001
USER = 500_002


@pytest_asyncio.fixture
async def admin_bot(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    harness = BotHarness(emulator, tmp_path / "bot.db", {"ADMIN_IDS": f"{ADMIN}, 42"})
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


async def test_admin_gets_stats(admin_bot: BotHarness) -> None:
    admin, user = admin_bot.user(ADMIN), admin_bot.user(USER)
    await user.send("/start")
    storage = admin_bot.services.storage
    await storage.parcels.add(USER, "LP00123456789012")
    await storage.parcels.add(USER, "RB123456785CN")
    await storage.outbox.enqueue(USER, "event", {"text": "x"})
    replies = await admin.send("/stats")
    assert len(replies) == 1
    text = replies[0].text
    assert "Stats" in text
    assert "Users: 2" in text  # the admin counts too: they wrote to the bot
    assert "Active parcels: 2" in text
    assert "Outbox depth: 1" in text


async def test_admin_stats_in_russian(admin_bot: BotHarness) -> None:
    replies = await admin_bot.user(ADMIN, language_code="ru").send("/stats")
    assert "Статистика" in replies[0].text and "Пользователей: 1" in replies[0].text


async def test_everyone_else_gets_the_fallback(admin_bot: BotHarness) -> None:
    user = admin_bot.user(USER)
    replies = await user.send("/stats")
    assert len(replies) == 1
    assert "did not understand" in replies[0].text
    assert "Users:" not in replies[0].text


async def test_no_admins_configured(bot: BotHarness) -> None:
    replies = await bot.user(ADMIN).send("/stats")
    assert "did not understand" in replies[0].text


async def test_stats_not_in_the_command_menu(admin_bot: BotHarness) -> None:
    commands = {c["command"] for c in admin_bot.emulator.get_commands("default", "") or []}
    assert "stats" not in commands
    assert {"forgetme", "export"} <= commands
