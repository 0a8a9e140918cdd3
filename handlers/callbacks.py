"""Routing typed buttons (``bot.ui.buttons``) to handlers; crafted data is answered here."""

from __future__ import annotations

import typing
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.i18n import N_, _
from bot.ui.buttons import Callback

if typing.TYPE_CHECKING:
    from bot.app import BotContext

STALE_TEXT = N_("This button is out of date. Send /start for a fresh menu.")


async def answer_stale(update: Update) -> None:
    """The one answer to a crafted or outdated button: short, and the spinner stops."""
    query = update.callback_query
    if query is not None:
        await query.answer(_(STALE_TEXT), show_alert=True)


C = TypeVar("C", bound=Callback)


def route(
    family: type[C],
    handler: Callable[[Update, BotContext, C], Awaitable[object]],
) -> CallbackQueryHandler[BotContext, None]:
    """A ``CallbackQueryHandler`` for ``family``: pattern from its prefix, typed value in."""

    async def handle(update: Update, context: BotContext) -> None:
        query = update.callback_query
        value = family.unpack(query.data or "") if query is not None else None
        if value is None:
            await answer_stale(update)
            return
        await handler(update, context, value)

    return CallbackQueryHandler(handle, pattern=family.pattern())
