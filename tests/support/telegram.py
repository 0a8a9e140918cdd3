"""Pytest fixtures around the Bot API emulator (bot.emulator); the helpers live in the emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from bot.emulator import BotApiEmulator

__all__ = ["emulator"]


@pytest_asyncio.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """A started BotApiEmulator on a free loopback port, stopped after the test."""
    async with BotApiEmulator() as emu:
        yield emu
