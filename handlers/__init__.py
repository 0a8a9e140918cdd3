"""Telegram-facing handlers, one module per user-facing capability: they translate updates into
calls of the core and storage and results into screens (``bot/ui``).

Each module exposes ``COMMANDS`` (its entries in the command menu), ``register(app)`` and
optionally ``async on_startup(app)``. Order in :data:`MODULES` is the order of matching in
group 0: conversations that wait for typed answers come first, then free text is understood
(``questions``: numbers explained first, then the question answered), and the fallback last.
A command ends any open question first (group -2).

Every button's callback data is a typed family in ``bot/ui/buttons.py`` (the one list), routed
with ``handlers.callbacks.route``.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from telegram import Update
from telegram.ext import MessageHandler, TypeHandler, filters

from handlers import (
    admin,
    coach,
    dispute,
    evidence,
    explain,
    fallback,
    help,
    language,
    notifications,
    parcels,
    privacy,
    questions,
    settings,
    start,
    whatnow,
)
from handlers.awaiting import end_on_command
from handlers.common import identify_user, on_error

if TYPE_CHECKING:
    from bot.app import ParcelScoutApplication

MODULES: list[ModuleType] = [
    start,
    dispute,
    parcels,
    settings,
    whatnow,
    coach,
    evidence,
    privacy,
    admin,
    coach,
    help,
    language,
    questions,
    explain,
    notifications,
    fallback,
]


# The order a buyer looks for things (matching order above is a different concern):
# parcels first, then advice and the dispute, then settings and housekeeping.
MENU_ORDER = (
    "start",
    "add",
    "list",
    "whatnow",
    "dispute",
    "evidence",
    "settings",
    "language",
    "export",
    "forgetme",
    "help",
)


def command_menu() -> list[tuple[str, str]]:
    """(command, description msgid) for every module, in menu order."""
    entries = [entry for module in MODULES for entry in getattr(module, "COMMANDS", [])]
    rank = {name: i for i, name in enumerate(MENU_ORDER)}
    return sorted(entries, key=lambda entry: rank.get(entry[0], len(rank)))


def register(app: ParcelScoutApplication) -> None:
    app.add_handler(MessageHandler(filters.COMMAND, end_on_command), group=-2)
    app.add_handler(TypeHandler(Update, identify_user), group=-1)
    for module in MODULES:
        module.register(app)
    app.add_error_handler(on_error)


async def on_startup(app: ParcelScoutApplication) -> None:
    """Start-up work of the features (jobs to schedule, reminders to re-arm)."""
    for module in MODULES:
        hook = getattr(module, "on_startup", None)
        if hook is not None:
            await hook(app)
