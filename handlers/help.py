"""/help: what the bot does, the commands, and what it stores."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.app import BotContext
from bot.i18n import N_, _
from bot.ui.buttons import HelpShow, MainMenu
from handlers.callbacks import route
from handlers.common import edit_or_send, keyboard
from handlers.privacy import ANONYMOUS_STATS

COMMANDS = [("help", N_("What I can do"))]


def help_text() -> str:
    from handlers import command_menu

    lines = [
        _("<b>What I can do</b>"),
        _("Paste any track number, or several, and I explain each one."),
        "",
        _("<b>Commands</b>"),
    ]
    lines += [f"/{name} — {_(text)}" for name, text in command_menu()]
    lines += [
        "",
        _("<b>What I store</b>"),
        _("Your Telegram id, chat id and language, and only what you tell me about your parcels."),
        # Said plainly because it is true: checks go out to these services (QA C6).
        _(
            "To check a parcel I send its track number, and nothing else about you, to the "
            "tracking services: Cainiao, 17TRACK and Russian Post. I share nothing with anyone "
            "else."
        ),
        _(
            "I keep it to check your parcels and tell you what changed. /export gives you a "
            "copy of your parcels; /forgetme deletes everything I store about you."
        ),
        _(ANONYMOUS_STATS),
    ]
    return "\n".join(lines)


async def show_help(update: Update, context: BotContext) -> None:
    if update.callback_query:
        await update.callback_query.answer()
    back = keyboard([[(_("⬅️ Main menu"), MainMenu().pack())]])
    await edit_or_send(update, context, help_text(), back)


async def help_button(update: Update, context: BotContext, _data: HelpShow) -> None:
    await show_help(update, context)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("help", show_help))
    app.add_handler(route(HelpShow, help_button))
