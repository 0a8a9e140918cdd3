"""What the parcel screens say: pure functions from data (a parcel, its events, the user's zone
and "today") to HTML text and button rows. No context, no storage, no I/O: the handlers load
the data, these draw it, and unit tests read the result directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from bot.core.estimates import Estimate
from bot.core.parsing import to_usd
from bot.i18n import _, ngettext
from bot.tracking.event_texts import event_words
from bot.ui.buttons import (
    ArchivePage,
    Button,
    DisputeParcel,
    EvidencePicture,
    MainMenu,
    ParcelAction,
    ParcelsAdd,
    ParcelsCancel,
    ParcelsPage,
    ParcelVerb,
    WhatNowParcel,
)
from bot.ui.evidence import source_name
from bot.ui.present import (
    days,
    esc,
    fmt_date,
    fmt_money,
    fmt_time,
    status_emoji,
    status_line,
    status_word,
)
from storage.models import Parcel, ParcelPage, TrackingEvent

Screen = tuple[str, list[list[Button]]]

PAGE_SIZE = 8
NICKNAME_MAX = 40
LIST_LABEL_MAX = 40
TEXT_LIMIT = 4096


def _button(label: str, verb: ParcelVerb, parcel: Parcel) -> Button:
    return (label, ParcelAction(verb, parcel.id).pack())


def cancel_row() -> list[Button]:
    return [(_("✖️ Cancel"), ParcelsCancel().pack())]


def back_to_card(parcel: Parcel) -> list[Button]:
    return [_button(_("⬅️ Back to the parcel"), ParcelVerb.VIEW, parcel)]


# --- adding -------------------------------------------------------------------------------------


def what_a_number_looks_like() -> str:
    return "\n".join(
        (
            _("A track number is a code of letters and digits from the order page, e.g.:"),
            "• <code>RR123456785CN</code>",
            "• <code>LP00123456789012</code>",
            "• <code>YT2212345678901234</code>",
        )
    )


def add_prompt() -> Screen:
    """The question /add and the "add a parcel" button both ask."""
    text = (
        _("📦 Send me the track number to watch (you may add a name after it).")
        + "\n\n"
        + what_a_number_looks_like()
    )
    return text, [cancel_row()]


def cap_text(cap: int) -> str:
    return ngettext(
        "📦 You already watch {n} parcel, the most I can watch for one person. Archive or "
        "delete one that has arrived, then add the new one.",
        "📦 You already watch {n} parcels, the most I can watch for one person. Archive or "
        "delete one that has arrived, then add the new one.",
        cap,
    ).format(n=cap)


# --- the list -----------------------------------------------------------------------------------


def list_label(parcel: Parcel) -> str:
    """Emoji, name and a status word; the name is cut so the button stays short."""
    word = status_word(parcel.status)
    suffix = f" · {word}" if word else ""
    emoji = status_emoji(parcel.status)  # "↩️" is two code points
    room = max(12, LIST_LABEL_MAX - len(emoji) - 1 - len(suffix))
    name = parcel.display_name
    if len(name) > room:
        name = name[: room - 1] + "…"
    return f"{emoji} {name}{suffix}"


def list_screen(listing: ParcelPage, *, archived: bool) -> Screen:
    page, pages = listing.page, listing.pages
    rows: list[list[Button]] = [
        [(list_label(p), ParcelAction(ParcelVerb.VIEW, p.id).pack())] for p in listing.items
    ]
    family = ArchivePage if archived else ParcelsPage
    nav: list[Button] = []
    if page > 0:
        nav.append(("◀️", family(page - 1).pack()))
    if pages > 1:
        nav.append((f"{page + 1}/{pages}", family(page).pack()))
    if page < pages - 1:
        nav.append(("▶️", family(page + 1).pack()))
    if nav:
        rows.append(nav)
    if archived:
        total = listing.archived
        title = ngettext(
            "🗄 <b>Archive</b>: {n} parcel.", "🗄 <b>Archive</b>: {n} parcels.", total
        ).format(n=total)
        if total == 0:
            title = _("🗄 The archive is empty.")
        rows.append([(_("📦 Active parcels"), ParcelsPage(0).pack())])
    else:
        total = listing.active
        if total == 0:
            title = _("📦 You do not watch any parcels yet. Add one with /add or the button below.")
        else:
            title = ngettext(
                "📦 <b>Your parcels</b>: {n} watched.",
                "📦 <b>Your parcels</b>: {n} watched.",
                total,
            ).format(n=total)
        extra: list[Button] = [(_("➕ Add a parcel"), ParcelsAdd().pack())]
        if listing.archived:
            extra.append((_("🗄 Archive ({n})").format(n=listing.archived), ArchivePage(0).pack()))
        rows.append(extra)
    rows.append([(_("⬅️ Main menu"), MainMenu().pack())])
    return title, rows


# --- one parcel ---------------------------------------------------------------------------------


def card_rows(parcel: Parcel) -> list[list[Button]]:
    rows: list[list[Button]] = [
        [
            _button(_("🕓 Timeline"), ParcelVerb.TIMELINE, parcel),
            _button(_("🔄 Check now"), ParcelVerb.CHECK, parcel),
        ],
        [
            _button(_("🧾 Order facts"), ParcelVerb.FACTS, parcel),
            _button(_("✏️ Rename"), ParcelVerb.RENAME, parcel),
        ],
        [(_("🧭 What should I do now?"), WhatNowParcel(parcel.id).pack())],
        [(_("⚖️ Open a dispute"), DisputeParcel(parcel.id).pack())],
        [(_("📸 Evidence picture"), EvidencePicture(parcel.id).pack())],
    ]
    if parcel.is_active:
        first = _button(_("🗄 Archive"), ParcelVerb.ARCHIVE, parcel)
    else:
        first = _button(_("♻️ Watch again"), ParcelVerb.UNARCHIVE, parcel)
    rows.append([first, _button(_("🗑 Delete"), ParcelVerb.DELETE, parcel)])
    back = ParcelsPage(0) if parcel.is_active else ArchivePage(0)
    rows.append([(_("⬅️ My parcels"), back.pack())])
    return rows


def event_line(event: TrackingEvent, tz: tzinfo) -> str:
    """The event in the reader's language; the carrier's words beneath when they add something."""
    when = fmt_time(event.occurred_at, tz) if event.occurred_at is not None else "—"
    words = event_words(event.source, event.raw_code, event.description, event.detail)
    text = esc(words.text) or status_line(event.status or "")
    if event.location:
        text += f" · {esc(' '.join(event.location.split()))}"
    line = f"<b>{when}</b> — {text}"
    if words.original:
        line += f"\n    ↳ <i>{esc(words.original)}</i>"
    return line


def facts_lines(parcel: Parcel, today: date) -> list[str]:
    """Ship date, protection timer and price, counted from the user's ``today``."""
    lines: list[str] = []
    if parcel.shipped_on is not None:
        since = (today - parcel.shipped_on).days
        lines.append(
            _("🚢 Shipped {when} ({days} ago).").format(
                when=fmt_date(parcel.shipped_on), days=days(max(since, 0))
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
                    days=days(left), date=deadline
                )
            )
        elif left == 0:
            lines.append(_("⏳ Buyer protection ends <b>today</b>."))
        else:
            lines.append(
                _("⌛ Buyer protection ended {days} ago ({date}).").format(
                    days=days(-left), date=deadline
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


def estimate_line(estimate: Estimate, tz: tzinfo = UTC) -> str:
    """How long parcels like this take, and what that is based on."""
    if estimate.basis == "pooled":
        return ngettext(
            "⏱ Parcels like this usually take {low}-{high} days from hand-over to delivery "
            "(half / four in five, from {n} delivered parcel).",
            "⏱ Parcels like this usually take {low}-{high} days from hand-over to delivery "
            "(half / four in five, from {n} delivered parcels).",
            estimate.parcels,
        ).format(low=estimate.low_days, high=estimate.high_days, n=estimate.parcels)
    if estimate.basis == "vendor" and estimate.eta_from and estimate.eta_to:
        low, high = (
            fmt_date(datetime.fromtimestamp(t, UTC).astimezone(tz).date())
            for t in (estimate.eta_from, estimate.eta_to)
        )
        when = low if low == high else f"{low} – {high}"
        return _(
            "⏱ {source} expects delivery: {when} (the tracker's own estimate: too few "
            "parcels on this route have reached my statistics yet)."
        ).format(source=esc(source_name(estimate.source)), when=when)
    return _(
        "⏱ Parcels from China usually take {low}-{high} days (typical times: too few parcels "
        "on this route have reached my statistics yet)."
    ).format(low=estimate.low_days, high=estimate.high_days)


def card(
    parcel: Parcel,
    latest: TrackingEvent | None,
    tz: tzinfo,
    today: date,
    estimate: Estimate | None = None,
) -> Screen:
    """The parcel card: name, number, status, the latest event, the estimate, the order facts."""
    lines = [f"📦 <b>{esc(parcel.display_name)}</b>"]
    if parcel.nickname:
        lines.append(f"<code>{esc(parcel.number)}</code>")
    if parcel.real_number and parcel.real_number != parcel.number:
        lines.append(
            _("Now tracked as <code>{number}</code>.").format(number=esc(parcel.real_number))
        )
    lines.append(_("Status: {status}").format(status=status_line(parcel.status)))
    if latest is not None:
        lines.append(_("Last event: {event}").format(event=event_line(latest, tz)))
    elif parcel.last_checked_at is None:
        lines.append(_("Not checked yet — I will look shortly."))
    else:
        lines.append(_("No tracking events yet."))
    if estimate is not None:
        lines.append(estimate_line(estimate, tz))
    lines.append("")
    lines.extend(facts_lines(parcel, today))
    if not parcel.is_active:
        lines.append("")
        lines.append(_("🗄 Archived: I do not check it any more."))
    return "\n".join(lines), card_rows(parcel)


def timeline(parcel: Parcel, events: list[TrackingEvent], tz: tzinfo) -> Screen:
    """Every event, newest first (``events`` come oldest first, as stored)."""
    header = _("🕓 <b>{name}</b>: tracking events, newest first.").format(
        name=esc(parcel.display_name)
    )
    if not events:
        body = _("No tracking events yet. I check automatically and write when one appears.")
    else:
        body = "\n".join(event_line(event, tz) for event in reversed(events))
    return f"{header}\n\n{body}", [back_to_card(parcel)]


def delete_question(parcel: Parcel) -> Screen:
    rows = [
        [_button(_("🗑 Yes, delete it"), ParcelVerb.DELETE_CONFIRMED, parcel)],
        [_button(_("⬅️ No, keep it"), ParcelVerb.VIEW, parcel)],
    ]
    text = _(
        "Delete <b>{name}</b> with its events and facts? This cannot be undone. "
        "To keep it without checks, archive it instead."
    ).format(name=esc(parcel.display_name))
    return text, rows


def rename_prompt(parcel: Parcel) -> Screen:
    text = _(
        "✏️ Send a new name for <b>{name}</b> (up to {max} characters). Send “-” to remove the name."
    ).format(name=esc(parcel.display_name), max=NICKNAME_MAX)
    return text, [cancel_row()]


# --- order facts --------------------------------------------------------------------------------


def facts_screen(parcel: Parcel, today: date) -> Screen:
    lines = [
        _("🧾 <b>Order facts</b> for {name}").format(name=esc(parcel.display_name)),
        "",
        *facts_lines(parcel, today),
        "",
        _("They make my advice precise. Tap what to set:"),
    ]
    rows: list[list[Button]] = [
        [
            _button(_("🚢 Ship date"), ParcelVerb.SHIP_DATE, parcel),
            _button(_("💵 Price"), ParcelVerb.PRICE, parcel),
        ],
        [_button(_("⏳ Protection timer"), ParcelVerb.PROTECTION, parcel)],
        back_to_card(parcel),
    ]
    return "\n".join(lines), rows


def ship_prompt() -> str:
    return _("🚢 When was it shipped? E.g. “12.11”, “2026-11-12”, “yesterday”, “12 days ago”.")


def price_prompt() -> str:
    return _("💵 What did the order cost? E.g. “$7.50”, “7,50 $”, “15 USD”, “1200 rub”.")


def protection_prompt() -> str:
    return _(
        "⏳ How many days does the buyer-protection timer on the order page show? E.g. "
        "“17 days”, “in 17 days”, or the end date “25.12”."
    )
