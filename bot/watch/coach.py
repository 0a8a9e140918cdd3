"""The coach: the advisor re-run for every watched parcel, and one push when its step changes.

As days pass and tracking changes, the advice for a parcel moves on (day 10 without tracking →
write to the seller; the seller's 5 days over → open the dispute; customs past 3 weeks; the
assumed timer near its end; delivered → confirm receipt once it is in hand). The coach queues one
short outbox row per new step: quiet hours, pacing, retries and "exactly once" are the outbox's.

Each step is pushed at most once per parcel: the step is recorded as a fired row of the
reminders table (kind ``coach:<rule>``, unique per parcel), in the same transaction as the
outbox row, so a restart neither loses nor repeats it, and a step the user has moved past by
answering ("I wrote to the seller") is never pushed again. The user's answers are facts on the
parcel, which is what moves the advice on, so the coach never loops. ``coach.off`` (a pending
row) turns it off for one parcel; ``users.coach_enabled`` (/settings) for all of a user's.
Pure except :func:`coach_pass`; no telegram imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from bot.core.advice import Action, advise
from bot.core.advice.deadline import Deadline as _Deadline
from bot.core.advice.deadline import deadline_line
from bot.core.advice.parcel_facts import facts_from_parcel
from bot.i18n import N_, _
from bot.ui.present import quoted
from bot.watch.message import Button, Go, Message, Moment, Rows
from storage import Parcel, Storage, User

KIND_COACH = "coach.step"  # the outbox kind
STEP_PREFIX = "coach:"  # + the rule: the reminders row that says "pushed"
OFF = "coach.off"  # a pending reminders row: no coach pushes for this parcel
BATCH = 500
# The steps move by the day (and with tracking, which the pass reads as stored): once an hour is
# plenty, and keeps a pass over every active parcel off the every-minute watch tick.
EVERY = 3600

# The steps worth a push, with the one line the push says. Timer steps of a known deadline are
# left to the protection reminders (bot.watch.service), which use the same timer rule.
LINES: dict[str, str] = {
    "untracked_write_seller": N_(
        "Still no tracking after 10 days: time to write to the seller. The letter is ready."
    ),
    "pricey_untracked": N_(
        "Orders over $10 are almost always tracked: no tracking after 6 days is reason to write "
        "to the seller now. The letter is ready."
    ),
    "seller_silent_dispute": N_(
        "The seller had 5 days and nothing changed: open a dispute for a full refund. The text "
        "for the dispute is ready."
    ),
    "customs_long": N_(
        "Held at customs for over 3 weeks: ask the seller for the invoice or declaration data. "
        "The letter is ready."
    ),
    "stalled_long": N_(
        "No tracking news for over 3 weeks: ask the seller to start a search with the carrier. "
        "The letter is ready."
    ),
    "vanished": N_(
        "It disappeared from tracking: ask the seller to start a search with the carrier. The "
        "letter is ready."
    ),
    "returned": N_("Tracking says it is going back to the seller: open a dispute for a refund."),
    "delivered": N_(
        "Tracking says delivered. Confirm receipt on the order page only once the parcel is in "
        "your hands and the item is fine."
    ),
    "timer_assumed_near": N_(
        "The protection timer may end soon: check the countdown on the order page now, and "
        "open a dispute if a week or less is left."
    ),
}
COACH_RULES = frozenset(LINES)


class Did:
    """What the user says happened (the push's buttons); each one is a fact on the parcel."""

    WROTE = "wrote"
    ANSWERED = "answered"
    DISPUTE = "dispute"
    REFUSED = "refused"
    OFF = "off"


_SELLER_ACTIONS = {
    Action.WRITE_SELLER.value,
    Action.ASK_SELLER_SEARCH.value,
    Action.ASK_INTERNATIONAL_NUMBER.value,
}
_DISPUTE_ACTIONS = {Action.OPEN_DISPUTE.value, Action.CHECK_TIMER.value}


def render(payload: Mapping[str, Any], parcel_id: int | None, at: Moment) -> Message:
    """One short push: the step, the letter behind a button, and what-happened buttons."""
    pid = parcel_id or 0
    rule = str(payload.get("rule") or "")
    action = str(payload.get("action") or "")
    name = quoted(str(payload["name"])) if payload.get("name") else _("your order")
    lines = [_("🧭 <b>Next step for {name}</b>").format(name=name)]
    if rule in LINES:
        lines.append(_(LINES[rule]))
    raw = payload.get("deadline")
    if rule == "timer_assumed_near" and isinstance(raw, str) and at.today is not None:
        end = date.fromisoformat(raw)
        lines.append(
            deadline_line(_Deadline((end - at.today).days, True, payload.get("window")), at.today)
        )
    rows: Rows = []
    if payload.get("letter"):
        rows.append([Button(_("✉️ Show the letter"), Go.COACH_LETTER, pid)])
    if action in _SELLER_ACTIONS:
        rows.append(
            [
                Button(_("✅ I wrote to the seller"), Go.COACH_DID, pid, Did.WROTE),
                Button(_("💬 The seller answered"), Go.COACH_DID, pid, Did.ANSWERED),
            ]
        )
        rows.append([Button(_("🚫 Refused"), Go.COACH_DID, pid, Did.REFUSED)])
    elif action in _DISPUTE_ACTIONS:
        rows.append([Button(_("⚖️ Dispute opened"), Go.COACH_DID, pid, Did.DISPUTE)])
    # The timeline button also marks the message as a push: what its buttons open comes below
    # it instead of replacing it (handlers.common.edit_or_send).
    rows.append(
        [
            Button(_("🧭 What should I do now?"), Go.WHAT_NOW, pid),
            Button(_("🕓 Timeline"), Go.TIMELINE, pid),
        ]
    )
    rows.append([Button(_("🔕 No more tips for this parcel"), Go.COACH_DID, pid, Did.OFF)])
    return Message("\n".join(lines), rows)


def _today(now: int, zone_name: str | None) -> date:
    from bot.ui.present import user_zone

    return datetime.fromtimestamp(now, UTC).astimezone(user_zone(zone_name)).date()


def due(last_run: int | None, now: int) -> bool:
    """Whether the scheduler should run a coach pass now (at most once per :data:`EVERY`)."""
    return last_run is None or now - last_run >= EVERY or now < last_run


async def coach_pass(storage: Storage, now: int) -> int:
    """Re-run the advisor for every active parcel; queue a push for each new step. Returns how
    many were queued."""
    queued = 0
    after = 0
    users: dict[int, User | None] = {}
    while True:
        page = await storage.parcels.active_page(after, BATCH)
        if not page:
            return queued
        for parcel in page:
            if parcel.user_id not in users:
                users[parcel.user_id] = await storage.users.get(parcel.user_id)
            user = users[parcel.user_id]
            # coach_enabled: the user turned the coach off in /settings.
            if user is not None and not user.is_blocked and user.coach_enabled:
                queued += await _coach_one(storage, user, parcel, now)
        after = page[-1].id


async def _coach_one(storage: Storage, user: User, parcel: Parcel, now: int) -> int:
    today = _today(now, user.timezone)
    answers = await storage.answers.get(user.id, parcel.id)
    facts = facts_from_parcel(parcel, today, answers)
    advice = advise(facts, today=today, with_missing=False)
    if advice.rule not in COACH_RULES:
        return 0
    pending = await storage.reminders.pending_for_parcel(parcel.id)
    if any(r.kind == OFF for r in pending):
        return 0
    payload: dict[str, Any] = {
        "name": parcel.display_name,
        "rule": advice.rule,
        "action": advice.action.value,
        "letter": advice.letter is not None,
    }
    if advice.deadline is not None and advice.deadline_on is not None:
        payload["deadline"] = advice.deadline_on.isoformat()
        payload["window"] = advice.deadline.window
    async with storage.db.transaction():
        step = await storage.reminders.schedule(
            user.id, STEP_PREFIX + advice.rule, 0, {"on": today.isoformat()},
            parcel_id=parcel.id, now=now,
        )  # fmt: skip
        if step is None:
            return 0  # this step was pushed before
        await storage.reminders.mark_fired(step, now=now)
        item = await storage.outbox.enqueue(
            user.id,
            KIND_COACH,
            payload,
            parcel_id=parcel.id,
            dedupe_key=f"coach:{parcel.id}:{advice.rule}",
            now=now,
        )
    return int(item is not None)


async def set_off(storage: Storage, user_id: int, parcel_id: int, now: int) -> None:
    """No more coach pushes for this parcel (a pending marker row)."""
    await storage.reminders.schedule(user_id, OFF, now, {}, parcel_id=parcel_id, now=now)
