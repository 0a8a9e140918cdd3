"""The dispute walk-through (D0-D9 of the brief): pure steps, texts and effects; no Telegram.

`flow` holds the steps, choices and transitions of a `DisputeState` (plain types: it lives in
the user's session and must survive a restart; every choice code is short, ASCII and
callback-safe). `texts` draws a step (`step_view`), localized; labels are msgids marked with
`N_`. `effects` says what reaching a step means outside the chat: what to record on the parcel
and which check-in to schedule.
"""

from bot.dispute.effects import Effects, effects
from bot.dispute.flow import (
    AMOUNT_SHARES,
    BACK,
    CANCEL,
    CHECKIN_CHOICES,
    CHOICES,
    FINISH,
    OFFER_SHARES,
    PROBLEM_CHOICES,
    REASON_CHOICES,
    TERMINAL,
    TYPED_INPUT,
    Choice,
    DisputeState,
    InvalidChoice,
    Step,
    back,
    checkin_advice,
    checkin_due_in_days,
    choices,
    first_step,
    moving,
    next_step,
    order_total,
    pick_parcel,
    set_amount,
    set_timer_days,
    start,
    suggested_choice,
)
from bot.dispute.texts import (
    StepView,
    code_block,
    dispute_message,
    evidence_checklist,
    prompt,
    step_view,
    warnings,
)

__all__ = [
    "AMOUNT_SHARES",
    "BACK",
    "CANCEL",
    "CHECKIN_CHOICES",
    "CHOICES",
    "FINISH",
    "OFFER_SHARES",
    "PROBLEM_CHOICES",
    "REASON_CHOICES",
    "TERMINAL",
    "TYPED_INPUT",
    "Choice",
    "DisputeState",
    "Effects",
    "InvalidChoice",
    "Step",
    "StepView",
    "back",
    "checkin_advice",
    "checkin_due_in_days",
    "choices",
    "code_block",
    "dispute_message",
    "effects",
    "evidence_checklist",
    "first_step",
    "moving",
    "next_step",
    "order_total",
    "pick_parcel",
    "prompt",
    "set_amount",
    "set_timer_days",
    "start",
    "step_view",
    "suggested_choice",
    "warnings",
]
