"""Order facts (ship date, price, protection timer) and the parcel's name: the screen, the
questions, and the typed answers to them."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update

from bot.app import BotContext
from bot.core.quantities import Doubt, check_deadline, check_past_date, check_price
from bot.i18n import _, current_language
from bot.ui import parcel_views as views
from bot.ui.parcel_views import Screen
from bot.ui.quantities import doubt_text
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
    # One reader for every step (bot.core.quantities); an impossible value is asked about and
    # the question stays open, so nothing wrong is saved (QA C4).
    if kind == "ship":
        shipped = check_past_date(text, today)
        if isinstance(shipped, Doubt) and shipped.suggestion is None:
            future = _("That date is in the future; when was it shipped?")
            await _not_understood(update, context, future)
            return
        if isinstance(shipped, Doubt):  # "15.12" on 2 December: last year's, or a typo?
            await _ask_again(update, context, doubt_text(shipped))
            return
        if shipped is None:
            await _not_understood(update, context, views.ship_prompt())
            return
        updated = await parcels.update_facts(parcel.user_id, parcel.id, shipped_on=shipped)
    elif kind == "price":
        default = "RUB" if current_language() == "ru" else "USD"
        money = check_price(text, default)
        if isinstance(money, Doubt):
            await _ask_again(update, context, doubt_text(money))
            return
        if money is None:
            await _not_understood(update, context, views.price_prompt())
            return
        currency = money.currency
        if currency is None:
            currency = default
            note = _(
                "I took it as {currency}; type the currency after the amount to change it."
            ).format(currency=currency)
        updated = await parcels.update_facts(
            parcel.user_id, parcel.id, price_amount=money.amount, price_currency=currency
        )
    else:
        deadline = check_deadline(text, today)
        if isinstance(deadline, Doubt):
            await _ask_again(update, context, doubt_text(deadline))
            return
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
    await _ask_again(update, context, _("🤔 I could not read that.") + " " + hint)


async def _ask_again(update: Update, context: BotContext, text: str) -> None:
    await send_html(update, context, text, keyboard([views.cancel_row()]))
