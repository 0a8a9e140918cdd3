"""Builds the python-telegram-bot Application: handlers, persistence, rate limiter and jobs.

The same Application serves every mode: long polling with a real token, webhook mode, and local
chat against the bundled Bot API emulator. Services are created by the caller (so tests and local
chat can hand in their own clock or database) and reached from handlers as ``context.services``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, cast

from telegram import BotCommand, BotCommandScopeDefault, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    ContextTypes,
    Defaults,
    ExtBot,
    JobQueue,
)

from bot import metrics
from bot.i18n import SUPPORTED, translate
from bot.services import Services
from bot.telegram_io import ResilientRateLimiter
from bot.ui.userdata import UserData
from bot.updates import DEFAULT_LIMIT, ChatOrderedProcessor, UpdateQueue
from storage.persistence import SqlitePersistence

log = logging.getLogger(__name__)

# Telegram answers a send in well under a second, in its bad minutes in several. ptb's default 5 s
# read timeout took such an answer for a lost request, and the retry delivered it twice (the
# probe: 3 of 3 answers that took 8 s). Wait as long as a slow Telegram takes; a read that times
# out anyway is retried and counted (``parcel_scout_telegram_retries_total``). Connecting and
# waiting for a free pooled connection send nothing, so their timeouts may stay short.
SEND_READ_TIMEOUT = 30.0
SEND_WRITE_TIMEOUT = 20.0
SEND_CONNECT_TIMEOUT = 10.0
SEND_POOL_TIMEOUT = 10.0

ChatData = dict[Any, Any]
BotData = dict[Any, Any]


class BotContext(CallbackContext[ExtBot[None], UserData, ChatData, BotData]):
    """Callback context with typed access to the services."""

    @property
    def services(self) -> Services:
        return cast(ParcelScoutApplication, self.application).services


class ParcelScoutApplication(
    Application[ExtBot[None], BotContext, UserData, ChatData, BotData, JobQueue[BotContext]]
):
    """The Application with its services attached (built by :func:`build_application`)."""

    def __init__(self, *, services: Services, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.services = services

    async def process_update(self, update: object) -> None:
        # Every update passes here (polling and webhook alike): count it and time its handling.
        started = time.perf_counter()
        try:
            await super().process_update(update)
        finally:
            metrics.HANDLER_LATENCY.observe(time.perf_counter() - started)
            metrics.UPDATES.labels(type=update_type(update)).inc()


def update_type(update: object) -> str:
    """``message``, ``callback_query``, ... — the field of the update that is set."""
    if isinstance(update, Update):
        for name in Update.ALL_TYPES:
            if getattr(update, name, None) is not None:
                return name
    return "other"


async def _register_commands(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Command menus in every shipped language (Telegram picks by the user's app language)."""
    from handlers import command_menu

    for language in SUPPORTED:
        commands = [BotCommand(name, translate(text, language)) for name, text in command_menu()]
        code = None if language == "en" else language
        await app.bot.set_my_commands(commands, scope=BotCommandScopeDefault(), language_code=code)


async def prepare(app: ParcelScoutApplication) -> None:
    """Initialize the Application and run the features' start-up work.

    ptb only calls ``post_init`` from ``run_polling``/``run_webhook``; we drive the lifecycle
    ourselves (polling, webhook and local chat alike), so this is the one place it happens.
    """
    await app.initialize()
    await _register_commands(app)
    from handlers import on_startup

    await on_startup(app)


def build_application(
    services: Services,
    *,
    token: str | None = None,
    base_url: str | None = None,
    base_file_url: str | None = None,
    persistence_interval: float = 30,
    updater: bool = True,
    max_updates_in_flight: int = DEFAULT_LIMIT,
    read_timeout: float = SEND_READ_TIMEOUT,
) -> ParcelScoutApplication:
    """Wire one Application around ``services``. Starting it is the caller's job.

    Updates of different chats are handled concurrently, those of one chat (and one user) in
    arrival order, at most ``max_updates_in_flight`` at a time (see :mod:`bot.updates`).
    ``read_timeout``: how long a request to Telegram waits for its answer (tests shorten it).
    """
    from handlers import register

    settings = services.settings
    token = token or settings.bot_token
    if not token:
        raise ValueError("a bot token is needed (local chat passes the emulator's)")
    builder = (
        ApplicationBuilder()
        .application_class(ParcelScoutApplication, kwargs={"services": services})
        .context_types(ContextTypes(context=BotContext, user_data=UserData))
        .token(token)
        .update_queue(UpdateQueue(max_updates_in_flight))
        .concurrent_updates(ChatOrderedProcessor(max_updates_in_flight))
        .persistence(
            SqlitePersistence(
                services.storage.db,
                update_interval=persistence_interval,
                load_user_data=UserData.load,
                dump_user_data=UserData.dump,
            )
        )
        .rate_limiter(ResilientRateLimiter())
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .read_timeout(read_timeout)
        .write_timeout(SEND_WRITE_TIMEOUT)
        .connect_timeout(SEND_CONNECT_TIMEOUT)
        .pool_timeout(SEND_POOL_TIMEOUT)
        .get_updates_read_timeout(35)
    )
    base_url = base_url or settings.telegram_api_url
    if base_url:
        builder = builder.base_url(base_url).base_file_url(base_file_url or base_url)
    if not updater:
        builder = builder.updater(None)
    app = cast(ParcelScoutApplication, builder.build())
    register(app)
    return app


__all__ = ["BotContext", "ParcelScoutApplication", "Update", "build_application", "prepare"]


async def stop_within(app: ParcelScoutApplication, grace: float) -> bool:
    """Stop polling and the Application; False when in-flight work outlived ``grace``."""
    try:
        async with asyncio.timeout(grace):
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            if app.running:
                await app.stop()
    except TimeoutError:
        return False
    return True
