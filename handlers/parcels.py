"""Watched parcels: /add, /list, the parcel menu, timeline, order facts, check now, archive, delete.

Typed answers (a number after /add, a new name, an order fact) are awaited through a flag in
``user_data["awaiting"]`` (persisted, so a restart keeps it); the text handler matches only while
the flag is set and fresh, so every other message flows on to the later handlers.
Every callback that names a parcel loads it with ``get_owned``: crafted data never reaches
another user's parcel.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime, tzinfo
from typing import Any

from babel.dates import format_date, format_datetime
from telegram import Message, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.app import BotContext
from bot.i18n import N_, _, current_language, ngettext
from bot.parsing import parse_date, parse_days_left, parse_money, to_usd
from bot.timezones import zone
from bot.tracknumbers import Analysis, CheckDigit, Trackability, analyze, find_numbers
from handlers.common import Button, edit_or_send, esc, keyboard, send_html
from storage import DuplicateParcel, Parcel, TrackingEvent, from_ts

log = logging.getLogger(__name__)

COMMANDS = [
    ("add", N_("Watch a parcel")),
    ("list", N_("My parcels")),
]

PAGE_SIZE = 8
NICKNAME_MAX = 40
CHECK_EVERY = 300  # seconds between "check now" presses for one parcel
AWAIT_TTL = 3600  # an unanswered question is forgotten after an hour
MAX_TEXT = 5000  # longer texts are not a track number and a name
MULTI_BUTTONS = 5

# Kinds of typed answers this module waits for (settings has its own).
AWAIT_KINDS = frozenset({"add", "rename", "ship", "price", "protection"})

STATUS_EMOJI = {
    "not_found": "❔",
    "awaiting_dispatch": "🏷️",
    "info_received": "📝",
    "in_transit": "🚚",
    "in_customs": "🛃",
    "arrived_destination": "🛬",
    "out_for_delivery": "🛵",
    "available_for_pickup": "📬",
    "delivered": "✅",
    "delivery_failed": "⚠️",
    "returning": "↩️",
    "returned": "🔙",
    "exception": "❗",
    "expired": "⌛",
}

STATUS_LABELS = {
    "not_found": N_("not found yet"),
    "awaiting_dispatch": N_("not shipped yet"),
    "info_received": N_("label created"),
    "in_transit": N_("in transit"),
    "in_customs": N_("at customs"),
    "arrived_destination": N_("arrived in your country"),
    "out_for_delivery": N_("out for delivery"),
    "available_for_pickup": N_("ready for pickup"),
    "delivered": N_("delivered"),
    "delivery_failed": N_("delivery failed"),
    "returning": N_("returning to the sender"),
    "returned": N_("returned to the sender"),
    "exception": N_("problem reported"),
    "expired": N_("tracking expired"),
}


# One or two words for the /list buttons (the full label is in the parcel view).
STATUS_WORDS = {
    "not_found": N_("not found"),
    "awaiting_dispatch": N_("not shipped"),
    "info_received": N_("label created"),
    "in_transit": N_("in transit"),
    "in_customs": N_("customs"),
    "arrived_destination": N_("arrived"),
    "out_for_delivery": N_("delivering"),
    "available_for_pickup": N_("pickup"),
    "delivered": N_("delivered"),
    "delivery_failed": N_("failed"),
    "returning": N_("returning"),
    "returned": N_("returned"),
    "exception": N_("problem"),
    "expired": N_("expired"),
}
LIST_LABEL_MAX = 40


def status_line(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return f"{STATUS_EMOJI.get(status, '📦')} {_(label) if label else esc(status)}"


# --- small helpers ------------------------------------------------------------------------


def _now(context: BotContext) -> datetime:
    return context.services.clock.now()


def _ts(context: BotContext) -> int:
    return int(_now(context).timestamp())


async def _user_zone(context: BotContext, user_id: int) -> tzinfo:
    profile = await context.services.storage.users.get(user_id)
    return zone(profile.timezone if profile else None)


def _today(context: BotContext, tz: tzinfo) -> date:
    return _now(context).astimezone(tz).date()


def fmt_date(value: date) -> str:
    return format_date(value, "medium", locale=current_language())


def fmt_moment(value: int, tz: tzinfo) -> str:
    moment = from_ts(value)
    assert moment is not None
    return format_datetime(moment.astimezone(tz), "d MMM y, HH:mm", locale=current_language())


def fmt_money(amount: float, currency: str | None) -> str:
    text = (
        f"{amount:,.2f}".replace(",", "\u202f")
        if amount % 1
        else f"{amount:,.0f}".replace(",", "\u202f")
    )
    return f"{text} {currency or ''}".strip()


def _days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def set_awaiting(context: BotContext, what: str, parcel_id: int | None = None) -> None:
    assert context.user_data is not None
    context.user_data["awaiting"] = {"what": what, "parcel": parcel_id, "at": _ts(context)}


def clear_awaiting(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop("awaiting", None)


class AwaitingFilter(filters.MessageFilter):
    """Matches a message from a user whose ``user_data["awaiting"]`` is one of ``kinds``."""

    def __init__(self, app: Application[Any, Any, Any, Any, Any, Any], kinds: frozenset[str]):
        super().__init__(name=f"Awaiting({sorted(kinds)})")
        self._app = app
        self._kinds = kinds

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None:
            return False
        data = self._app.user_data.get(user.id)
        awaiting = data.get("awaiting") if data else None
        if not isinstance(awaiting, dict) or awaiting.get("what") not in self._kinds:
            return False
        now = int(self._app.services.clock.now().timestamp())  # type: ignore[attr-defined]
        return now - int(awaiting.get("at", 0)) <= AWAIT_TTL


def _cancel_row() -> list[Button]:
    return [(_("✖️ Cancel"), "parcels:cancel")]


# --- adding -------------------------------------------------------------------------------


def what_a_number_looks_like() -> str:
    return "\n".join(
        (
            _("A track number is a code of letters and digits from the order page, e.g.:"),
            "• <code>RR123456785CN</code>",
            "• <code>LP00123456789012</code>",
            "• <code>YT2212345678901234</code>",
        )
    )


async def add_command(update: Update, context: BotContext) -> None:
    text = " ".join(context.args or []).strip()
    if not text:
        set_awaiting(context, "add")
        await send_html(
            update,
            context,
            _("📦 Send me the track number to watch (you may add a name after it).")
            + "\n\n"
            + what_a_number_looks_like(),
            keyboard([_cancel_row()]),
        )
        return
    clear_awaiting(context)
    await add_from_text(update, context, text)


async def add_prompt(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    set_awaiting(context, "add")
    await send_html(
        update,
        context,
        _("📦 Send me the track number to watch (you may add a name after it).")
        + "\n\n"
        + what_a_number_looks_like(),
        keyboard([_cancel_row()]),
    )


async def add_from_text(update: Update, context: BotContext, text: str) -> bool:
    """Add the one number in ``text`` (the rest is its name). True when the text was handled
    to the end (added, a duplicate, or a question asked), False for garbage."""
    if len(text) > MAX_TEXT:
        await send_html(
            update,
            context,
            _("😅 That is far too long for a track number. Send just the number, please.")
            + "\n\n"
            + what_a_number_looks_like(),
        )
        return False
    found = find_numbers(text, limit=MULTI_BUTTONS)
    if found.total_found == 0:
        await send_html(
            update,
            context,
            _("🤔 I could not find a track number in that.") + "\n\n" + what_a_number_looks_like(),
        )
        return False
    if found.total_found > 1:
        rows = [[(f"👁 {a.number}", f"watch:add:{a.number}")] for a in found.items]
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
    assert user is not None
    storage = context.services.storage
    number = analysis.number
    if nickname is not None and len(nickname) > NICKNAME_MAX:
        nickname = nickname[:NICKNAME_MAX].rstrip()
    existing = await storage.parcels.get_by_number(user.id, number)
    if existing is not None:
        await _already_watched(update, context, existing)
        return
    if not force and (
        analysis.best.check_digit is CheckDigit.INVALID or analysis.verdict is Trackability.INVALID
    ):
        assert context.user_data is not None
        context.user_data["pending_add"] = {"number": number, "nickname": nickname}
        expected = analysis.best.expected_check_digit
        lines = [
            _("⚠️ <code>{number}</code> looks mistyped: its check digit does not match.").format(
                number=esc(number)
            )
        ]
        if expected:
            lines.append(
                _("With a correct check digit it would end in {digit} there.").format(
                    digit=f"<b>{esc(expected)}</b>"
                )
            )
        lines.append(
            _("Compare it with the order page. Watch it anyway? Trackers may never find it.")
        )
        rows = [[(_("👁 Watch anyway"), f"parcels:force:{number}")], _cancel_row()]
        await send_html(update, context, "\n".join(lines), keyboard(rows))
        return
    cap = context.services.settings.max_parcels_per_user
    if await storage.parcels.count_active(user.id) >= cap:
        await send_html(
            update, context, cap_text(cap), keyboard([[(_("📦 My parcels"), "parcels:list:0")]])
        )
        return
    try:
        parcel = await storage.parcels.add(
            user.id,
            number,
            nickname=nickname,
            carrier=analysis.best.carrier,
            kind=str(analysis.best.kind),
            next_check_at=_ts(context),  # the scheduler looks at it right away
        )
    except DuplicateParcel as exc:  # a double press raced us
        parcel_or_none = (
            await storage.parcels.get_owned(user.id, exc.existing_id) if exc.existing_id else None
        )
        if parcel_or_none is not None:
            await _already_watched(update, context, parcel_or_none)
        return
    lines = [
        _("👁 Now watching <b>{name}</b>.").format(name=esc(parcel.display_name)),
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
    await send_html(update, context, "\n".join(lines), keyboard(parcel_rows(parcel)))


def cap_text(cap: int) -> str:
    return ngettext(
        "📦 You already watch {n} parcel, the most I can watch for one person. Archive or "
        "delete one that has arrived, then add the new one.",
        "📦 You already watch {n} parcels, the most I can watch for one person. Archive or "
        "delete one that has arrived, then add the new one.",
        cap,
    ).format(n=cap)


async def _already_watched(update: Update, context: BotContext, parcel: Parcel) -> None:
    note = (
        _("You already watch this parcel.")
        if parcel.is_active
        else _("This parcel is in your archive.")
    )
    text, rows = await parcel_view(context, parcel)
    await send_html(update, context, f"{note}\n\n{text}", keyboard(rows))


async def watch_add(update: Update, context: BotContext) -> None:
    """``watch:add:<number>`` under an explained number: the same path as /add."""
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    number = query.data.split(":", 2)[2]
    found = find_numbers(number, limit=1)
    analysis = found.items[0] if found.total_found == 1 else analyze(number)
    clear_awaiting(context)
    await add_analysis(update, context, analysis, None)


async def force_add(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    number = query.data.split(":", 2)[2]
    assert context.user_data is not None
    pending = context.user_data.pop("pending_add", None) or {}
    nickname = pending.get("nickname") if pending.get("number") == number else None
    await add_analysis(update, context, analyze(number), nickname, force=True)


async def cancel(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    clear_awaiting(context)
    if context.user_data is not None:
        context.user_data.pop("pending_add", None)
    await edit_or_send(update, context, _("OK, cancelled."), None)


# --- the list -----------------------------------------------------------------------------


async def list_command(update: Update, context: BotContext) -> None:
    clear_awaiting(context)
    text, rows = await list_view(
        context, update.effective_user.id if update.effective_user else 0, 0, archived=False
    )
    await send_html(update, context, text, keyboard(rows))


async def list_callback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    _feature, action, page = query.data.split(":")
    text, rows = await list_view(context, query.from_user.id, int(page), archived=action == "arch")
    await edit_or_send(update, context, text, keyboard(rows))


def _list_label(parcel: Parcel) -> str:
    """Emoji, name and a status word; the name is cut so the button stays short."""
    word = STATUS_WORDS.get(parcel.status)
    suffix = f" · {_(word)}" if word else ""
    room = max(12, LIST_LABEL_MAX - 2 - len(suffix))
    name = parcel.display_name
    if len(name) > room:
        name = name[: room - 1] + "…"
    return f"{STATUS_EMOJI.get(parcel.status, '📦')} {name}{suffix}"


async def list_view(
    context: BotContext, user_id: int, page: int, *, archived: bool
) -> tuple[str, list[list[Button]]]:
    parcels_repo = context.services.storage.parcels
    active = await parcels_repo.count_active(user_id)
    archived_count = await parcels_repo.count_all(user_id) - active
    total = archived_count if archived else active
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    if archived:
        everything = await parcels_repo.list_for_user(
            user_id, active_only=False, offset=0, limit=active + archived_count
        )
        items = [p for p in everything if not p.is_active][
            page * PAGE_SIZE : (page + 1) * PAGE_SIZE
        ]
    else:
        items = await parcels_repo.list_for_user(
            user_id, active_only=True, offset=page * PAGE_SIZE, limit=PAGE_SIZE
        )
    rows: list[list[Button]] = [[(_list_label(p), f"parcel:view:{p.id}")] for p in items]
    prefix = "parcels:arch" if archived else "parcels:list"
    nav: list[Button] = []
    if page > 0:
        nav.append(("◀️", f"{prefix}:{page - 1}"))
    if pages > 1:
        nav.append((f"{page + 1}/{pages}", f"{prefix}:{page}"))
    if page < pages - 1:
        nav.append(("▶️", f"{prefix}:{page + 1}"))
    if nav:
        rows.append(nav)
    if archived:
        title = ngettext(
            "🗄 <b>Archive</b>: {n} parcel.", "🗄 <b>Archive</b>: {n} parcels.", total
        ).format(n=total)
        if total == 0:
            title = _("🗄 The archive is empty.")
        rows.append([(_("📦 Active parcels"), "parcels:list:0")])
    else:
        if total == 0:
            title = _("📦 You do not watch any parcels yet. Add one with /add or the button below.")
        else:
            title = ngettext(
                "📦 <b>Your parcels</b>: {n} watched.",
                "📦 <b>Your parcels</b>: {n} watched.",
                total,
            ).format(n=total)
        extra: list[Button] = [(_("➕ Add a parcel"), "parcels:add")]
        if archived_count:
            extra.append((_("🗄 Archive ({n})").format(n=archived_count), "parcels:arch:0"))
        rows.append(extra)
    rows.append([(_("⬅️ Main menu"), "menu:main")])
    return title, rows


# --- one parcel ---------------------------------------------------------------------------


def parcel_rows(parcel: Parcel) -> list[list[Button]]:
    pid = parcel.id
    rows: list[list[Button]] = [
        [(_("🕓 Timeline"), f"parcel:timeline:{pid}"), (_("🔄 Check now"), f"parcel:check:{pid}")],
        [(_("🧾 Order facts"), f"parcel:facts:{pid}"), (_("✏️ Rename"), f"parcel:rename:{pid}")],
        [(_("🧭 What should I do now?"), f"whatnow:p:{pid}")],
        [(_("⚖️ Open a dispute"), f"dispute:p:{pid}")],
    ]
    if parcel.is_active:
        rows.append(
            [(_("🗄 Archive"), f"parcel:archive:{pid}"), (_("🗑 Delete"), f"parcel:delete:{pid}")]
        )
    else:
        rows.append(
            [
                (_("♻️ Watch again"), f"parcel:unarchive:{pid}"),
                (_("🗑 Delete"), f"parcel:delete:{pid}"),
            ]
        )
    rows.append([(_("⬅️ My parcels"), "parcels:list:0" if parcel.is_active else "parcels:arch:0")])
    return rows


def facts_lines(parcel: Parcel, today: date) -> list[str]:
    lines: list[str] = []
    if parcel.shipped_on is not None:
        since = (today - parcel.shipped_on).days
        lines.append(
            _("🚢 Shipped {when} ({days} ago).").format(
                when=fmt_date(parcel.shipped_on), days=_days(max(since, 0))
            )
        )
    else:
        lines.append(_("🚢 Ship date: not set."))
    if parcel.protection_deadline is not None:
        left = (parcel.protection_deadline - today).days
        deadline = fmt_date(parcel.protection_deadline)
        if left > 0:
            lines.append(
                _("⏳ Buyer protection: {days} left (until {date}).").format(
                    days=_days(left), date=deadline
                )
            )
        elif left == 0:
            lines.append(_("⏳ Buyer protection ends <b>today</b>."))
        else:
            lines.append(
                _("⌛ Buyer protection ended {days} ago ({date}).").format(
                    days=_days(-left), date=deadline
                )
            )
    else:
        lines.append(_("⏳ Buyer protection timer: not set."))
    if parcel.price_amount is not None:
        price = fmt_money(parcel.price_amount, parcel.price_currency)
        usd = to_usd(parcel.price_amount, parcel.price_currency)
        if parcel.price_currency not in (None, "USD") and usd is not None:
            price += " " + _("(≈ ${usd}, approximately)").format(usd=f"{usd:.2f}")
        lines.append(_("💵 Price: {price}.").format(price=esc(price)))
    else:
        lines.append(_("💵 Price: not set."))
    return lines


async def parcel_view(context: BotContext, parcel: Parcel) -> tuple[str, list[list[Button]]]:
    tz = await _user_zone(context, parcel.user_id)
    today = _today(context, tz)
    lines = [f"📦 <b>{esc(parcel.display_name)}</b>"]
    if parcel.nickname:
        lines.append(f"<code>{esc(parcel.number)}</code>")
    if parcel.real_number and parcel.real_number != parcel.number:
        lines.append(
            _("Now tracked as <code>{number}</code>.").format(number=esc(parcel.real_number))
        )
    lines.append(_("Status: {status}").format(status=status_line(parcel.status)))
    latest = await context.services.storage.events.latest(parcel.id)
    if latest is not None:
        lines.append(_("Last event: {event}").format(event=event_line(latest, tz)))
    elif parcel.last_checked_at is None:
        lines.append(_("Not checked yet — I will look shortly."))
    else:
        lines.append(_("No tracking events yet."))
    lines.append("")
    lines.extend(facts_lines(parcel, today))
    if not parcel.is_active:
        lines.append("")
        lines.append(_("🗄 Archived: I do not check it any more."))
    return "\n".join(lines), parcel_rows(parcel)


def event_line(event: TrackingEvent, tz: tzinfo) -> str:
    when = fmt_moment(event.occurred_at, tz) if event.occurred_at is not None else "—"
    text = esc(" ".join(event.description.split()) or status_line(event.status or ""))
    if event.location:
        text += f" · {esc(' '.join(event.location.split()))}"
    return f"<b>{when}</b> — {text}"


_PARCEL_DATA = re.compile(r"^parcel:([a-z]+):(\d{1,18})$")


async def parcel_callback(update: Update, context: BotContext) -> None:
    """Every ``parcel:<action>:<id>``: ownership first, then the action."""
    query = update.callback_query
    assert query is not None and query.data is not None
    m = _PARCEL_DATA.match(query.data)
    action_name = m.group(1) if m else ""
    action = _ACTIONS.get(action_name)
    parcel = (
        await context.services.storage.parcels.get_owned(query.from_user.id, int(m.group(2)))
        if m and action
        else None
    )
    if parcel is None or action is None:
        await query.answer(
            _("I cannot find this parcel: it may have been deleted. Open /list for a fresh menu."),
            show_alert=True,
        )
        return
    await action(update, context, parcel)


async def _view(update: Update, context: BotContext, parcel: Parcel) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    clear_awaiting(context)
    text, rows = await parcel_view(context, parcel)
    await edit_or_send(update, context, text, keyboard(rows))


async def _timeline(update: Update, context: BotContext, parcel: Parcel) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    tz = await _user_zone(context, parcel.user_id)
    events = await context.services.storage.events.timeline(parcel.id)
    header = _("🕓 <b>{name}</b>: tracking events, newest first.").format(
        name=esc(parcel.display_name)
    )
    if not events:
        body = _("No tracking events yet. I check automatically and write when one appears.")
    else:
        body = "\n".join(event_line(event, tz) for event in reversed(events))
    rows = [[(_("⬅️ Back to the parcel"), f"parcel:view:{parcel.id}")]]
    text = f"{header}\n\n{body}"
    if len(text) <= 4096:
        await edit_or_send(update, context, text, keyboard(rows))
    else:
        await send_html(update, context, text, keyboard(rows))


async def _rename(update: Update, context: BotContext, parcel: Parcel) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    set_awaiting(context, "rename", parcel.id)
    await send_html(
        update,
        context,
        _("✏️ Send a new name for <b>{name}</b> (up to {max} characters). Send “-” to remove "
          "the name.").format(name=esc(parcel.display_name), max=NICKNAME_MAX),
        keyboard([_cancel_row()]),
    )  # fmt: skip


async def _facts(update: Update, context: BotContext, parcel: Parcel) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    clear_awaiting(context)
    text, rows = await facts_view(context, parcel)
    await edit_or_send(update, context, text, keyboard(rows))


async def facts_view(context: BotContext, parcel: Parcel) -> tuple[str, list[list[Button]]]:
    tz = await _user_zone(context, parcel.user_id)
    lines = [
        _("🧾 <b>Order facts</b> for {name}").format(name=esc(parcel.display_name)),
        "",
        *facts_lines(parcel, _today(context, tz)),
        "",
        _("They make my advice precise. Tap what to set:"),
    ]
    pid = parcel.id
    rows: list[list[Button]] = [
        [(_("🚢 Ship date"), f"parcel:fship:{pid}"), (_("💵 Price"), f"parcel:fprice:{pid}")],
        [(_("⏳ Protection timer"), f"parcel:fprot:{pid}")],
        [(_("⬅️ Back to the parcel"), f"parcel:view:{pid}")],
    ]
    return "\n".join(lines), rows


def _ship_prompt() -> str:
    return _("🚢 When was it shipped? E.g. “12.11”, “2026-11-12”, “yesterday”, “12 days ago”.")


def _price_prompt() -> str:
    return _("💵 What did the order cost? E.g. “$7.50”, “7,50 $”, “15 USD”, “1200 rub”.")


def _protection_prompt() -> str:
    return _(
        "⏳ How many days does the buyer-protection timer on the order page show? E.g. "
        "“17 days”, “in 17 days”, or the end date “25.12”."
    )


async def _ask_fact(update: Update, context: BotContext, parcel: Parcel, what: str) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    set_awaiting(context, what, parcel.id)
    prompt = {"ship": _ship_prompt, "price": _price_prompt, "protection": _protection_prompt}[what]
    await send_html(update, context, prompt(), keyboard([_cancel_row()]))


async def _ask_ship(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _ask_fact(update, context, parcel, "ship")


async def _ask_price(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _ask_fact(update, context, parcel, "price")


async def _ask_protection(update: Update, context: BotContext, parcel: Parcel) -> None:
    await _ask_fact(update, context, parcel, "protection")


async def _check(update: Update, context: BotContext, parcel: Parcel) -> None:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    if not parcel.is_active:
        await query.answer(
            _("This parcel is archived. Tap “Watch again” to check it."), show_alert=True
        )
        return
    checks: dict[str, int] = context.user_data.setdefault("checked", {})
    now = _ts(context)
    last = checks.get(str(parcel.id))
    if last is not None and now - last < CHECK_EVERY:
        wait = max(1, -(-(CHECK_EVERY - (now - last)) // 60))
        await query.answer(
            ngettext(
                "I have just checked it. Try again in {n} minute — I keep watching meanwhile.",
                "I have just checked it. Try again in {n} minutes — I keep watching meanwhile.",
                wait,
            ).format(n=wait),
            show_alert=True,
        )
        return
    checks[str(parcel.id)] = now
    for key in [k for k, v in checks.items() if now - v >= CHECK_EVERY]:
        del checks[key]  # keep user_data small
    await query.answer(_("Checking…"))
    try:
        outcome = await context.services.watcher.check_now(parcel.user_id, parcel.id)
    except Exception:  # a tracking failure must not look like a crash to the user
        log.exception("check now failed for parcel %s", parcel.id)
        outcome = None
    fresh = await context.services.storage.parcels.get_owned(parcel.user_id, parcel.id)
    if fresh is None:
        return
    text, rows = await parcel_view(context, fresh)
    if outcome is None or not outcome.ok:
        note = _("😕 The trackers did not answer just now; I will try again automatically.")
    else:
        fresh_events = len(outcome.new_events)
        note = _("🔄 Checked just now.")
        if fresh_events:
            note += " " + ngettext("{n} new event.", "{n} new events.", fresh_events).format(
                n=fresh_events
            )
        else:
            note += " " + _("Nothing new.")
    await edit_or_send(update, context, f"{note}\n\n{text}", keyboard(rows))


async def _archive(update: Update, context: BotContext, parcel: Parcel) -> None:
    assert update.callback_query is not None
    await context.services.storage.parcels.archive(parcel.user_id, parcel.id)
    await update.callback_query.answer(_("Archived: I stop checking it."))
    fresh = await context.services.storage.parcels.get_owned(parcel.user_id, parcel.id)
    if fresh is not None:
        text, rows = await parcel_view(context, fresh)
        await edit_or_send(update, context, text, keyboard(rows))


async def _unarchive(update: Update, context: BotContext, parcel: Parcel) -> None:
    query = update.callback_query
    assert query is not None
    storage = context.services.storage
    cap = context.services.settings.max_parcels_per_user
    if not parcel.is_active and await storage.parcels.count_active(parcel.user_id) >= cap:
        await query.answer()
        await send_html(update, context, cap_text(cap))
        return
    await storage.parcels.unarchive(parcel.user_id, parcel.id, next_check_at=_ts(context))
    await query.answer(_("Watching it again."))
    fresh = await storage.parcels.get_owned(parcel.user_id, parcel.id)
    if fresh is not None:
        text, rows = await parcel_view(context, fresh)
        await edit_or_send(update, context, text, keyboard(rows))


async def _delete(update: Update, context: BotContext, parcel: Parcel) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    rows = [
        [(_("🗑 Yes, delete it"), f"parcel:delyes:{parcel.id}")],
        [(_("⬅️ No, keep it"), f"parcel:view:{parcel.id}")],
    ]
    await edit_or_send(
        update,
        context,
        _("Delete <b>{name}</b> with its events and facts? This cannot be undone. "
          "To keep it without checks, archive it instead.").format(name=esc(parcel.display_name)),
        keyboard(rows),
    )  # fmt: skip


async def _delete_confirmed(update: Update, context: BotContext, parcel: Parcel) -> None:
    assert update.callback_query is not None
    await context.services.storage.parcels.delete(parcel.user_id, parcel.id)
    await update.callback_query.answer(_("Deleted."))
    text, rows = await list_view(context, parcel.user_id, 0, archived=False)
    await edit_or_send(
        update,
        context,
        _("🗑 Deleted <b>{name}</b>.").format(name=esc(parcel.display_name)) + "\n\n" + text,
        keyboard(rows),
    )


_ACTIONS = {
    "view": _view,
    "timeline": _timeline,
    "tlpush": _timeline,  # the push's button (see handlers.common.is_push)
    "rename": _rename,
    "facts": _facts,
    "fship": _ask_ship,
    "fprice": _ask_price,
    "fprot": _ask_protection,
    "check": _check,
    "archive": _archive,
    "unarchive": _unarchive,
    "delete": _delete,
    "delyes": _delete_confirmed,
}


# --- typed answers ------------------------------------------------------------------------


async def typed_answer(update: Update, context: BotContext) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.text is not None and user is not None
    assert context.user_data is not None
    awaiting = context.user_data.get("awaiting") or {}
    what = awaiting.get("what")
    text = message.text.strip()
    if what == "add":
        # Answered either way: after garbage the next message goes to the usual handlers again,
        # so a user who changed their mind is not stuck in this question.
        clear_awaiting(context)
        await add_from_text(update, context, text)
        return
    parcel_id = awaiting.get("parcel")
    parcel = (
        await context.services.storage.parcels.get_owned(user.id, int(parcel_id))
        if parcel_id is not None
        else None
    )
    if parcel is None:
        clear_awaiting(context)
        await send_html(update, context, _("That parcel is gone. Open /list for your parcels."))
        return
    if what == "rename":
        await _typed_name(update, context, parcel, text)
    else:
        await _typed_fact(update, context, parcel, str(what), text)


async def _typed_name(update: Update, context: BotContext, parcel: Parcel, text: str) -> None:
    name = " ".join(text.split())
    if len(name) > NICKNAME_MAX:
        await send_html(
            update,
            context,
            _("That name is {n} characters long; {max} at most, please.").format(
                n=len(name), max=NICKNAME_MAX
            ),
            keyboard([_cancel_row()]),
        )
        return
    nickname = None if name in ("-", "—", "") else name
    updated = await context.services.storage.parcels.rename(parcel.user_id, parcel.id, nickname)
    clear_awaiting(context)
    if updated is None:
        return
    text_, rows = await parcel_view(context, updated)
    await send_html(update, context, _("✏️ Renamed.") + "\n\n" + text_, keyboard(rows))


async def _typed_fact(
    update: Update, context: BotContext, parcel: Parcel, what: str, text: str
) -> None:
    storage = context.services.storage
    tz = await _user_zone(context, parcel.user_id)
    today = _today(context, tz)
    updated: Parcel | None
    note = ""
    if what == "ship":
        shipped = parse_date(text, today)
        if shipped is None:
            await _not_understood(update, context, _ship_prompt())
            return
        if shipped > today:
            await _not_understood(
                update, context, _("That date is in the future; when was it shipped?")
            )
            return
        updated = await storage.parcels.update_facts(parcel.user_id, parcel.id, shipped_on=shipped)
    elif what == "price":
        money = parse_money(text)
        if money is None:
            await _not_understood(update, context, _price_prompt())
            return
        currency = money.currency
        if currency is None:
            currency = "RUB" if current_language() == "ru" else "USD"
            note = _(
                "I took it as {currency}; type the currency after the amount to change it."
            ).format(currency=currency)
        updated = await storage.parcels.update_facts(
            parcel.user_id, parcel.id, price_amount=money.amount, price_currency=currency
        )
    else:
        deadline = parse_days_left(text, today)
        if deadline is None:
            await _not_understood(update, context, _protection_prompt())
            return
        updated = await storage.parcels.update_facts(
            parcel.user_id, parcel.id, protection_deadline=deadline
        )
    clear_awaiting(context)
    if updated is None:
        return
    body, rows = await facts_view(context, updated)
    head = _("✅ Saved.") + (f" {note}" if note else "")
    await send_html(update, context, f"{head}\n\n{body}", keyboard(rows))


async def _not_understood(update: Update, context: BotContext, hint: str) -> None:
    await send_html(
        update,
        context,
        _("🤔 I could not read that.") + " " + hint,
        keyboard([_cancel_row()]),
    )


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & AwaitingFilter(app, AWAIT_KINDS), typed_answer
        )
    )
    app.add_handler(CommandHandler("add", add_command))
    app.add_handler(CommandHandler("list", list_command))
    app.add_handler(CallbackQueryHandler(list_callback, pattern=r"^parcels:(list|arch):\d{1,6}$"))
    app.add_handler(CallbackQueryHandler(add_prompt, pattern=r"^parcels:add$"))
    app.add_handler(CallbackQueryHandler(cancel, pattern=r"^parcels:cancel$"))
    app.add_handler(CallbackQueryHandler(force_add, pattern=r"^parcels:force:[A-Z0-9]{4,40}$"))
    app.add_handler(CallbackQueryHandler(watch_add, pattern=r"^watch:add:[A-Za-z0-9]{4,40}$"))
    app.add_handler(CallbackQueryHandler(parcel_callback, pattern=r"^parcel:"))
