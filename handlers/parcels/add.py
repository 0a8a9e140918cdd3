"""Adding a parcel: /add, the "add a parcel" button, a number's "watch" button, the confirmation
for a mistyped number, and the cap on watched parcels."""

from __future__ import annotations

import re

from telegram import Update

from bot.app import BotContext
from bot.core.tracknumbers import Analysis, CheckDigit, Trackability, analyze, find_numbers
from bot.i18n import _, ngettext
from bot.ui import parcel_views as views
from bot.ui.buttons import ForceAdd, ParcelsAdd, ParcelsCancel, ParcelsPage, WatchNumber
from bot.ui.present import esc, quoted
from bot.ui.userdata import PendingAdd
from handlers.awaiting import ask, done
from handlers.callbacks import answer_stale
from handlers.common import edit_or_send, keyboard, send_html
from handlers.parcels.card import now_ts, show, show_card
from storage import DuplicateParcel, Parcel

MAX_TEXT = 5000  # longer texts are not a track number and a name
MULTI_BUTTONS = 5
NUMBER_MAX = 40  # the longest number stored (the bound of the buttons that carry one, too)
# What a button may carry as a number (what the bot packed); anything else is crafted.
_FORCE_NUMBER = re.compile(r"^[A-Z0-9]{4,40}$")
_WATCH_NUMBER = re.compile(r"^[A-Za-z0-9]{4,40}$")


async def add_command(update: Update, context: BotContext) -> None:
    text = " ".join(context.args or []).strip()
    if not text:
        await _ask_for_number(update, context)
        return
    done(context)
    await add_from_text(update, context, text)


async def add_button(update: Update, context: BotContext, _data: ParcelsAdd) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _ask_for_number(update, context)


async def _ask_for_number(update: Update, context: BotContext) -> None:
    ask(context, "add")
    await show(update, context, views.add_prompt())


async def add_from_text(update: Update, context: BotContext, text: str) -> bool:
    """Add the one number in ``text`` (the rest is its name). True when the text was handled
    to the end (added, a duplicate, or a question asked), False for garbage."""
    example = "\n\n" + views.what_a_number_looks_like()
    if len(text) > MAX_TEXT:
        too_long = _("😅 That is far too long for a track number. Send just the number, please.")
        await send_html(update, context, too_long + example)
        return False
    found = find_numbers(text, limit=MULTI_BUTTONS)
    if found.too_long:
        too_long = _("😅 That is far too long for a track number. Send just the number, please.")
        await send_html(update, context, too_long + example)
        return False
    if found.total_found == 0:
        await send_html(update, context, _("🤔 I could not find a track number in that.") + example)
        return False
    if found.total_found > 1:
        rows = [[(f"👁 {a.number}", WatchNumber(a.number).pack())] for a in found.items]
        lines = [
            ngettext(
                "I found {n} number. I watch one at a time — pick it below.",
                "I found {n} numbers. I watch one at a time — pick one below, "
                "or send them one by one.",
                found.total_found,
            ).format(n=found.total_found)
        ]
        if found.truncated:
            lines.append(_("Here are the first {shown}.").format(shown=len(found.items)))
        await send_html(update, context, "\n".join(lines), keyboard(rows))
        return True
    analysis = found.items[0]
    nickname = text.replace(analysis.input, " ", 1).strip(" \t\n-—:,") or None
    await add_analysis(update, context, analysis, nickname)
    return True


async def add_analysis(
    update: Update,
    context: BotContext,
    analysis: Analysis,
    nickname: str | None,
    *,
    force: bool = False,
) -> None:
    user = update.effective_user
    assert user is not None and context.user_data is not None
    parcels = context.services.storage.parcels
    number = analysis.number
    if len(number) > NUMBER_MAX:
        # No carrier's number is this long (issue 14: a 4,096-digit "number" was stored).
        too_long = _("😅 That is far too long for a track number. Send just the number, please.")
        await send_html(update, context, too_long + "\n\n" + views.what_a_number_looks_like())
        return
    if nickname is not None and len(nickname) > views.NICKNAME_MAX:
        nickname = nickname[: views.NICKNAME_MAX].rstrip()
    existing = await parcels.get_by_number(user.id, number)
    if existing is not None:
        await _already_watched(update, context, existing)
        return
    if not force and (
        analysis.best.check_digit is CheckDigit.INVALID or analysis.verdict is Trackability.INVALID
    ):
        context.user_data.pending_add = PendingAdd(number, nickname)
        await _confirm_mistyped(update, context, analysis)
        return
    cap = context.services.settings.max_parcels_per_user
    if await parcels.count_active(user.id) >= cap:
        my_parcels = [[(_("📦 My parcels"), ParcelsPage(0).pack())]]
        await send_html(update, context, views.cap_text(cap), keyboard(my_parcels))
        return
    try:
        parcel = await parcels.add(
            user.id,
            number,
            nickname=nickname,
            carrier=analysis.best.carrier,
            kind=str(analysis.best.kind),
            next_check_at=now_ts(context),  # the scheduler looks at it right away
        )
    except DuplicateParcel as exc:  # a double press raced us
        raced = await parcels.get_owned(user.id, exc.existing_id) if exc.existing_id else None
        if raced is not None:
            await _already_watched(update, context, raced)
        return
    lines = [
        _("👁 Now watching <b>{name}</b>.").format(name=quoted(parcel.display_name)),
        _("I will check it shortly and write when something changes."),
    ]
    if analysis.verdict in (Trackability.LOCAL_ONLY, Trackability.ORIGIN_ONLY):
        lines.append(
            _("Note: numbers like this are often tracked only inside one country, so updates "
              "may be scarce.")
        )  # fmt: skip
    lines.append(
        _("Tip: add the ship date and the protection timer under “Order facts” — then I can "
          "warn you before the buyer protection runs out.")
    )  # fmt: skip
    await show(update, context, ("\n".join(lines), views.card_rows(parcel)))


async def _confirm_mistyped(update: Update, context: BotContext, analysis: Analysis) -> None:
    number = analysis.number
    expected = analysis.best.expected_check_digit
    lines = [
        _("⚠️ <code>{number}</code> looks mistyped: its check digit does not match.").format(
            number=esc(number)
        )
    ]
    if expected:
        lines.append(
            _("The correct check digit there would be {digit}.").format(
                digit=f"<b>{esc(expected)}</b>"
            )
        )
    lines.append(_("Compare it with the order page. Watch it anyway? Trackers may never find it."))
    rows = [[(_("👁 Watch anyway"), ForceAdd(number).pack())], views.cancel_row()]
    await send_html(update, context, "\n".join(lines), keyboard(rows))


async def _already_watched(update: Update, context: BotContext, parcel: Parcel) -> None:
    note = (
        _("You already watch this parcel.")
        if parcel.is_active
        else _("This parcel is in your archive.")
    )
    await show_card(update, context, parcel, note)


async def watch_number(update: Update, context: BotContext, data: WatchNumber) -> None:
    """The "watch" button under an explained number: the same path as /add."""
    if not _WATCH_NUMBER.match(data.number):
        await answer_stale(update)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    found = find_numbers(data.number, limit=1)
    analysis = found.items[0] if found.total_found == 1 else analyze(data.number)
    done(context)
    await add_analysis(update, context, analysis, None)


async def force_add(update: Update, context: BotContext, data: ForceAdd) -> None:
    if not _FORCE_NUMBER.match(data.number):
        await answer_stale(update)
        return
    assert update.callback_query is not None and context.user_data is not None
    await update.callback_query.answer()
    held, context.user_data.pending_add = context.user_data.pending_add, None
    nickname = held.nickname if held is not None and held.number == data.number else None
    await add_analysis(update, context, analyze(data.number), nickname, force=True)


async def cancel(update: Update, context: BotContext, _data: ParcelsCancel) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    done(context)
    if context.user_data is not None:
        context.user_data.pending_add = None
    await edit_or_send(update, context, _("OK, cancelled."), None)
