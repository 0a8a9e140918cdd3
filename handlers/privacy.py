"""/forgetme (delete everything about the user, after a confirmation) and /export (CSV file)."""

from __future__ import annotations

import csv
import io
import logging

from babel.numbers import get_decimal_symbol
from telegram import InputFile, Update
from telegram.ext import Application, CommandHandler

from bot.app import BotContext
from bot.core.advice.facts import SellerResponse
from bot.core.advice.letters import DisputeReason, Problem
from bot.i18n import N_, _, current_language
from bot.ui.buttons import PrivacyForget, YesNo
from bot.ui.present import status_label
from handlers.callbacks import route
from handlers.common import edit_or_send, keyboard, send_html
from storage import Parcel, from_ts
from storage.models import PARCEL_FACT_COLUMNS

log = logging.getLogger(__name__)

COMMANDS = [
    ("export", N_("Download your parcels as a CSV file")),
    ("forgetme", N_("Delete everything I store about you")),
]
# Said by /help and /forgetme: the delivery statistics (bot/core/estimates.py) stay: anonymous.
ANONYMOUS_STATS = N_(
    "Kept after deletion: how many days delivered parcels took on each route (countries, "
    "carrier, month), with no number and nothing that points to you; it tells everyone how "
    "long parcels like theirs take."
)

EXPORT_COLUMNS = (
    "number",
    "nickname",
    "status",
    "carrier",
    "real_number",
    "added_at",
    "last_event_at",
    "last_checked_at",
    "archived_at",
    *PARCEL_FACT_COLUMNS,
    "status_code",
    "seller_response_code",
    "dispute_reason_code",
    "dispute_status_code",
)
# The header row in the reader's language; a column added later shows its own name.
EXPORT_HEADERS = {
    "number": N_("Track number"),
    "nickname": N_("Name"),
    "status": N_("Status"),
    "carrier": N_("Carrier"),
    "real_number": N_("Number at the next carrier"),
    "added_at": N_("Added"),
    "last_event_at": N_("Last event"),
    "last_checked_at": N_("Last checked"),
    "archived_at": N_("Archived"),
    "shipped_on": N_("Shipped on"),
    "price_amount": N_("Price"),
    "price_currency": N_("Currency"),
    "protection_deadline": N_("Buyer protection until"),
    "seller_contacted_on": N_("Wrote to the seller on"),
    "seller_response": N_("Seller's answer"),
    "dispute_opened_on": N_("Dispute opened on"),
    "dispute_reason": N_("Dispute reason"),
    "dispute_amount": N_("Amount asked in the dispute"),
    "dispute_status": N_("Dispute status"),
    "status_code": N_("Status code"),
    "seller_response_code": N_("Seller's answer code"),
    "dispute_reason_code": N_("Dispute reason code"),
    "dispute_status_code": N_("Dispute status code"),
}
# Words for the stored codes (the walk-through's own labels); *_code columns keep the codes.
_CODE_WORDS: dict[str, dict[str, str]] = {
    "seller_response": {
        SellerResponse.NONE: N_("Silent"),
        SellerResponse.PROMISED: N_("Only promises"),
        SellerResponse.ACCEPTED: N_("Accepted"),
        SellerResponse.OFFER: N_("Offered an amount"),
        SellerResponse.REFUSED: N_("Refused"),
        SellerResponse.ASKED_CANCEL: N_("Asked me to cancel"),
    },
    "dispute_reason": {
        DisputeReason.NO_TRACKING: N_("No tracking information"),
        DisputeReason.LATE: N_("Still in transit past the promised time"),
        DisputeReason.CUSTOMS: N_("Held at customs"),
        DisputeReason.RETURNED: N_("Returned to sender"),
        DisputeReason.NOT_RECEIVED: N_("Shows delivered, but I have nothing"),
        Problem.NOT_AS_DESCRIBED: N_("Not as described"),
        Problem.POOR_QUALITY: N_("Poor quality"),
        Problem.NOT_WORKING: N_("Does not work"),
        Problem.COUNTERFEIT: N_("Counterfeit"),
        Problem.DAMAGED: N_("Damaged"),
        Problem.WRONG_OR_MISSING: N_("Wrong or missing items"),
        Problem.EMPTY: N_("Empty parcel"),
    },
    "dispute_status": {"open": N_("Open"), "closed": N_("Closed")},
}
# Spreadsheets in these languages expect ";" between cells and a decimal comma.
_SEMICOLON_LANGUAGES = frozenset({"ru"})
_AMOUNTS = frozenset({"price_amount", "dispute_amount"})
_PAGE = 200


def _cell(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    # A spreadsheet would run a cell starting like a formula: keep user text inert.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _instant(value: int | None) -> str | None:
    moment = from_ts(value)
    return None if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def _row(parcel: Parcel) -> list[str]:
    values: dict[str, object] = {
        "number": parcel.number,
        "nickname": parcel.nickname,
        "status": status_label(parcel.status),
        "carrier": parcel.carrier,
        "real_number": parcel.real_number,
        "added_at": _instant(parcel.created_at),
        "last_event_at": _instant(parcel.last_event_at),
        "last_checked_at": _instant(parcel.last_checked_at),
        "archived_at": _instant(parcel.archived_at),
        "status_code": parcel.status,  # stable for scripts; the status column is for people
    }
    for name in PARCEL_FACT_COLUMNS:
        value = getattr(parcel, name)
        if name in _AMOUNTS and isinstance(value, int | float):
            # No thousands separator: a spreadsheet reads "1890,5" as a number, "1 890,5" not.
            text = f"{value:.2f}".rstrip("0").rstrip(".")
            value = text.replace(".", get_decimal_symbol(current_language()))
        elif name in _CODE_WORDS and isinstance(value, str):
            values[f"{name}_code"] = value
            words = _CODE_WORDS[name].get(value)
            value = _(words) if words else value  # a code from a newer release stays readable
        values[name] = value
    return [_cell(values.get(name)) for name in EXPORT_COLUMNS]


def parcels_csv(parcels: list[Parcel]) -> bytes:
    """The user's parcels as a spreadsheet in their language (headers, status words, numbers)."""
    buffer = io.StringIO()
    delimiter = ";" if current_language() in _SEMICOLON_LANGUAGES else ","
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(
        [_(EXPORT_HEADERS[name]) if name in EXPORT_HEADERS else name for name in EXPORT_COLUMNS]
    )
    writer.writerows(_row(parcel) for parcel in parcels)
    # BOM: spreadsheet programs then read the Cyrillic nicknames correctly.
    return buffer.getvalue().encode("utf-8-sig")


async def export(update: Update, context: BotContext) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    parcels_repo = context.services.storage.parcels
    parcels: list[Parcel] = []
    while True:
        page = await parcels_repo.list_for_user(
            user.id, active_only=False, offset=len(parcels), limit=_PAGE
        )
        parcels += page
        if len(page) < _PAGE:
            break
    if not parcels:
        await send_html(
            update, context, _("You have no parcels yet, so there is nothing to export.")
        )
        return
    parcels.reverse()  # oldest first reads naturally in a spreadsheet
    await context.bot.send_document(
        chat.id,
        InputFile(io.BytesIO(parcels_csv(parcels)), filename="parcel-scout.csv"),
        caption=_("Your parcels and what you told me about them."),
    )


def _confirm_markup() -> list[list[tuple[str, str]]]:
    return [
        [(_("🗑 Yes, delete everything"), PrivacyForget(YesNo.YES).pack())],
        [(_("No, keep my data"), PrivacyForget(YesNo.NO).pack())],
    ]


async def forget_me(update: Update, context: BotContext) -> None:
    text = "\n".join(
        (
            _("<b>Delete everything I store about you?</b>"),
            _(
                "Your parcels, their history, the facts you told me, your settings and any "
                "pending notifications are deleted for good. This cannot be undone."
            ),
            _(ANONYMOUS_STATS),
            _("Tip: /export first if you want a copy of your parcels."),
        )
    )
    await send_html(update, context, text, keyboard(_confirm_markup()))


async def forget_answer(update: Update, context: BotContext, data: PrivacyForget) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    user, chat = update.effective_user, update.effective_chat
    if user is None:
        return
    if data.answer is not YesNo.YES:
        await edit_or_send(update, context, _("Nothing was deleted."))
        return
    await context.services.storage.users.delete_everything(user.id)
    # ptb keeps its own copies; without dropping them the next persistence flush writes them back.
    context.application.drop_user_data(user.id)
    if chat is not None:
        context.application.drop_chat_data(chat.id)
    log.info("a user asked to be forgotten; their data is deleted")
    await edit_or_send(
        update,
        context,
        _(
            "Done: I have deleted everything I stored about you. If you write to me again, "
            "I start from scratch."
        ),
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("forgetme", forget_me))
    app.add_handler(CommandHandler("export", export))
    app.add_handler(route(PrivacyForget, forget_answer))
