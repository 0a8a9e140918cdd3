"""Process lifecycle: open the services, run the Application in its mode, shut down cleanly.

Modes: long polling (a token, no ``WEBHOOK_URL``), webhook (``WEBHOOK_URL``: our own aiohttp
server receives Telegram's POSTs), local chat (no token). With a token, the HTTP server for
/healthz and /metrics (and 17TRACK pushes) runs in both modes.

Shutdown on SIGTERM/SIGINT: stop taking updates (polling stops, the webhook answers 503 so
Telegram keeps the update), let ptb finish the updates and jobs in flight, flush persistence,
close the database — bounded so the process exits well within 10 seconds.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from telegram import Update

from bot.app import ParcelScoutApplication, build_application, prepare, stop_within
from bot.config import Settings
from bot.services import Services
from bot.web import Webhook, WebServer

log = logging.getLogger(__name__)

# Time allowed for in-flight updates and jobs once a stop signal arrives; the rest of the 10 s
# budget is for flushing persistence and closing the database.
STOP_TIMEOUT = 6.0


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):  # not on the main thread / platform
            loop.add_signal_handler(sig, stop.set)


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


@dataclass(slots=True)
class Running:
    """A started Application and its HTTP server, as :func:`start_bot` leaves them."""

    app: ParcelScoutApplication
    web: WebServer | None
    mode: str


async def start_bot(
    app: ParcelScoutApplication,
    *,
    http: bool = True,
    host: str | None = None,
    port: int | None = None,
    poll_kwargs: Mapping[str, Any] | None = None,
) -> Running:
    """Initialize and start ``app`` in webhook mode (``settings.webhook_url``) or polling."""
    try:
        return await _start(app, http=http, host=host, port=port, poll_kwargs=poll_kwargs)
    except BaseException:
        if app.running:
            await app.stop()
        await app.shutdown()
        raise


async def _start(
    app: ParcelScoutApplication,
    *,
    http: bool,
    host: str | None,
    port: int | None,
    poll_kwargs: Mapping[str, Any] | None,
) -> Running:
    services = app.services
    settings = services.settings
    await prepare(app)
    webhook: Webhook | None = None
    secret = ""
    if settings.webhook_url:
        # A random secret per start is fine: setWebhook below tells Telegram the new one.
        secret = settings.webhook_secret or secrets.token_urlsafe(32)

        async def on_update(data: Mapping[str, Any]) -> None:
            try:
                update = Update.de_json(dict(data), app.bot)
            except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as exc:
                # JSON, but not an Update this version understands: the sender hears 400.
                raise ValueError(f"not an Update: {exc.__class__.__name__}") from None
            await app.update_queue.put(update)

        webhook = Webhook(webhook_path(settings.webhook_url), secret, on_update)
    web: WebServer | None = None
    if http or webhook is not None:
        web = WebServer(services, webhook=webhook, host=host, port=port)
        await web.start()
    try:
        if webhook is not None and settings.webhook_url:
            await app.start()
            await app.bot.set_webhook(
                settings.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES
            )
            # The path is a secret of sorts (README: make it unguessable): not in the log.
            log.info("mode: webhook")
            return Running(app, web, "webhook")
        assert app.updater is not None, "polling needs the Updater"
        await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, **dict(poll_kwargs or {}))
        await app.start()
    except BaseException:
        if web is not None:
            await web.stop()
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        raise
    log.info("mode: long polling")
    return Running(app, web, "polling")


async def stop_bot(running: Running, *, grace: float = STOP_TIMEOUT) -> None:
    """Stop taking updates, finish what is in flight (bounded), flush persistence."""
    app = running.app
    if running.web is not None:
        running.web.stop_accepting()
    try:
        if not await stop_within(app, grace):
            log.warning("in-flight work did not finish within %.0f s; stopping anyway", grace)
    finally:
        if running.web is not None:
            await running.web.stop()
        await app.shutdown()  # flushes persistence


async def run_bot(settings: Settings, stop: asyncio.Event | None = None) -> int:
    """Polling or webhook mode until ``stop`` is set (by SIGTERM/SIGINT when not given)."""
    services = await Services.open(settings)
    if stop is None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
    try:
        app = build_application(services, updater=not settings.webhook_url)
        log.info("data file: %s", settings.db_path.resolve())
        running = await start_bot(app)
        try:
            await stop.wait()
            log.info("stopping: no new updates, finishing what is in flight")
        finally:
            await stop_bot(running)
    finally:
        await services.close()
    log.info("stopped")
    return 0


# Kept for callers of the first version.
run_polling = run_bot


async def run(settings: Settings) -> int:
    if settings.bot_token is None:
        from bot.localchat import run_local_chat

        return await run_local_chat(settings)
    return await run_bot(settings)
