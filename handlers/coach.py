"""The buttons of a coach push (bot/watch/coach.py): the letter, and what happened.

Each answer is stored as a fact on the parcel ("I wrote to the seller" → contacted today), so the
next advice, and the coach's next push, build on it instead of repeating the same step.
"""

from __future__ import annotations

from typing import Any

from telegram import Update

from bot.app import BotContext, ParcelScoutApplication
from bot.core.advice import SellerResponse, advise
from bot.i18n import N_, _
from bot.ui.buttons import CoachDid, CoachLetter
from bot.ui.present import quoted
from bot.watch import coach
from handlers.advice_chat import letter_html, parcel_facts, render_advice, today_for
from handlers.callbacks import route
from handlers.common import send_html
from handlers.whatnow import ask_about
from storage import Parcel, ts

COMMANDS: list[tuple[str, str]] = []


async def _parcel(update: Update, context: BotContext, parcel_id: int) -> Parcel | None:
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    parcel = await context.services.storage.parcels.get_owned(user.id, parcel_id)
    if parcel is None:
        await query.answer(_("I cannot find that parcel any more."), show_alert=True)
    return parcel


async def on_letter(update: Update, context: BotContext, data: CoachLetter) -> None:
    """The letter for the parcel's step as it is now (it may have moved on since the push)."""
    parcel = await _parcel(update, context, data.parcel_id)
    if parcel is None:
        return
    assert update.callback_query is not None and update.effective_user is not None
    today = await today_for(context, update.effective_user.id)
    advice = advise(await parcel_facts(context, parcel.user_id, parcel, today), today=today)
    if advice.letter is None:
        await update.callback_query.answer(
            _("No letter is needed for this step any more: see what to do now."), show_alert=True
        )
        await render_advice(update, context, advice, parcel)
        return
    await update.callback_query.answer()
    await send_html(update, context, letter_html(advice.letter))


_OFF_TEXT = N_("🔕 OK, no more tips about {name}. /whatnow still answers whenever you ask.")


async def on_did(update: Update, context: BotContext, data: CoachDid) -> None:
    """Store what happened as a fact, then say the next step."""
    parcel = await _parcel(update, context, data.parcel_id)
    if parcel is None:
        return
    query, user = update.callback_query, update.effective_user
    assert query is not None and user is not None
    storage = context.services.storage
    today = await today_for(context, user.id)
    changes: dict[str, Any] = {}
    if data.what == coach.Did.OFF:
        await coach.set_off(storage, user.id, parcel.id, ts(context.services.clock.now()))
        await query.answer()
        await send_html(update, context, _(_OFF_TEXT).format(name=quoted(parcel.display_name)))
        return
    if data.what == coach.Did.ANSWERED:
        await query.answer()
        await ask_about(update, context, parcel, "seller_response")
        return
    if data.what == coach.Did.WROTE:
        changes["seller_contacted_on"] = today
    elif data.what == coach.Did.DISPUTE:
        changes.update(dispute_status="open", dispute_opened_on=today)
    elif data.what == coach.Did.REFUSED:
        changes["seller_response"] = SellerResponse.REFUSED.value
        if parcel.seller_contacted_on is None:
            changes["seller_contacted_on"] = today  # a refusal means they were asked
    else:
        await query.answer(_("This button is out of date."), show_alert=True)
        return
    await query.answer(_("Noted."))
    updated = await storage.parcels.update_facts(user.id, parcel.id, **changes) or parcel
    advice = advise(await parcel_facts(context, user.id, updated, today), today=today)
    await render_advice(update, context, advice, updated)


def register(app: ParcelScoutApplication) -> None:
    app.add_handler(route(CoachLetter, on_letter))
    app.add_handler(route(CoachDid, on_did))
