"""Track numbers pasted in chat: explain each one, with buttons to watch it or ask what to do."""

from __future__ import annotations

from functools import lru_cache

from telegram import Message, Update
from telegram.ext import Application, MessageHandler, filters

from bot.app import BotContext
from bot.core.tracknumbers import FoundNumbers, find_numbers
from bot.core.tracknumbers.render import render_chat
from bot.i18n import _
from bot.ui.buttons import Button, WatchNumber, WhatNowNumber
from handlers.common import keyboard, send_parts

COMMANDS: list[tuple[str, str]] = []

# Rows of per-number buttons under an answer; more would bury the chat (numbers stay explained).
MAX_BUTTON_ROWS = 10


@lru_cache(maxsize=256)
def _find(text: str) -> FoundNumbers:
    # The filter and the handler look at the same text; analyse it once.
    return find_numbers(text)


class _HasTrackNumber(filters.MessageFilter):
    """Lets through only texts with at least one candidate number (others go to the fallback)."""

    def filter(self, message: Message) -> bool:
        return bool(message.text) and bool(_find(message.text or "").items)


HAS_TRACK_NUMBER = _HasTrackNumber(name="has_track_number")


def _buttons(found: FoundNumbers) -> list[list[Button]]:
    rows: list[list[Button]] = []
    many = len(found.items) > 1
    for index, analysis in enumerate(found.items[:MAX_BUTTON_ROWS], start=1):
        number = analysis.number
        watch = _("👁 Watch #{n}").format(n=index) if many else _("👁 Watch this parcel")
        advice = _("🧭 What now? #{n}").format(n=index) if many else _("🧭 What should I do now?")
        row: list[Button] = []
        if WatchNumber.fits(number=number):
            row.append((watch, WatchNumber(number).pack()))
        if WhatNowNumber.fits(number=number):
            row.append((advice, WhatNowNumber(number).pack()))
        if row:
            rows.append(row)
    return rows


async def _price_usd(context: BotContext, user_id: int, found: FoundNumbers) -> float | None:
    """The item's price, when the user told it for this (single) number's parcel."""
    if len(found.items) != 1:
        return None
    parcel = await context.services.storage.parcels.get_by_number(user_id, found.items[0].number)
    if parcel is None or parcel.price_amount is None or parcel.price_currency != "USD":
        return None
    return float(parcel.price_amount)


async def explain(update: Update, context: BotContext) -> None:
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or not message.text:
        return
    found = _find(message.text)
    user_id = update.effective_user.id if update.effective_user else chat.id
    parts = render_chat(found, price_usd=await _price_usd(context, user_id, found))
    rows = _buttons(found)
    await send_parts(update, context, parts, keyboard(rows) if rows else None)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & HAS_TRACK_NUMBER, explain))
