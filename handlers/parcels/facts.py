"""Order facts (ship date, price, protection timer) and the parcel's name: the screen, the
questions, and the typed answers to them."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update

from bot.app import BotContext
from bot.core.parsing import parse_date, parse_days_left, parse_money
from bot.i18n import _, current_language
from bot.ui import parcel_views as views
from bot.ui.parcel_views import Screen
from handlers.awaiting import ask, done
from handlers.common import keyboard, send_html
from handlers.parcels.card import show, show_card, user_clock
from storage import Parcel

# Question kind -> its prompt. The kinds are what ``handlers.awaiting`` waits for.
PROMPTS: dict[str, Callable[[], str]] = {
    "ship": views.ship_prompt,
    "price": views.price_prompt,
    "protection": views.protection_prompt,
}


async def facts_screen(context: BotContext, parcel: Parcel) -> Screen:
    _tz, today = await user_clock(context, parcel.user_id)
    return views.facts_screen(parcel, today)


async def open_facts(update: Update, context: BotContext, parcel: Parcel) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    done(context)
    await show(update, context, await facts_screen(context, parcel), edit=True)


async def _ask_fact(update: Update, context: BotContext, parcel: Parcel, kind: str) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    ask(context, kind, parcel.id)
    await send_html(update, context, PROMPTS[kind](), keyboard([views.cancel_row()]))


async def ask_ship(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _ask_fact(update, context, parcel, "ship")


async def ask_price(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _ask_fact(update, context, parcel, "price")


async def ask_protection(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _ask_fact(update, context, parcel, "protection")


async def typed_name(update: Update, context: BotContext, parcel: Parcel, text: str) -> None:
    name = " ".join(text.split())
    if len(name) > views.NICKNAME_MAX:
        too_long = _("That name is {n} characters long; {max} at most, please.").format(
            n=len(name), max=views.NICKNAME_MAX
        )
        await send_html(update, context, too_long, keyboard([views.cancel_row()]))
        return
    nickname = None if name in ("-", "—", "") else name
    renamed = await context.services.storage.parcels.rename(parcel.user_id, parcel.id, nickname)
    done(context)
    if renamed is not None:
        await show_card(update, context, renamed, _("✏️ Renamed."))


async def typed_fact(
    update: Update, context: BotContext, parcel: Parcel, kind: str, text: str
) -> None:
    parcels = context.services.storage.parcels
    _tz, today = await user_clock(context, parcel.user_id)
    updated: Parcel | None
    note = ""
    if kind == "ship":
        shipped = parse_date(text, today)
        if shipped is None:
            await _not_understood(update, context, views.ship_prompt())
            return
        if shipped > today:
            future = _("That date is in the future; when was it shipped?")
            await _not_understood(update, context, future)
            return
        updated = await parcels.update_facts(parcel.user_id, parcel.id, shipped_on=shipped)
    elif kind == "price":
        money = parse_money(text)
        if money is None:
            await _not_understood(update, context, views.price_prompt())
            return
        currency = money.currency
        if currency is None:
            currency = "RUB" if current_language() == "ru" else "USD"
            note = _(
                "I took it as {currency}; type the currency after the amount to change it."
            ).format(currency=currency)
        updated = await parcels.update_facts(
            parcel.user_id, parcel.id, price_amount=money.amount, price_currency=currency
        )
    else:
        deadline = parse_days_left(text, today)
        if deadline is None:
            await _not_understood(update, context, views.protection_prompt())
            return
        updated = await parcels.update_facts(
            parcel.user_id, parcel.id, protection_deadline=deadline
        )
    done(context)
    if updated is not None:
        head = _("✅ Saved.") + (f" {note}" if note else "")
        await show(update, context, views.facts_screen(updated, today), head)


async def _not_understood(update: Update, context: BotContext, hint: str) -> None:
    text = _("🤔 I could not read that.") + " " + hint
    await send_html(update, context, text, keyboard([views.cancel_row()]))
