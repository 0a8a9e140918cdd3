"""/evidence and the card's "Evidence picture" button: the parcel's record as a picture for the
AliExpress dispute (bot/ui/evidence.py draws it; this module loads the data and sends it).

Sent as a photo (a preview Telegram shows in the chat) and as a PNG file (Telegram recompresses
photos; the dispute upload wants the sharp original), with a button for the PDF.
The dispute walk-through's evidence step can call :func:`send_evidence` with its parcel.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import InputFile, Update
from telegram.ext import CommandHandler

from bot.app import BotContext, ParcelScoutApplication
from bot.i18n import N_, _, ngettext, use_language
from bot.ui.buttons import EvidencePdf, EvidencePicture
from bot.ui.evidence import CheckCount, Evidence, EvidenceEvent, alt_text, render_pdf, render_png
from bot.ui.present import esc, fmt_money, quoted, user_zone
from handlers.callbacks import route
from handlers.common import keyboard, send_html
from storage import Parcel

log = logging.getLogger(__name__)

COMMANDS = [("evidence", N_("Tracking record for a dispute"))]
PICKER_MAX = 20  # parcels offered by /evidence, newest first (archived ones too)


async def load(context: BotContext, parcel: Parcel) -> Evidence:
    storage = context.services.storage
    user = await storage.users.get(parcel.user_id)
    zone_name = (user.timezone if user else None) or "UTC"
    events = await storage.events.timeline(parcel.id)
    checks = await storage.checks.for_parcel(parcel.id)
    price = None
    if parcel.price_amount is not None:
        with use_language("en"):  # the record is in English, the dispute's language
            price = fmt_money(parcel.price_amount, parcel.price_currency)
    return Evidence(
        number=parcel.number,
        status=parcel.status,
        now=context.services.clock.now(),
        zone=user_zone(user.timezone if user else None),
        zone_name=zone_name,
        nickname=parcel.nickname,
        real_number=parcel.real_number,
        shipped_on=parcel.shipped_on,
        protection_deadline=parcel.protection_deadline,
        price=price,
        origin_country=parcel.origin_country,
        dest_country=parcel.dest_country,
        added_at=parcel.created_at,
        last_event_at=parcel.last_event_at,
        events=tuple(
            EvidenceEvent(
                e.occurred_at,
                e.source,
                e.raw_code or "",
                e.description,
                e.detail or "",
                e.location or "",
                e.status,
            )
            for e in events
        ),
        checks=tuple(
            CheckCount(c.source, c.result, c.since_event_at, c.checks, c.first_at, c.last_at)
            for c in checks
        ),
    )


def _filename(parcel: Parcel, ext: str) -> str:
    safe = "".join(ch for ch in parcel.number if ch.isalnum())[:40] or "parcel"
    return f"evidence-{safe}.{ext}"


async def send_evidence(update: Update, context: BotContext, parcel: Parcel) -> None:
    """The picture of ``parcel`` as a photo and a PNG file, with a PDF button."""
    chat = update.effective_chat
    if chat is None:
        return
    data = await load(context, parcel)
    try:
        # Drawing takes a few hundred milliseconds: off the event loop.
        png = await asyncio.to_thread(render_png, data)
    except Exception:
        log.exception("evidence picture failed for parcel %s", parcel.id)
        await send_html(update, context, _("😕 I could not draw the picture. Please try again."))
        return
    n = len(data.events)
    caption = ngettext(
        "📸 Tracking record of <b>{name}</b>: {n} event, every check I made. Attach it to the "
        "dispute on AliExpress; it is in English, the dispute's language.",
        "📸 Tracking record of <b>{name}</b>: {n} events, every check I made. Attach it to the "
        "dispute on AliExpress; it is in English, the dispute's language.",
        n,
    ).format(name=quoted(parcel.display_name), n=n)
    await context.bot.send_photo(
        chat.id, InputFile(png, filename=_filename(parcel, "png")), caption=caption
    )
    rows = [[(_("📄 The same as PDF"), EvidencePdf(parcel.id).pack())]]
    await context.bot.send_document(
        chat.id,
        InputFile(png, filename=_filename(parcel, "png")),
        caption=_("The picture as a file, in full quality: {alt}").format(alt=esc(alt_text(data))),
        reply_markup=keyboard(rows),
    )


async def _owned(update: Update, context: BotContext, parcel_id: int) -> Parcel | None:
    query = update.callback_query
    assert query is not None
    parcel = await context.services.storage.parcels.get_owned(query.from_user.id, parcel_id)
    if parcel is None:
        await query.answer(
            _("I cannot find this parcel: it may have been deleted. Open /list for a fresh menu."),
            show_alert=True,
        )
    return parcel


async def picture_button(update: Update, context: BotContext, value: EvidencePicture) -> None:
    parcel = await _owned(update, context, value.parcel_id)
    if parcel is None:
        return
    assert update.callback_query is not None
    await update.callback_query.answer(_("Drawing the picture…"))
    await send_evidence(update, context, parcel)


async def pdf_button(update: Update, context: BotContext, value: EvidencePdf) -> None:
    parcel = await _owned(update, context, value.parcel_id)
    chat = update.effective_chat
    if parcel is None or chat is None:
        return
    assert update.callback_query is not None
    await update.callback_query.answer(_("Making the PDF…"))
    data = await load(context, parcel)
    try:
        pdf = await asyncio.to_thread(render_pdf, data)
    except Exception:
        log.exception("evidence PDF failed for parcel %s", parcel.id)
        await send_html(update, context, _("😕 I could not make the PDF. Please try again."))
        return
    await context.bot.send_document(
        chat.id, InputFile(pdf, filename=_filename(parcel, "pdf")), caption=esc(alt_text(data))
    )


async def evidence_command(update: Update, context: BotContext) -> None:
    user = update.effective_user
    if user is None:
        return
    parcels = await context.services.storage.parcels.list_for_user(
        user.id, active_only=False, limit=PICKER_MAX
    )
    if not parcels:
        await send_html(
            update, context, _("📸 You do not watch any parcels yet. Add one with /add first.")
        )
        return
    if len(parcels) == 1:
        await send_evidence(update, context, parcels[0])
        return
    rows = [[(p.display_name[:40], EvidencePicture(p.id).pack())] for p in parcels]
    await send_html(
        update, context, _("📸 Which parcel is the tracking record for?"), keyboard(rows)
    )


def register(app: ParcelScoutApplication) -> None:
    app.add_handler(CommandHandler("evidence", evidence_command))
    app.add_handler(route(EvidencePicture, picture_button))
    app.add_handler(route(EvidencePdf, pdf_button))
