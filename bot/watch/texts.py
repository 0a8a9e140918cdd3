"""What the watcher's messages say: payload (stored in the outbox) → HTML text + buttons.

Pure: uses gettext (the caller sets the recipient's language) and zoneinfo, never telegram.
Every carrier or user supplied value is HTML-escaped here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, tzinfo
from typing import Any

from babel.dates import format_date

from bot.core.advice.deadline import push_step_text, timer_step
from bot.i18n import _, current_language, ngettext
from bot.tracking.event_texts import clean_carrier_text, event_words

# The shared vocabulary (labels, meanings, formats, escaping) lives in bot.ui.present; user_zone is
# re-exported for the watch modules that take it from here.
from bot.ui.present import esc, fmt_time, status_label
from bot.ui.present import status_meaning as meaning
from bot.ui.present import user_zone as user_zone
from bot.ui.textlimits import truncate_html
from bot.watch.cadence import DAY
from bot.watch.message import Button, Go, Message, Rows

KIND_FIRST = "watch.first"
KIND_EVENTS = "watch.events"
KIND_STATUS = "watch.status"
KIND_ARCHIVED = "watch.archived"
KIND_STALL = "watch.stall"
KIND_PROTECTION = "watch.protection"

# Statuses (if the payload names one) in which the parcel is not on its way: no time to extend.
# (as bot.advice.parcel_facts.tracking_from maps them: not found, origin only, stalled, vanished,
# returned).
_NOT_ARRIVING_STATUSES = frozenset(
    {"not_found", "awaiting_dispatch", "info_received", "exception", "delivery_failed",
     "expired", "returning", "returned"}
)  # fmt: skip

TEXT_LIMIT = 4096
MAX_EVENTS_SHOWN = 5
# A carrier's place and description are cut here, so a huge one leaves room for the others.
LOCATION_MAX = 200
DESCRIPTION_MAX = 500


def buttons(parcel_id: int | None) -> Rows:
    """A push's buttons. Its timeline button marks the message as a push: what a button of a
    push opens comes below it instead of erasing it (handlers.common.edit_or_send)."""
    if parcel_id is None:
        return []
    return [
        [Button(_("🕓 Timeline"), Go.TIMELINE, parcel_id)],
        [Button(_("🧭 What should I do now?"), Go.WHAT_NOW, parcel_id)],
    ]


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _time(value: Any, zone: tzinfo) -> str:
    try:
        return fmt_time(value, zone)
    except (OverflowError, OSError, ValueError, TypeError):  # a row queued with a wild time
        return "?"


def _when(event: Mapping[str, Any], zone: tzinfo) -> str:
    when = _time(event.get("t"), zone)
    said = event.get("t_said")
    if isinstance(said, int) and not isinstance(said, bool):
        # The pass put an impossible carrier time at the moment it saw the event.
        when += " " + _("(when I saw it; the carrier's date, {date}, cannot be right)").format(
            date=_time(said, zone)
        )
    return when


def _event_line(event: Mapping[str, Any], zone: tzinfo) -> str:
    parts = [_when(event, zone)]
    place = _cut(clean_carrier_text(str(event.get("loc") or "")), LOCATION_MAX)
    if place:
        parts.append(esc(place))
    line = " · ".join(parts)
    # Rows queued before "src"/"code" were stored have no code: their text shows as it came.
    words = event_words(
        str(event.get("src") or ""),
        str(event.get("code") or ""),
        str(event.get("desc") or "")[:DESCRIPTION_MAX],
        str(event.get("detail") or "")[:DESCRIPTION_MAX],
    )
    if words.text:
        line += f"\n  {esc(words.text)}"
    if words.original:
        line += f"\n  ↳ <i>{esc(words.original)}</i>"
    return f"• {line}"


def _header(payload: Mapping[str, Any]) -> str:
    return f"📦 <b>{esc(payload.get('name') or payload.get('number') or '?')}</b>"


def _protection_line(days: int, deadline: date | None) -> str:
    when = esc(format_date(deadline, "long", locale=current_language())) if deadline else "?"
    if days < 0:
        return _("⏳ Buyer protection has ended ({date}).").format(date=when)
    if days == 0:
        return _("⏳ Buyer protection ends today ({date}).").format(date=when)
    if days == 1:
        return _("⏳ Buyer protection ends tomorrow ({date}).").format(date=when)
    return ngettext(
        "⏳ Buyer protection ends in {n} day ({date}).",
        "⏳ Buyer protection ends in {n} days ({date}).",
        days,
    ).format(n=days, date=when)


def _days_since(payload: Mapping[str, Any], now: int | None, default: int) -> int:
    """Whole days from the payload's "since" (unix seconds) to ``now``; rows queued before
    "since" existed, or rendered without ``now``, keep the count frozen when queued."""
    since = payload.get("since")
    if now is not None and isinstance(since, int) and not isinstance(since, bool):
        return max(0, (now - since) // DAY)
    return int(payload.get("days") or default)


def render(
    kind: str,
    payload: Mapping[str, Any],
    parcel_id: int | None,
    zone: tzinfo,
    today: date | None = None,
    now: int | None = None,
) -> Message:
    """HTML text (≤ 4096) and button rows for one outbox item, in the current language.

    ``today`` (the user's date when the message goes out) and ``now`` (unix seconds, then)
    recount the days a reminder, a stall alert or an archive notice names: it may have waited
    for the end of quiet hours (or a retry) since it was queued.
    """
    status = str(payload.get("status") or "")
    lines = [_header(payload)]
    if kind == KIND_FIRST:
        lines.append(_("Now tracking: {status}").format(status=esc(status_label(status))))
        event = payload.get("event")
        if event:
            lines.append(_event_line(event, zone))
        count = int(payload.get("count") or 0)
        if count > 1:
            lines.append(
                ngettext(
                    "{n} event so far, see the timeline.",
                    "{n} events so far, see the timeline.",
                    count,
                ).format(n=count)
            )
        lines.append(meaning(status))
    elif kind == KIND_EVENTS:
        # Older rows lack "changed": new events under the same status are not a new status.
        label = esc(status_label(status))
        if payload.get("changed"):
            lines.append(_("New status: {status}").format(status=label))
        else:
            lines.append(_("New events, same status: {status}").format(status=label))
        events = list(payload.get("events") or [])
        for event in events[:MAX_EVENTS_SHOWN]:
            lines.append(_event_line(event, zone))
        more = len(events) - MAX_EVENTS_SHOWN + int(payload.get("more") or 0)
        if more > 0:
            lines.append(
                ngettext("…and {n} earlier update.", "…and {n} earlier updates.", more).format(
                    n=more
                )
            )
        lines.append(meaning(status))
    elif kind == KIND_STATUS:
        lines.append(_("New status: {status}").format(status=esc(status_label(status))))
        lines.append(meaning(status))
    elif kind == KIND_ARCHIVED:
        if payload.get("reason") == "delivered":
            lines.append(_("Delivered, so I stopped watching it and moved it to the archive."))
        else:
            days = _days_since(payload, now, 60)
            lines.append(
                ngettext(
                    "No news for {n} day: I stopped watching it and moved it to the archive.",
                    "No news for {n} days: I stopped watching it and moved it to the archive.",
                    days,
                ).format(n=days)
            )
            lines.append(_("If it has not arrived, ask the seller or open a dispute."))
    elif kind == KIND_STALL:
        days = _days_since(payload, now, 7)
        lines.append(
            ngettext(
                "No new tracking event for {n} day (status: {status}).",
                "No new tracking event for {n} days (status: {status}).",
                days,
            ).format(n=days, status=esc(status_label(status)))
        )
        if status == "in_customs":
            lines.append(_("Customs can take about 3 weeks; that pause is usually normal."))
        else:
            lines.append(_("Pauses happen between countries; if it lasts, ask the seller."))
    elif kind == KIND_PROTECTION:
        raw = payload.get("deadline")
        deadline = date.fromisoformat(raw) if raw else None
        days = int(payload.get("days_left") or 0)
        if deadline is not None and today is not None:
            days = (deadline - today).days
        lines.append(_protection_line(days, deadline))
        # The advice's own rule (bot.core.advice.deadline), so push and /whatnow agree: at 3 days
        # left it is "open a dispute now", not "ask the seller to extend".
        arriving = payload.get("status") not in _NOT_ARRIVING_STATUSES
        lines.append(push_step_text(timer_step(days, arriving=arriving)))
    else:
        lines.append(esc(payload.get("text") or ""))
    text = "\n".join(line for line in lines if line)
    # Cut between tags and entities (a cut inside one made Telegram refuse the push).
    text = truncate_html(text, TEXT_LIMIT)
    return Message(text, buttons(parcel_id))
