"""What the parcel screens say: pure functions from data (a parcel, its events, the user's zone
and "today") to HTML text and button rows. No context, no storage, no I/O: the handlers load
the data, these draw it, and unit tests read the result directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from babel.dates import format_datetime

from bot.core.estimates import Estimate
from bot.core.parsing import to_usd
from bot.i18n import _, current_language, ngettext
from bot.tracking.event_texts import event_words
from bot.ui.buttons import (
    ArchivePage,
    Button,
    EvidencePicture,
    MainMenu,
    ParcelAction,
    ParcelsAdd,
    ParcelsCancel,
    ParcelsPage,
    ParcelVerb,
    WatchHandover,
    WhatNowParcel,
)
from bot.ui.dispute_views import dispute_line, dispute_rows
from bot.ui.evidence import source_name
from bot.ui.present import (
    days,
    esc,
    fmt_approx_usd,
    fmt_date,
    fmt_money,
    fmt_time,
    quoted,
    status_emoji,
    status_line,
    status_word,
)
from storage.models import CheckTally, Parcel, ParcelPage, TrackingEvent

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


# --- could we look? ------------------------------------------------------------------------------
# A failed check leaves the parcel's status as it was ("not found yet" before any answer), so the
# screens say when the trackers stopped answering: "nothing happened" and "we could not look" must
# never read the same.

UNREACHABLE_EMOJI = "📡"


def failing_since(checks: Iterable[CheckTally], last_success: int | None) -> int | None:
    """The first failed check after the last successful one (``last_success``, None: never).

    None when the counts cannot tell: a counted row of failures that began before the last
    success may hold failures after it too, and when they came is not kept.
    """
    after = [c for c in checks if c.result == "failed" and c.last_at > (last_success or 0)]
    if not after or any(last_success is not None and c.first_at <= last_success for c in after):
        return None
    return min(c.first_at for c in after)


@dataclass(frozen=True, slots=True)
class Reach:
    """Whether the trackers answered the parcel's last checks."""

    failures: int  # failed checks in a row (0: the last check got an answer)
    since: int | None  # the first of them, when the check counts tell it
    last_success: int | None  # the last check that got an answer; None: never

    @classmethod
    def of(cls, parcel: Parcel, checks: Iterable[CheckTally] = ()) -> Reach | None:
        """None while the trackers answer (or the parcel is archived: nobody checks it)."""
        if parcel.check_failures <= 0 or not parcel.is_active:
            return None
        since = failing_since(checks, parcel.last_checked_at)
        return cls(parcel.check_failures, since, parcel.last_checked_at)

    @property
    def never_answered(self) -> bool:
        return self.last_success is None


def moment(value: int, tz: tzinfo, today: date | None) -> str:
    """ "14:05" for a moment of the reader's ``today``, "2 Dec 2026, 14:05" for another day."""
    local = datetime.fromtimestamp(value, UTC).astimezone(tz)
    if today is not None and local.date() == today:
        return format_datetime(local, "HH:mm", locale=current_language())
    return fmt_time(value, tz)


def reach_line(reach: Reach, tz: tzinfo, today: date | None) -> str:
    """ "📡 Trackers not reachable since 14:05; last successful check: never. I keep trying." """
    if reach.since is not None:
        since = moment(reach.since, tz, today)
        if reach.last_success is None:
            return _(
                "📡 Trackers not reachable since {since}; last successful check: never. "
                "I keep trying."
            ).format(since=since)
        return _(
            "📡 Trackers not reachable since {since}; last successful check: {last}. I keep trying."
        ).format(since=since, last=moment(reach.last_success, tz, today))
    if reach.last_success is None:
        return ngettext(
            "📡 Trackers not reachable: {n} check failed, none has got an answer yet. "
            "I keep trying.",
            "📡 Trackers not reachable: {n} checks failed, none has got an answer yet. "
            "I keep trying.",
            reach.failures,
        ).format(n=reach.failures)
    return ngettext(
        "📡 Trackers not reachable: the last {n} check failed; last successful check: {last}. "
        "I keep trying.",
        "📡 Trackers not reachable: the last {n} checks failed; last successful check: {last}. "
        "I keep trying.",
        reach.failures,
    ).format(n=reach.failures, last=moment(reach.last_success, tz, today))


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
    """Emoji, name and a status word; the name is cut so the button stays short. A parcel the
    trackers stopped answering for is marked 📡 (its status is the last one they told)."""
    word = status_word(parcel.status)
    emoji = status_emoji(parcel.status)  # "↩️" is two code points
    if Reach.of(parcel) is not None:
        emoji = UNREACHABLE_EMOJI
        if parcel.last_checked_at is None:  # "not found" was never said by anyone
            word = _("no answer")
    suffix = f" · {word}" if word else ""
    room = max(12, LIST_LABEL_MAX - len(emoji) - 1 - len(suffix))
    name = parcel.display_name
    if len(name) > room:
        name = name[: room - 1] + "…"
    return f"{emoji} {name}{suffix}"


def list_reach_line(
    parcels: Sequence[Parcel],
    checks: Mapping[int, Sequence[CheckTally]],
    tz: tzinfo,
    today: date | None,
) -> str | None:
    """What the list says above parcels whose checks fail; None when the trackers answer."""
    failing = [r for p in parcels if (r := Reach.of(p, checks.get(p.id, ()))) is not None]
    if not failing:
        return None
    n = len(failing)
    known = [r.since for r in failing if r.since is not None]
    if known:
        return ngettext(
            "📡 Trackers not reachable since {since} for {n} parcel (marked 📡). I keep trying.",
            "📡 Trackers not reachable since {since} for {n} parcels (marked 📡). I keep trying.",
            n,
        ).format(since=moment(min(known), tz, today), n=n)
    return ngettext(
        "📡 Trackers not reachable for {n} parcel (marked 📡). I keep trying.",
        "📡 Trackers not reachable for {n} parcels (marked 📡). I keep trying.",
        n,
    ).format(n=n)


def list_screen(
    listing: ParcelPage,
    *,
    archived: bool,
    checks: Mapping[int, Sequence[CheckTally]] | None = None,
    tz: tzinfo = UTC,
    today: date | None = None,
) -> Screen:
    """A page of the list; ``checks``: the check counts of its parcels whose checks fail."""
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
            note = list_reach_line(listing.items, checks or {}, tz, today)
            if note is not None:
                title += "\n\n" + note
        extra: list[Button] = [(_("➕ Add a parcel"), ParcelsAdd().pack())]
        if listing.archived:
            extra.append((_("🗄 Archive ({n})").format(n=listing.archived), ArchivePage(0).pack()))
        rows.append(extra)
    rows.append([(_("⬅️ Main menu"), MainMenu().pack())])
    return title, rows


# --- one parcel ---------------------------------------------------------------------------------


def card_rows(parcel: Parcel, offer: str | None = None) -> list[list[Button]]:
    """The card's buttons; ``offer``: a hand-over number to offer watching too. An open dispute
    gets its outcome buttons instead of "Open a dispute"."""
    rows: list[list[Button]] = []
    if offer is not None:
        data = WatchHandover(parcel.id, offer).pack()
        rows.append([(_("👁 Watch {number} too").format(number=offer), data)])
    rows += [
        [
            _button(_("🕓 Timeline"), ParcelVerb.TIMELINE, parcel),
            _button(_("🔄 Check now"), ParcelVerb.CHECK, parcel),
        ],
        [
            _button(_("🧾 Order facts"), ParcelVerb.FACTS, parcel),
            _button(_("✏️ Rename"), ParcelVerb.RENAME, parcel),
        ],
        [(_("🧭 What should I do now?"), WhatNowParcel(parcel.id).pack())],
        *dispute_rows(parcel),
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
            price += " " + _("(≈ {usd})").format(usd=fmt_approx_usd(usd))
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


def handover_lines(parcel: Parcel, handover: str | None) -> tuple[list[str], str | None]:
    """The card's lines about the parcel's other numbers, and the hand-over number to offer.

    ``real_number`` is the second number the watcher checks for the parcel: a re-label by the
    source, or the hand-over number the user chose. Only an empty slot is offered, so a tap never
    replaces a number the vendor gave, and the next check never silently undoes a tap.
    """
    second = parcel.real_number if parcel.real_number != parcel.number else None
    if handover is not None and handover == second:
        line = _("🔀 At the next carrier: <code>{number}</code> — I check it too.")
        return [line.format(number=esc(handover))], None
    lines: list[str] = []
    if second:
        lines.append(_("Now tracked as <code>{number}</code>.").format(number=esc(second)))
    offer = None
    if handover is not None:
        lines.append(
            _("🔀 At the next carrier: <code>{number}</code>.").format(number=esc(handover))
        )
        if (
            not second
            and parcel.is_active
            and WatchHandover.fits(parcel_id=parcel.id, number=handover)
        ):
            offer = handover
    return lines, offer


def card(
    parcel: Parcel,
    latest: TrackingEvent | None,
    tz: tzinfo,
    today: date,
    estimate: Estimate | None = None,
    *,
    checks: Sequence[CheckTally] = (),
    handover: str | None = None,
) -> Screen:
    """The parcel card: name, number, status, the latest event, the estimate, the order facts.

    ``checks``: the parcel's check counts (when its checks fail they tell since when);
    ``handover``: its number at the next carrier, as the newest event naming one says.
    """
    lines = [f"📦 <b>{esc(parcel.display_name)}</b>"]
    if parcel.nickname:
        lines.append(f"<code>{esc(parcel.number)}</code>")
    numbers, offer = handover_lines(parcel, handover)
    lines.extend(numbers)
    reach = Reach.of(parcel, checks)
    if reach is not None and reach.never_answered and latest is None:
        # No tracker ever answered: "not found yet" would be a claim nobody made.
        unknown = _("unknown")
        status = f"{UNREACHABLE_EMOJI} {esc(unknown)}"
    else:
        status = status_line(parcel.status)
    lines.append(_("Status: {status}").format(status=status))
    if latest is not None:
        lines.append(_("Last event: {event}").format(event=event_line(latest, tz)))
    elif reach is None:  # otherwise the line below says why there is nothing to show
        if parcel.last_checked_at is None:
            lines.append(_("Not checked yet — I will look shortly."))
        else:
            lines.append(_("No tracking events yet."))
    if reach is not None:
        lines.append(reach_line(reach, tz, today))
    if estimate is not None:
        lines.append(estimate_line(estimate, tz))
    lines.append("")
    if (dispute := dispute_line(parcel, today)) is not None:
        lines.append(esc(dispute))
    lines.extend(facts_lines(parcel, today))
    if not parcel.is_active:
        lines.append("")
        lines.append(_("🗄 Archived: I do not check it any more."))
    return "\n".join(lines), card_rows(parcel, offer)


def timeline(
    parcel: Parcel,
    events: list[TrackingEvent],
    tz: tzinfo,
    *,
    checks: Sequence[CheckTally] = (),
    today: date | None = None,
) -> Screen:
    """Every event, newest first (``events`` come oldest first, as stored)."""
    header = _("🕓 <b>{name}</b>: tracking events, newest first.").format(
        name=esc(parcel.display_name)
    )
    reach = Reach.of(parcel, checks)
    if reach is not None:
        header += "\n" + reach_line(reach, tz, today)
    if not events:
        if reach is not None:
            body = _("No tracking events yet.")
        else:
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
    ).format(name=quoted(parcel.display_name))
    return text, rows


def rename_prompt(parcel: Parcel) -> Screen:
    text = _(
        "✏️ Send a new name for <b>{name}</b> (up to {max} characters). Send “-” to remove the name."
    ).format(name=quoted(parcel.display_name), max=NICKNAME_MAX)
    return text, [cancel_row()]


# --- order facts --------------------------------------------------------------------------------


def facts_screen(parcel: Parcel, today: date) -> Screen:
    lines = [
        _("🧾 <b>Order facts</b> for {name}").format(name=quoted(parcel.display_name)),
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
    return _("🚢 When was it shipped? E.g. “12.11”, “yesterday” or “3 weeks ago”.")


def price_prompt() -> str:
    return _("💵 What did the order cost? E.g. “7.5 dollars” or “1 890 ₽”.")


def protection_prompt() -> str:
    return _(
        "⏳ What does the buyer-protection timer on the order page show? E.g. “17 days left” "
        "or “ends 25.12”."
    )
