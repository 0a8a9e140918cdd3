"""Process lifecycle: open the services, run the Application in its mode, shut down cleanly."""

from __future__ import annotations

import asyncio
import logging
import signal
from contextlib import suppress

from telegram import Update

from bot.app import build_application, prepare
from bot.config import Settings
from bot.services import Services

log = logging.getLogger(__name__)


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):  # not on the main thread / platform
            loop.add_signal_handler(sig, stop.set)


async def run_polling(settings: Settings) -> int:
    services = await Services.open(settings)
    stop = asyncio.Event()
    _stop_on_signals(stop)
    try:
        app = build_application(services)
        log.info("mode: long polling; data file: %s", settings.db_path.resolve())
        await prepare(app)
        try:
            assert app.updater is not None
            await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            await app.start()
            await stop.wait()
            log.info("stopping: no new updates, finishing what is in flight")
            await app.updater.stop()
            await app.stop()
        finally:
            await app.shutdown()  # flushes persistence
    finally:
        await services.close()
    return 0


async def run(settings: Settings) -> int:
    if settings.bot_token is None:
        from bot.localchat import run_local_chat

        return await run_local_chat(settings)
    return await run_polling(settings)
