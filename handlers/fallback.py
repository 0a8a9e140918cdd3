"""Anything no other handler understood gets a friendly note of what the bot can do."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.app import BotContext
from bot.i18n import _
from handlers.callbacks import answer_stale
from handlers.common import keyboard, send_html


def fallback_text() -> str:
    return "\n".join(
        (
            _("I did not understand that, but here is what I can do:"),
            _("• paste a track number and I explain it;"),
            _("• /add a number and I watch it and tell you every change;"),
            _("• /whatnow — the next step for a parcel, with a letter to the seller;"),
            _("• /dispute — the AliExpress dispute form, step by step;"),
            _("• /help lists everything else."),
        )
    )


async def not_understood(update: Update, context: BotContext) -> None:
    from handlers.start import main_menu

    await send_html(update, context, fallback_text(), keyboard(main_menu()))


async def stale_button(update: Update, context: BotContext) -> None:
    """A button from an old message whose feature or data is gone: say so instead of spinning."""
    await answer_stale(update)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(MessageHandler(filters.ALL, not_understood))
    app.add_handler(CallbackQueryHandler(stale_button))
