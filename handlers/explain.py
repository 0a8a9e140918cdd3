"""Numbers in a message: explain each track number (with buttons to watch it or ask what to do),
tell an AliExpress order number for what it is, and sum a long paste up in one message with
"watch all". The free-text router (`handlers.questions`) calls :func:`show_numbers` first."""

from __future__ import annotations

from telegram import Message, Update
from telegram.ext import Application

from bot.app import BotContext
from bot.core.tracknumbers import Analysis, FoundNumbers, find_numbers
from bot.core.tracknumbers.render import render_chat
from bot.core.understanding import MAX_NUMBERS, Understood, is_order_number
from bot.i18n import _
from bot.ui import number_views
from bot.ui.buttons import Button, WatchAll, WatchNumber, WhatNowNumber
from handlers.callbacks import route
from handlers.common import keyboard, send_html, send_parts
from handlers.parcels.card import now_ts
from storage import DuplicateParcel

COMMANDS: list[tuple[str, str]] = []

# Rows of per-number buttons under an answer; more would bury the chat (numbers stay explained).
MAX_BUTTON_ROWS = 10


def _buttons(items: list[Analysis]) -> list[list[Button]]:
    rows: list[list[Button]] = []
    many = len(items) > 1
    for index, analysis in enumerate(items[:MAX_BUTTON_ROWS], start=1):
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


async def _price_usd(context: BotContext, user_id: int, items: list[Analysis]) -> float | None:
    """The item's price, when the user told it for this (single) number's parcel."""
    if len(items) != 1:
        return None
    parcel = await context.services.storage.parcels.get_by_number(user_id, items[0].number)
    if parcel is None or parcel.price_amount is None or parcel.price_currency != "USD":
        return None
    return float(parcel.price_amount)


async def show_numbers(update: Update, context: BotContext, understood: Understood) -> None:
    """Order numbers first (what they are), then the track numbers: each explained, or a
    compact summary with "watch all" for a long paste."""
    chat = update.effective_chat
    if chat is None:
        return
    if understood.order_numbers:
        await send_html(update, context, number_views.order_number_text(understood.order_numbers))
    items = list(understood.numbers)
    if not items:
        return
    if understood.many:
        total = understood.total_numbers - len(understood.order_numbers)
        rows = [[(_("👁 Watch all {n}").format(n=len(items)), WatchAll().pack())]]
        await send_html(update, context, number_views.summary_text(items, total), keyboard(rows))
        return
    user_id = update.effective_user.id if update.effective_user else chat.id
    found = FoundNumbers(items, len(items), False)
    parts = render_chat(found, price_usd=await _price_usd(context, user_id, items))
    rows = _buttons(items)
    await send_parts(update, context, parts, keyboard(rows) if rows else None)


async def watch_all(update: Update, context: BotContext, _data: WatchAll) -> None:
    """Watch every number the summary lists (read back from the summary itself)."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    await query.answer()
    text = query.message.text if isinstance(query.message, Message) else None
    found = find_numbers(text or "", limit=MAX_NUMBERS)
    numbers = [a for a in found.items if not is_order_number(a.number)]
    parcels = context.services.storage.parcels
    cap = context.services.settings.max_parcels_per_user
    added = already = refused = 0
    for analysis in numbers:
        if await parcels.get_by_number(user.id, analysis.number) is not None:
            already += 1
            continue
        if await parcels.count_active(user.id) >= cap:
            refused += 1
            continue
        try:
            await parcels.add(
                user.id,
                analysis.number,
                carrier=analysis.best.carrier,
                kind=str(analysis.best.kind),
                next_check_at=now_ts(context),
            )
        except DuplicateParcel:  # a double press raced us
            already += 1
            continue
        added += 1
    await send_html(update, context, number_views.watched_all_text(added, already, refused))


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(route(WatchAll, watch_all))
