"""The parcel card and what its buttons do: timeline, check now, archive, watch again, delete.

Every action receives a parcel already loaded with ``get_owned`` (see ``handlers.parcels``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import date, tzinfo

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.app import BotContext
from bot.core.archiving import asks_to_keep_timer
from bot.core.check_now import manual_check
from bot.core.estimates import VendorEta, estimate
from bot.i18n import N_, _, ngettext
from bot.tracking.cainiao import handover_numbers
from bot.ui import parcel_views as views
from bot.ui.archive_question import keep_timer_question
from bot.ui.buttons import WatchHandover
from bot.ui.parcel_views import Screen
from bot.ui.present import esc, fmt_date, quoted, today_in, user_zone
from bot.ui.textlimits import fits
from bot.watch import CheckOutcome
from handlers import background
from handlers.awaiting import ask, done
from handlers.callbacks import answer_stale
from handlers.common import (
    TELEGRAM_TEXT_LIMIT,
    edit_or_send,
    editable,
    keyboard,
    send_html,
    send_to_chat,
)
from handlers.parcels.listing import list_screen
from storage import UNSET, CheckTally, Parcel, TrackingEvent

log = logging.getLogger(__name__)

GONE_TEXT = N_("I cannot find this parcel: it may have been deleted. Open /list for a fresh menu.")


def now_ts(context: BotContext) -> int:
    return int(context.services.clock.now().timestamp())


async def user_clock(context: BotContext, user_id: int) -> tuple[tzinfo, date]:
    """The user's zone and their calendar date now (UTC when they never set a zone)."""
    profile = await context.services.storage.users.get(user_id)
    timezone = profile.timezone if profile else None
    return user_zone(timezone), today_in(timezone, context.services.clock.now())


# Statuses after which "how long will it take" has no answer worth giving.
NO_ESTIMATE = frozenset({"delivered", "returning", "returned"})


def handover_of(parcel: Parcel, events: Sequence[TrackingEvent]) -> str | None:
    """The parcel's number at the next carrier, as the newest event naming one says (the
    carrier's words are stored with every event, so nothing else has to be kept)."""
    texts = (e.detail or e.description for e in reversed(events))  # newest first
    found = handover_numbers(texts, exclude=(parcel.number,))
    return found[0] if found else None


async def failing_checks(context: BotContext, parcel: Parcel) -> list[CheckTally]:
    """The check counts that tell since when the checks fail; none read while they succeed."""
    if parcel.check_failures <= 0 or not parcel.is_active:
        return []
    return await context.services.storage.checks.for_parcel(parcel.id)


async def card_screen(context: BotContext, parcel: Parcel) -> Screen:
    tz, today = await user_clock(context, parcel.user_id)
    storage = context.services.storage
    events = await storage.events.timeline(parcel.id)
    latest = events[-1] if events else None
    guess = None
    if parcel.is_active and parcel.status not in NO_ESTIMATE:
        route = await storage.stats.route(
            parcel.origin_country, parcel.dest_country, parcel.carrier
        )
        vendor = None
        if parcel.eta_from is not None and parcel.eta_to is not None:
            vendor = VendorEta(parcel.eta_source or "", parcel.eta_from, parcel.eta_to)
        guess = estimate(route, parcel.carrier, vendor, now_ts(context))
    checks = await failing_checks(context, parcel)
    return views.card(
        parcel, latest, tz, today, guess, checks=checks, handover=handover_of(parcel, events)
    )


async def show(
    update: Update, context: BotContext, screen: Screen, note: str = "", *, edit: bool = False
) -> None:
    """Send ``screen`` (or put it in place of the pressed message), ``note`` above it."""
    text, rows = screen
    text = f"{note}\n\n{text}" if note else text
    if edit:
        await edit_or_send(update, context, text, keyboard(rows))
    else:
        await send_html(update, context, text, keyboard(rows))


async def show_card(
    update: Update, context: BotContext, parcel: Parcel, note: str = "", *, edit: bool = False
) -> None:
    await show(update, context, await card_screen(context, parcel), note, edit=edit)


async def _answer(update: Update, text: str | None = None, *, alert: bool = False) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(text, show_alert=alert)


async def view(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _answer(update)
    done(context)
    await show_card(update, context, parcel, edit=True)


async def timeline(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _answer(update)
    tz, today = await user_clock(context, parcel.user_id)
    events = await context.services.storage.events.timeline(parcel.id)
    checks = await failing_checks(context, parcel)
    screen = views.timeline(parcel, events, tz, checks=checks, today=today)
    # Too long to edit in place: it goes out as several messages.
    await show(update, context, screen, edit=len(screen[0]) <= views.TEXT_LIMIT)


async def rename(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _answer(update)
    ask(context, "rename", parcel.id)
    await show(update, context, views.rename_prompt(parcel))


async def check(update: Update, context: BotContext, parcel: Parcel) -> None:
    """Answer at once, ask the trackers in the background, put the result in the card.

    The handler returns before the trackers answer, so the user's next message is not held
    behind a slow source (one chat's updates run in order, bot/updates.py). Only the press
    limit, decided here, touches ``user_data``.
    """
    assert context.user_data is not None
    if not parcel.is_active:
        await _answer(
            update, _("This parcel is archived. Tap “Watch again” to check it."), alert=True
        )
        return
    decision = manual_check(context.user_data.checked, parcel.id, now_ts(context))
    context.user_data.checked = decision.checked
    if not decision.allowed:
        wait = decision.wait_minutes
        await _answer(
            update,
            ngettext(
                "I have just checked it. Try again in {n} minute — I keep watching meanwhile.",
                "I have just checked it. Try again in {n} minutes — I keep watching meanwhile.",
                wait,
            ).format(n=wait),
            alert=True,
        )
        return
    await _answer(update, _("Checking…"))
    chat = update.effective_chat
    assert chat is not None
    card_text, _rows = await card_screen(context, parcel)
    # Without buttons while checking: a press on them would change the message under our edit.
    checking = _("⏳ Checking with the trackers…")
    placed = await _put(update, context, f"{checking}\n\n{card_text}")
    background.start(
        context, _check_and_show(context, parcel, chat.id, placed), f"check-now:{parcel.id}"
    )


CHECK_GIVE_UP = 120.0  # seconds: a lookup still running by then is reported as failed


async def _check_and_show(
    context: BotContext, parcel: Parcel, chat_id: int, placed: Message | None
) -> None:
    """The background half of "check now": never touches ``context.user_data``."""
    lookup = asyncio.ensure_future(_lookup(context, parcel))
    try:
        outcome = await asyncio.wait_for(
            asyncio.shield(lookup), context.services.settings.check_deadline_seconds
        )
    except TimeoutError:  # the interactive deadline: say so, and keep waiting
        card_text, _rows = await card_screen(context, parcel)
        slow = _(
            "⏳ The trackers are slow to answer. The result will appear here as soon as they "
            "reply; meanwhile you can go on using the bot."
        )
        await _edit(context, placed, f"{slow}\n\n{card_text}", None)
        outcome = await lookup
    fresh = await context.services.storage.parcels.get_owned(parcel.user_id, parcel.id)
    if fresh is None:  # deleted while the trackers were asked
        gone = _("🗑 Deleted <b>{name}</b>.").format(name=quoted(parcel.display_name))
        if not await _edit(context, placed, gone, None):
            await send_to_chat(context.bot, chat_id, gone)
        return
    if outcome is None or not outcome.ok:
        note = _("😕 The trackers did not answer just now; I will try again automatically.")
    else:
        found = len(outcome.new_events)
        note = _("🔄 Checked just now.") + " "
        if found:
            note += ngettext("{n} new event.", "{n} new events.", found).format(n=found)
        else:
            note += _("Nothing new.")
    text, rows = await card_screen(context, fresh)
    text, markup = f"{note}\n\n{text}", keyboard(rows)
    if not await _edit(context, placed, text, markup):
        await send_to_chat(context.bot, chat_id, text, markup)


async def _lookup(context: BotContext, parcel: Parcel) -> CheckOutcome | None:
    """What the trackers said; ``None`` when the check failed (logged)."""
    try:
        async with asyncio.timeout(CHECK_GIVE_UP):
            return await context.services.watcher.check_now(parcel.user_id, parcel.id)
    except Exception:  # a tracking failure must not look like a crash to the user
        log.exception("check now failed for parcel %s", parcel.id)
        return None


async def _put(update: Update, context: BotContext, text: str) -> Message | None:
    """Put ``text`` in place of the pressed message (a new message when that is impossible);
    returns the message that shows it."""
    query = update.callback_query
    if query is not None and editable(query, text):
        try:
            edited = await query.edit_message_text(text)
            if isinstance(edited, Message):
                return edited
        except BadRequest as exc:
            log.info("edit failed (%s); sending a new message", exc)
    return await send_html(update, context, text)


async def _edit(
    context: BotContext, placed: Message | None, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """Edit the check's own message; False when that is impossible (deleted, too long...)."""
    if placed is None or not fits(text, TELEGRAM_TEXT_LIMIT):
        return False
    try:
        await context.bot.edit_message_text(
            text, chat_id=placed.chat_id, message_id=placed.message_id, reply_markup=markup
        )
    except BadRequest as exc:
        if "not modified" in str(exc).lower():
            return True
        log.info("could not edit the check's message (%s)", exc)
        return False
    return True


async def watch_handover(update: Update, context: BotContext, button: WatchHandover) -> None:
    """ "Watch SINOA… too": the hand-over number becomes the parcel's second number, which the
    watcher checks with the first; what it finds joins this parcel's timeline and pushes."""
    query = update.callback_query
    assert query is not None
    storage = context.services.storage
    parcel = await storage.parcels.get_owned(query.from_user.id, button.parcel_id)
    if parcel is None:
        await _answer(update, _(GONE_TEXT), alert=True)
        return
    events = await storage.events.timeline(parcel.id)
    if button.number != handover_of(parcel, events):
        await answer_stale(update)  # crafted, or the parcel has moved on to another number
        return
    if not parcel.is_active:
        await _answer(
            update, _("This parcel is archived. Tap “Watch again” to check it."), alert=True
        )
        return
    number = button.number
    if parcel.real_number in (None, "", parcel.number):
        # Checked at the next pass; the lease of a pass under way is left alone.
        await storage.parcels.update_tracking(
            parcel.id, real_number=number, next_check_at=now_ts(context), claimed_until=UNSET
        )
    elif parcel.real_number != number:  # an old card: the source gave another number since
        await _answer(update, _("I already check another number for this parcel."), alert=True)
        await show_card(update, context, parcel, edit=True)
        return
    await _answer(update, _("I will check {number} too.").format(number=number))
    fresh = await storage.parcels.get_owned(parcel.user_id, parcel.id)
    if fresh is not None:
        note = _(
            "👁 I check <code>{number}</code> too: what it shows joins this parcel's timeline."
        ).format(number=esc(number))
        await show_card(update, context, fresh, note, edit=True)


async def archive(update: Update, context: BotContext, parcel: Parcel) -> None:
    """Archive; a parcel still under protection first asks about the timer reminders (QA A9)."""
    if parcel.is_active:
        _tz, today = await user_clock(context, parcel.user_id)
        if asks_to_keep_timer(parcel.status, parcel.protection_deadline, today):
            await _answer(update)
            await show(update, context, keep_timer_question(parcel, today), edit=True)
            return
    await _archive(update, context, parcel, keep_timer=False)


async def archive_keep_timer(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _archive(update, context, parcel, keep_timer=True)


async def archive_drop_timer(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _archive(update, context, parcel, keep_timer=False)


async def _archive(
    update: Update, context: BotContext, parcel: Parcel, *, keep_timer: bool
) -> None:
    parcels = context.services.storage.parcels
    archived = await parcels.archive(parcel.user_id, parcel.id, keep_timer_reminders=keep_timer)
    await _answer(update, _("Archived: I stop checking it."))
    fresh = await parcels.get_owned(parcel.user_id, parcel.id)
    if fresh is None:
        return
    note = ""
    if archived and fresh.keep_timer_reminders and fresh.protection_deadline is not None:
        note = _(
            "🔔 I stop checking it, but I will still remind you before its protection timer "
            "ends on {date}."
        ).format(date=fmt_date(fresh.protection_deadline))
    await show_card(update, context, fresh, note, edit=True)


async def unarchive(update: Update, context: BotContext, parcel: Parcel) -> None:
    parcels = context.services.storage.parcels
    cap = context.services.settings.max_parcels_per_user
    if not parcel.is_active and await parcels.count_active(parcel.user_id) >= cap:
        await _answer(update)
        await send_html(update, context, views.cap_text(cap))
        return
    await parcels.unarchive(parcel.user_id, parcel.id, next_check_at=now_ts(context))
    await _answer(update, _("Watching it again."))
    fresh = await parcels.get_owned(parcel.user_id, parcel.id)
    if fresh is not None:
        await show_card(update, context, fresh, edit=True)


async def delete(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _answer(update)
    await show(update, context, views.delete_question(parcel), edit=True)


async def delete_confirmed(update: Update, context: BotContext, parcel: Parcel) -> None:
    await context.services.storage.parcels.delete(parcel.user_id, parcel.id)
    await _answer(update, _("Deleted."))
    note = _("🗑 Deleted <b>{name}</b>.").format(name=quoted(parcel.display_name))
    screen = await list_screen(context, parcel.user_id, 0, archived=False)
    await show(update, context, screen, note, edit=True)
