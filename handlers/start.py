"""/start and the main menu."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.app import BotContext
from bot.i18n import N_, _
from bot.ui.buttons import (
    Button,
    Callback,
    DisputeStart,
    HelpShow,
    LanguageMenu,
    MainMenu,
    ParcelsPage,
    SettingsMenu,
    WhatNowStart,
)
from handlers.callbacks import route
from handlers.common import edit_or_send, keyboard, send_html

COMMANDS = [("start", N_("Main menu"))]

# The main actions, as (label msgid, button). Only features that exist belong here.
MAIN_MENU: list[list[tuple[str, Callback]]] = [
    [(N_("📦 My parcels"), ParcelsPage(0)), (N_("🧭 What should I do now?"), WhatNowStart())],
    [(N_("⚖️ Dispute help"), DisputeStart()), (N_("⚙️ Settings"), SettingsMenu())],
    [(N_("🌐 Language"), LanguageMenu()), (N_("❓ Help"), HelpShow())],
]


def main_menu() -> list[list[Button]]:
    return [[(_(label), data.pack()) for label, data in row] for row in MAIN_MENU]


def greeting() -> str:
    return "\n".join(
        (
            _("👋 <b>Parcel Scout</b> helps when a parcel from China is untracked, stuck or lost."),
            _("📦 Paste a track number: I explain what it means and where to track it."),
            _("🧭 I tell you the next step before the buyer-protection timer runs out."),
        )
    )


async def start(update: Update, context: BotContext) -> None:
    await send_html(update, context, greeting(), keyboard(main_menu()))


async def menu(update: Update, context: BotContext, _data: MainMenu) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await edit_or_send(update, context, greeting(), keyboard(main_menu()))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("start", start))
    app.add_handler(route(MainMenu, menu))
