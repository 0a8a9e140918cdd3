"""What a step of the dispute walk-through means outside the chat: what to record, what to schedule.

Pure: :func:`effects` compares the state before and after a step and returns :class:`Effects`
as data; the chat applies them (parcel columns, the parcel's other answers, the check-in
reminder). Nothing is recorded for a dispute without a parcel except the state itself, kept for
its check-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot.core.advice.timelines import DEFAULTS
from bot.core.dispute.flow import TERMINAL, DisputeState, Step, checkin_due_in_days


@dataclass(frozen=True, slots=True)
class Effects:
    parcel: dict[str, Any] = field(default_factory=dict)  # columns (Parcels.update_facts)
    answers: dict[str, Any] = field(default_factory=dict)  # the parcel's other answers
    # Schedule the check-in in this many days, replacing the parcel's pending one.
    checkin_in_days: int | None = None
    keep_as_last: bool = False  # no parcel: keep the submitted state for its check-in
    ends: bool = False  # the walk-through is over

    @property
    def for_parcel(self) -> bool:
        return bool(self.parcel or self.answers)


def effects(
    before: DisputeState,
    after: DisputeState,
    today: date,
    *,
    choice: str | None = None,
    finished_on: date | None = None,
) -> Effects:
    """The effects of going from ``before`` to ``after`` by ``choice`` (None: typed text).

    ``finished_on`` is the order's finish date already known for the parcel, if any."""
    on_parcel = after.parcel_id is not None
    step = after.current
    if step is Step.WAITING and before.current is not Step.WAITING:
        # Submitted: note it on the parcel and ask about the seller's answer in their days.
        record = {
            "dispute_opened_on": today,
            "dispute_reason": after.reason or after.problem,
            "dispute_amount": after.amount,
            "dispute_status": "open",
            "seller_response": None,
        }
        return Effects(
            parcel=record if on_parcel else {},
            checkin_in_days=checkin_due_in_days(after, today) or 0,
            keep_as_last=not on_parcel,
            ends=True,
        )
    if step in TERMINAL:
        return Effects(ends=True)
    if not on_parcel:
        return Effects()
    if step is Step.OUTCOME and after.checkin:
        # An answer to a dispute means there is one, even if it was opened outside the bot.
        return Effects(parcel={"seller_response": after.checkin, "dispute_status": "open"})
    # D1 / D9 answers that stay true as days pass: "over" has no date, so it is a flag, not a
    # made-up deadline; "finished longer ago" is a lower bound that only grows.
    if choice == "t_over":
        return Effects(answers={"timer_over": True})
    if choice == "fin_old" and before.known.protection_days_left is None:
        bound = today - timedelta(days=DEFAULTS.finished_dispute_window)
        return Effects(answers={"order_finished_on": min(bound, finished_on or bound)})
    left = after.known.protection_days_left
    if choice is None and before.current is Step.TIMER_ASK and left is not None:
        # The days left as the order page shows them: the deadline, and no "over" flag.
        return Effects(
            parcel={"protection_deadline": today + timedelta(days=left)},
            answers={"timer_over": None},
        )
    return Effects()
