"""Watched parcels: /add, /list, the parcel card, timeline, order facts, check now, archive,
delete — one module per screen (``add``, ``listing``, ``card``, ``facts``) over pure ``views``.

Typed answers (a number after /add, a new name, an order fact) are awaited through
``handlers.awaiting``; the text handler matches only while the question is open and fresh, so
every other message flows on to the later handlers.
Every ``parcel:<verb>:<id>`` button loads its parcel with ``get_owned`` before the verb runs:
crafted data never reaches another user's parcel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.app import BotContext, ParcelScoutApplication
from bot.i18n import N_, _
from bot.ui.buttons import (
    ArchivePage,
    ForceAdd,
    ParcelAction,
    ParcelsAdd,
    ParcelsCancel,
    ParcelsPage,
    ParcelVerb,
    WatchHandover,
    WatchNumber,
)
from handlers.awaiting import Awaiting, done, pending
from handlers.callbacks import route
from handlers.common import send_html
from handlers.parcels import add, card, facts, listing
from storage import Parcel

COMMANDS = [
    ("add", N_("Watch a parcel")),
    ("list", N_("My parcels")),
]

AWAIT_TTL = 3600  # an unanswered question is forgotten after an hour
# Kinds of typed answers this feature waits for (settings has its own).
AWAIT_KINDS = frozenset({"add", "rename", *facts.PROMPTS})

ParcelHandler = Callable[[Update, BotContext, Parcel], Awaitable[None]]

VERBS: dict[ParcelVerb, ParcelHandler] = {
    ParcelVerb.VIEW: card.view,
    ParcelVerb.TIMELINE: card.timeline,
    ParcelVerb.TIMELINE_FROM_PUSH: card.timeline,  # edit_or_send never edits a push
    ParcelVerb.RENAME: card.rename,
    ParcelVerb.FACTS: facts.open_facts,
    ParcelVerb.SHIP_DATE: facts.ask_ship,
    ParcelVerb.PRICE: facts.ask_price,
    ParcelVerb.PROTECTION: facts.ask_protection,
    ParcelVerb.CHECK: card.check,
    ParcelVerb.ARCHIVE: card.archive,
    ParcelVerb.ARCHIVE_KEEP_TIMER: card.archive_keep_timer,
    ParcelVerb.ARCHIVE_DROP_TIMER: card.archive_drop_timer,
    ParcelVerb.UNARCHIVE: card.unarchive,
    ParcelVerb.DELETE: card.delete,
    ParcelVerb.DELETE_CONFIRMED: card.delete_confirmed,
}


async def parcel_action(update: Update, context: BotContext, action: ParcelAction) -> None:
    """Every ``parcel:<verb>:<id>``: ownership first, then the verb."""
    query = update.callback_query
    assert query is not None
    parcel = await context.services.storage.parcels.get_owned(query.from_user.id, action.parcel_id)
    if parcel is None:
        await query.answer(
            _("I cannot find this parcel: it may have been deleted. Open /list for a fresh menu."),
            show_alert=True,
        )
        return
    await VERBS[action.verb](update, context, parcel)


async def typed_answer(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    assert message is not None and message.text is not None and user is not None
    question = pending(context)
    kind = question.kind if question is not None else None
    text = message.text.strip()
    if kind == "add":
        # Answered either way: after garbage the next message goes to the usual handlers again,
        # so a user who changed their mind is not stuck in this question.
        done(context)
        await add.add_from_text(update, context, text)
        return
    parcel_id = question.parcel_id if question is not None else None
    parcel = (
        await context.services.storage.parcels.get_owned(user.id, parcel_id)
        if parcel_id is not None
        else None
    )
    if parcel is None:
        done(context)
        await send_html(update, context, _("That parcel is gone. Open /list for your parcels."))
    elif kind == "rename":
        await facts.typed_name(update, context, parcel, text)
    else:
        await facts.typed_fact(update, context, parcel, str(kind), text)


def register(app: ParcelScoutApplication) -> None:
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & Awaiting(app, AWAIT_KINDS, ttl=AWAIT_TTL),
            typed_answer,
        )
    )
    app.add_handler(CommandHandler("add", add.add_command))
    app.add_handler(CommandHandler("list", listing.list_command))
    app.add_handler(route(ParcelsPage, listing.list_page))
    app.add_handler(route(ArchivePage, listing.list_page))
    app.add_handler(route(ParcelsAdd, add.add_button))
    app.add_handler(route(ParcelsCancel, add.cancel))
    app.add_handler(route(ForceAdd, add.force_add))
    app.add_handler(route(WatchNumber, add.watch_number))
    app.add_handler(route(ParcelAction, parcel_action))
    app.add_handler(route(WatchHandover, card.watch_handover))
