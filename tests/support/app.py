"""The whole bot under test: the real Application, over HTTP to the emulator, on a real SQLite file.

``BotHarness`` starts and stops the Application exactly as production does (polling, persistence,
rate limiter, jobs), with a manual clock so tests move time instead of sleeping, and can restart
the bot on the same database file to prove that state survives.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.app import ParcelScoutApplication, build_application, prepare
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.emulator import BotApiEmulator
from bot.emulator.users import SimulatedUser
from bot.services import Services

__all__ = ["BotHarness", "bot"]


class BotHarness:
    def __init__(
        self, emulator: BotApiEmulator, db_path: Path, env: Mapping[str, str] | None = None
    ) -> None:
        self.emulator = emulator
        base = load_settings(dict(env or {}), dotenv=False)
        self.settings: Settings = replace(base, db_path=db_path)
        self.clock = ManualClock()
        self._services: Services | None = None
        self._app: ParcelScoutApplication | None = None

    @property
    def app(self) -> ParcelScoutApplication:
        assert self._app is not None, "the bot is not running"
        return self._app

    @property
    def services(self) -> Services:
        assert self._services is not None, "the bot is not running"
        return self._services

    def configure(self, **changes: Any) -> None:
        """Change settings; takes effect at the next start/restart."""
        self.settings = replace(self.settings, **changes)

    async def start(self) -> None:
        self._services = await Services.open(self.settings, clock=self.clock)
        app = build_application(
            self._services,
            token=self.emulator.token,
            base_url=self.emulator.base_url,
            base_file_url=self.emulator.base_file_url,
        )
        await prepare(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        await app.start()
        self.emulator.settle_hook = app.update_queue.join
        self._app = app

    async def stop(self) -> None:
        """Stop like SIGTERM does: no new updates, flush persistence, close the database."""
        if self._app is not None:
            app, self._app = self._app, None
            self.emulator.settle_hook = None
            assert app.updater is not None
            if app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
            await app.shutdown()
        if self._services is not None:
            services, self._services = self._services, None
            await services.close()

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    def user(
        self, user_id: int = 1001, *, language_code: str | None = "en", first_name: str = "Ann"
    ) -> SimulatedUser:
        return self.emulator.user(
            user_id=user_id, first_name=first_name, language_code=language_code
        )


@pytest_asyncio.fixture
async def bot(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """A running bot wired to the emulator, on a fresh SQLite file in tmp_path."""
    harness = BotHarness(emulator, tmp_path / "bot.db")
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
