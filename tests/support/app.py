"""The whole bot under test: the real Application, over HTTP to the emulator, on a real SQLite file.

``BotHarness`` starts and stops the Application exactly as production does (polling, persistence,
rate limiter, jobs), with a manual clock so tests move time instead of sleeping, and can restart
the bot on the same database file to prove that state survives.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Mapping
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest_asyncio

from bot.app import ParcelScoutApplication, build_application, prepare
from bot.clock import ManualClock
from bot.config import Settings, load_settings
from bot.emulator import BotApiEmulator
from bot.emulator.users import SimulatedUser
from bot.runner import Running, start_bot, stop_bot
from bot.services import Services
from bot.web import WebServer
from handlers import background

__all__ = ["BotHarness", "bot", "free_port"]


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
        self.http_server = False
        """Start the production HTTP server (healthz, metrics) too, on a free loopback port."""
        self._running: Running | None = None
        self.app_options: dict[str, Any] = {}
        """Extra ``build_application`` arguments for the next start (``read_timeout=``)."""

    @property
    def app(self) -> ParcelScoutApplication:
        assert self._app is not None, "the bot is not running"
        return self._app

    @property
    def services(self) -> Services:
        assert self._services is not None, "the bot is not running"
        return self._services

    @property
    def web(self) -> WebServer:
        assert self._running is not None and self._running.web is not None, "no HTTP server"
        return self._running.web

    def use_webhook(self, path: str = "/telegram", secret: str | None = None) -> None:
        """Webhook mode at the next start: the emulator POSTs updates to our own server."""
        port = free_port()
        self.configure(
            webhook_url=f"http://127.0.0.1:{port}{path}",
            webhook_secret=secret,
            http_host="127.0.0.1",
            http_port=port,
        )

    def configure(self, **changes: Any) -> None:
        """Change settings; takes effect at the next start/restart."""
        self.settings = replace(self.settings, **changes)

    async def start(self) -> None:
        self._services = await Services.open(self.settings, clock=self.clock)
        if self.http_server or self.settings.webhook_url:
            await self._start_production()
            return
        app = build_application(
            self._services,
            token=self.emulator.token,
            base_url=self.emulator.base_url,
            base_file_url=self.emulator.base_file_url,
            **self.app_options,
        )
        await prepare(app)
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=5)
        await app.start()
        self.emulator.settle_hook = partial(background.settled, app)
        self._app = app

    async def _start_production(self) -> None:
        """Start through bot.runner exactly as ``parcel-scout run`` does (webhook or polling)."""
        assert self._services is not None
        webhook = bool(self.settings.webhook_url)
        app = build_application(
            self._services,
            token=self.emulator.token,
            base_url=self.emulator.base_url,
            base_file_url=self.emulator.base_file_url,
            updater=not webhook,
            **self.app_options,
        )
        port = self.settings.http_port if webhook else 0
        self._running = await start_bot(
            app, host="127.0.0.1", port=port, poll_kwargs={"poll_interval": 0, "timeout": 5}
        )
        self.emulator.settle_hook = partial(background.settled, app)
        self._app = app

    async def stop(self) -> None:
        """Stop like SIGTERM does: no new updates, flush persistence, close the database."""
        if self._running is not None:
            running, self._running = self._running, None
            self._app = None
            self.emulator.settle_hook = None
            await stop_bot(running)
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest_asyncio.fixture
async def bot(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """A running bot wired to the emulator, on a fresh SQLite file in tmp_path."""
    harness = BotHarness(emulator, tmp_path / "bot.db")
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
