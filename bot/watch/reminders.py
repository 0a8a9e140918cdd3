"""Reminders the user asked for, written as pushes: a due row of the reminders table becomes an
outbox row, and the outbox sender delivers it like any push (quiet hours, pacing, retries, a
blocked user).

Whatnow schedules a check-in days after its advice, the dispute one when the seller's days to
answer are over (``storage.reminders.schedule``). :func:`queue_due` marks each due reminder fired
and queues its message in the same transaction, so a reminder is queued once and sent once, across
restarts too. The renderers are pure: payload → text and button intents, in the current language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.core import dispute as script
from bot.core.advice import WAITS_FOR_SELLER
from bot.i18n import _
from bot.ui.present import days, quoted
from bot.watch.message import Button, Go, Message, Moment, Rows
from storage import Reminder, Storage

# Kinds in the reminders table (what whatnow and the dispute schedule) ...
WHATNOW_CHECKIN = "whatnow_checkin"
DISPUTE_CHECKIN = "dispute_checkin"
# ... and the outbox kinds of their messages.
KIND_WHATNOW = "reminder.whatnow"
KIND_DISPUTE = "reminder.dispute"
_OUTBOX_KIND = {WHATNOW_CHECKIN: KIND_WHATNOW, DISPUTE_CHECKIN: KIND_DISPUTE}
_WAITS_FOR_SELLER = frozenset(action.value for action in WAITS_FOR_SELLER)
BATCH = 100


async def queue_due(storage: Storage, now: int, limit: int = BATCH) -> int:
    """Turn the reminders due at ``now`` into outbox rows; returns how many were queued.

    A reminder for a user who blocked the bot, or about a parcel that is archived or gone, is
    marked fired and dropped: nobody is waiting for it any more.
    """
    queued = 0
    for reminder in await storage.reminders.due(now, limit, kinds=list(_OUTBOX_KIND)):
        async with storage.db.transaction():
            if not await storage.reminders.mark_fired(reminder.id, now=now):
                continue  # fired or cancelled meanwhile
            payload = await _payload(storage, reminder)
            if payload is None:
                continue
            item = await storage.outbox.enqueue(
                reminder.user_id,
                _OUTBOX_KIND[reminder.kind],
                payload,
                parcel_id=reminder.parcel_id,
                dedupe_key=f"rem:{reminder.id}",
                now=now,
            )
        queued += item is not None
    return queued


async def _payload(storage: Storage, reminder: Reminder) -> dict[str, Any] | None:
    user = await storage.users.get(reminder.user_id)
    if user is None or user.is_blocked:
        return None
    name = None
    if reminder.parcel_id is not None:
        parcel = await storage.parcels.get_owned(user.id, reminder.parcel_id)
        if parcel is None or not parcel.is_active:
            return None
        name = parcel.display_name
    return {**reminder.payload, "name": name}


def render_whatnow(payload: Mapping[str, Any], parcel_id: int | None, at: Moment) -> Message:
    """The check-in some days after an advice: did the seller answer, or time to look again."""
    pid = parcel_id or 0
    name = quoted(str(payload["name"])) if payload.get("name") else ""
    rows: Rows = []
    # Without a name the sentence is built around "your order" (Russian declines it: «по вашему
    # заказу»), not a name slot filled with it.
    if str(payload.get("action") or "") in _WAITS_FOR_SELLER:
        if name:
            text = _("⏰ My advice about {name} was {days} ago. Did the seller answer?")
        else:
            text = _("⏰ My advice about your order was {days} ago. Did the seller answer?")
        if parcel_id is not None:
            rows.append([Button(_("🔇 The seller is silent"), Go.SELLER_SILENT, pid)])
    elif name:
        text = _("⏰ My advice about {name} was {days} ago. Time to look again.")
    else:
        text = _("⏰ My advice about your order was {days} ago. Time to look again.")
    rows.append([Button(_("🧭 What should I do now?"), Go.WHAT_NOW, pid)])
    in_days = int(payload.get("days") or 0)
    return Message(text.format(days=days(in_days), name=name), rows)


def render_dispute(payload: Mapping[str, Any], parcel_id: int | None, at: Moment) -> Message:
    """The check-in when the seller's time to answer the dispute is over."""
    name = payload.get("name")
    if name:
        text = _("⚖️ Did the seller answer your dispute about {name}?").format(name=quoted(name))
    else:
        text = _("⚖️ Did the seller answer your dispute?")
    return Message(text, checkin_rows(parcel_id or 0))


def checkin_rows(parcel_id: int) -> Rows:
    """The seller's possible answers to a dispute, one button each."""
    state = script.DisputeState(step=script.Step.CHECKIN.value)
    return [
        [Button(_(choice.label), Go.DISPUTE_CHECKIN, parcel_id, choice.code)]
        for choice in script.choices(state)
    ]
