"""/language: pick the bot's language; the choice is stored and the command menu follows it."""

from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, CommandHandler

from bot.app import BotContext
from bot.i18n import N_, SUPPORTED, _, set_language, translate
from bot.ui.buttons import LanguageMenu, LanguageSet
from handlers.callbacks import route
from handlers.common import edit_or_send, keyboard

log = logging.getLogger(__name__)

COMMANDS = [("language", N_("Change the language"))]

# Each language's name in itself, so anyone can find theirs.
NATIVE_NAMES = {"en": "🇬🇧 English", "ru": "🇷🇺 Русский"}


async def ask(update: Update, context: BotContext) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    rows = [[(NATIVE_NAMES[code], LanguageSet(code).pack()) for code in SUPPORTED]]
    await edit_or_send(update, context, _("Choose your language:"), keyboard(rows))


async def menu_button(update: Update, context: BotContext, _data: LanguageMenu) -> None:
    await ask(update, context)


async def choose(update: Update, context: BotContext, data: LanguageSet) -> None:
    query = update.callback_query
    assert query is not None
    code = data.code
    if code not in SUPPORTED:
        await query.answer(_("That language is not available."), show_alert=True)
        return
    await context.services.storage.users.set_language(query.from_user.id, code)
    set_language(code)
    await query.answer()
    from handlers.start import main_menu

    await edit_or_send(update, context, _("Done: I will speak English."), keyboard(main_menu()))
    await _set_chat_commands(context, query.from_user.id, code)


async def _set_chat_commands(context: BotContext, chat_id: int, language: str) -> None:
    """The chat's command menu in the chosen language, whatever the Telegram app's language."""
    from handlers import command_menu

    commands = [BotCommand(name, translate(text, language)) for name, text in command_menu()]
    try:
        await context.bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:  # a menu is a nicety; the language is already saved
        log.warning("could not set the chat's command menu: %s", exc)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("language", ask))
    app.add_handler(route(LanguageMenu, menu_button))
    app.add_handler(route(LanguageSet, choose))
