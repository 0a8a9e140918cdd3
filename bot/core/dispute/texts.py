"""What the dispute walk-through shows at each step, localized (letters stay English).

Pure: the chat draws a :class:`StepView`; no Telegram here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.advice import letters
from bot.core.advice.facts import Facts, SellerResponse, Tracking
from bot.core.advice.letters import DisputeReason, Problem
from bot.core.advice.outcome import days
from bot.core.advice.predicates import reason_for
from bot.core.advice.timelines import DEFAULTS
from bot.core.dispute import form
from bot.core.dispute.flow import (
    BACK,
    CANCEL,
    TERMINAL,
    DisputeState,
    Step,
    checkin_advice,
    choices,
    moving,
    order_total,
    suggested_choice,
)
from bot.i18n import N_, _, format_money


def _usd(amount: float | None) -> str:
    return format_money(amount, "USD") if amount is not None else _("the whole order total")


_PROMPTS: dict[Step, str] = {
    Step.PICK: N_("Which parcel is the dispute about? Pick it or paste its track number."),
    Step.TIMER_ASK: N_(
        "How long is left on the buyer-protection timer (\u201cRefund if no delivery before\u201d "
        "on the order page)? You can also type it, e.g. \u201c17 days left\u201d or "
        "\u201cends 25.12\u201d."
    ),
    Step.TIMER: N_(
        "The protection timer is nearly over but the parcel is moving. Asking the seller to "
        "extend protection is gentler; you can still open the dispute right away."
    ),
    Step.EXTEND: N_(
        "Send the text below to the seller, or use \u201crequest to extend\u201d on the order "
        "page. If the timer is not extended within two days, open the dispute."
    ),
    Step.RECEIVED: N_(
        "On the order page press {open}. The form first asks {received}\nDid you receive the "
        "parcel?"
    ),
    Step.REASON: N_(
        "Then the form lists reasons. Why did it not arrive? I marked the reason that fits what "
        "I know."
    ),
    Step.PROBLEM: N_("Then the form lists reasons. What is wrong with it?"),
    Step.KEEP_OR_RETURN: N_(
        "Keep the item and ask for a partial refund, or send it back for a full refund?"
    ),
    Step.AMOUNT: N_(
        "How much should the seller refund? Pick a share or type the sum, e.g. \u201c7.5 "
        "dollars\u201d."
    ),
    Step.TEXT: N_(
        "📋 The dispute form, field by field (this message stays here while you fill it in):"
    ),
    Step.EVIDENCE: N_(
        "Attach this evidence if you have it (jpg or png, about 2 MB per file). Do you have any "
        "of it? The English text mentions attached files only if you do."
    ),
    Step.WARNINGS: N_("Before you submit, remember:"),
    Step.WAITING: N_(
        "I will ask you in {days} whether the seller answered. Tell me earlier if they do."
    ),
    Step.CHECKIN: N_("Did the seller answer the dispute?"),
    Step.EXPIRED: N_("The protection timer is over and the order is finished. When did it finish?"),
    Step.SUPPORT: N_(
        "It is too late for a dispute on the order page: write to AliExpress support with your "
        "order number and evidence."
    ),
    Step.DONE: N_("Done. I am here if anything changes."),
    Step.CANCELLED: N_("Dispute walk-through cancelled."),
}


def prompt(state: DisputeState, has_parcels: bool = True) -> str:
    """The localized message text of the current step (without the code blocks)."""
    step = state.current
    facts = state.known
    subject = form.subject_of(state.reason, state.problem)
    if step is Step.SOLUTION:
        ask = _(
            "Then the solution: pick {answer}, refund only (no return), for {amount}. Never ask "
            "for less than you paid."
        ).format(amount=_usd(state.amount), answer=form.quoted(form.FULL_REFUND))
        return "\n".join(filter(None, (_chosen(state), ask)))
    if step is Step.RECEIVED:
        text = _(_PROMPTS[step]).format(
            open=form.quoted(form.OPEN), received=form.quoted(form.RECEIVED)
        )
        early = early_note(facts)
        return text if early is None else early + "\n\n" + text
    if step in (Step.REASON, Step.PROBLEM):
        answer = form.YES if step is Step.PROBLEM else form.NO
        return form.done_line(form.RECEIVED, form.quoted(answer)) + "\n" + _(_PROMPTS[step])
    if step in (Step.KEEP_OR_RETURN, Step.EVIDENCE) and subject is not None:
        return _chosen(state) + "\n" + _prompt_text(state)
    if step is Step.TEXT:
        lines = form.summary(
            subject,
            keep_item=state.keep_item,
            amount=_usd(state.amount) if state.share is None else f"{round(state.share * 100)}%",
            evidence=evidence_checklist(state) if state.evidence else None,
        )
        numbered = [f"{n}. {text}" for n, text in enumerate(lines, 1)]
        return "\n".join((_(_PROMPTS[step]), *numbered, "", _("Before you submit, remember:")))
    if step is Step.OFFER:
        total = order_total(state)
        if total is None:
            return _("How much does the seller offer? Type the sum, e.g. “7.5 dollars”.")
        return _(
            "How much does the seller offer? Pick a share of the order total ({total}) or type "
            "the sum, e.g. “7.5 dollars”."
        ).format(total=_usd(total))
    if step is Step.OUTCOME:
        advice = checkin_advice(state)
        return advice.situation + "\n" + advice.why
    if step is Step.PICK and not has_parcels:
        return _(
            "Which order is the dispute about? Paste its track number, or continue without one."
        )
    if step is Step.TIMER and not moving(facts):
        return _(
            "The protection timer is nearly over. If the parcel is moving normally, asking the "
            "seller to extend protection is gentler; if it is not moving, open the dispute now."
        )
    return _prompt_text(state)


def _chosen(state: DisputeState) -> str:
    """What the form's reason field gets, as the user chose it a step before."""
    subject = form.subject_of(state.reason, state.problem)
    if subject is None:
        return ""
    return form.done_line(form.REASON, form.quoted(form.REASONS[subject]))


def _prompt_text(state: DisputeState) -> str:
    step, facts = state.current, state.known
    text = _(_PROMPTS[step])
    if step is Step.WAITING:
        text = text.format(days=days(DEFAULTS.seller_dispute_response))
    if step is Step.SUPPORT and facts.paid_with_paypal is not False:
        text += "\n" + _(
            "If you paid with PayPal, you can also open a PayPal claim within {days} of the "
            "payment."
        ).format(days=days(DEFAULTS.paypal_claim))
    if step is Step.KEEP_OR_RETURN:
        text += "\n" + _("A return must be shipped within {days} after you agree to it.").format(
            days=days(DEFAULTS.return_shipping)
        )
    return text


def early_note(facts: Facts) -> str | None:
    """A dispute started before its earliest sensible day says so, and why (QA A8)."""
    shipped = facts.days_since_shipped
    if shipped is None or facts.tracking in _NOT_EARLY:
        return None
    pricey = facts.price_usd is not None and facts.price_usd > DEFAULTS.tracked_price_usd
    earliest = DEFAULTS.pricey_untracked_after if pricey else DEFAULTS.earliest_dispute
    if shipped >= earliest:
        return None
    return _(
        "\u26a0\ufe0f It is early: the order was marked as shipped only {days} ago. Tracking often "
        "appears {low}-{high} days after shipping, and the usual earliest day for a dispute "
        "is day {earliest}. Writing to the seller first is the safer step; you can still go on."
    ).format(
        days=days(shipped),
        low=DEFAULTS.tracking_appears_min,
        high=DEFAULTS.tracking_appears_max,
        earliest=earliest,
    )


# Nothing to wait for: the parcel is back with the sender or "delivered" to someone else.
_NOT_EARLY = (Tracking.RETURNED, Tracking.DELIVERED_NOT_RECEIVED, Tracking.DELIVERED)


def code_block(state: DisputeState, today: date | None = None) -> str | None:
    """English text to send as its own message (one tap to copy), if the step has one."""
    facts = state.known
    if state.current is Step.TEXT:
        return dispute_message(state, today)
    if state.current is Step.EXTEND:
        return letters.letter_extend_protection(DEFAULTS.extend_by, facts.track_number)
    if state.current is Step.OUTCOME:
        return checkin_advice(state, today).letter
    return None


def dispute_message(state: DisputeState, today: date | None = None) -> str:
    """D6: the English dispute description (ASCII only)."""
    facts = state.known
    subject: DisputeReason | Problem
    if state.problem is not None:
        subject = Problem(state.problem)
    else:
        subject = DisputeReason(state.reason) if state.reason else reason_for(facts)
    return letters.dispute_text(
        subject,
        track_number=facts.track_number,
        days_since_shipped=facts.days_since_shipped,
        seller_contacted_days_ago=facts.seller_contacted_days_ago,
        seller_silent=facts.seller_response in (None, SellerResponse.NONE, SellerResponse.PROMISED),
        amount=state.amount,
        share=state.share if state.keep_item else None,
        keep_item=bool(state.keep_item),
        today=today or date.today(),
        attached=bool(state.evidence),
    )


_EVIDENCE: dict[str, tuple[str, ...]] = {
    DisputeReason.NO_TRACKING: (
        N_("Screenshots of two tracking sites that find nothing for the number"),
        N_("Your chat with the seller"),
    ),
    DisputeReason.LATE: (
        N_("A screenshot of the last tracking events and their dates"),
        N_("The promised delivery time from the order page"),
        N_("Your chat with the seller"),
    ),
    DisputeReason.CUSTOMS: (
        N_("A screenshot of tracking showing the customs hold"),
        N_("Any letter or notice from customs"),
        N_("Your chat with the seller"),
    ),
    DisputeReason.RETURNED: (
        N_("A screenshot of tracking showing the return to the sender"),
        N_("Your chat with the seller"),
    ),
    DisputeReason.NOT_RECEIVED: (
        N_("A statement from your post office that the parcel was not handed to you"),
        N_("A screenshot of tracking showing \u201cdelivered\u201d"),
        N_("Your chat with the seller"),
    ),
    Problem.NOT_AS_DESCRIBED: (
        N_("Photos of the item next to a ruler or the label, showing the problem"),
        N_("A screenshot of the listing with what was promised"),
        N_("Your chat with the seller"),
    ),
    Problem.POOR_QUALITY: (
        N_("Photos of the item next to a ruler or the label, showing the problem"),
        N_("Your chat with the seller"),
    ),
    Problem.NOT_WORKING: (
        N_("A short video showing that it does not work"),
        N_("A photo of the item and its label"),
        N_("Your chat with the seller"),
    ),
    Problem.COUNTERFEIT: (
        N_("Close-up photos of the logo, labels and serial number"),
        N_("A screenshot of the listing with what was promised"),
        N_("Your chat with the seller"),
    ),
    Problem.DAMAGED: (
        N_("Photos of the damage, and of the box it came in"),
        N_("A photo of the parcel and its label"),
        N_("Your chat with the seller"),
    ),
    Problem.WRONG_OR_MISSING: (
        N_("Photos of everything that came, next to the order page"),
        N_("A photo of the parcel and its label"),
        N_("Your chat with the seller"),
    ),
    Problem.EMPTY: (
        N_("Photos of the empty parcel and its label, with the weight if the label shows one"),
        N_("A video of opening it, if you have one"),
        N_("Your chat with the seller"),
    ),
}


def evidence_checklist(state: DisputeState) -> list[str]:
    """D7: localized checklist for the chosen reason or problem (each has its own)."""
    key = state.problem or state.reason or reason_for(state.known).value
    return [_(item) for item in _EVIDENCE[key]]


_DONT_CANCEL_MOVING = N_(
    "Do not cancel the dispute because the seller asks, until the parcel really moves in tracking."
)
_DONT_CANCEL_PROMISE = N_(
    "Do not cancel the dispute because the seller asks or promises to resend: close it only "
    "once you have the parcel or the refund."
)
_DONT_CANCEL_RECEIVED = N_(
    "Do not cancel the dispute because the seller promises a refund or a new item outside "
    "it: close it only once you have what you asked for."
)
_NEVER_AFTER_TIMER = N_(
    "Never cancel it after the protection timer has ended: the order then closes in the "
    "seller's favour and cannot be reopened."
)
_COUNTER_OFFER = N_(
    "Before pressing \u201caccept\u201d on a counter-offer, check the amount and whether a "
    "return is demanded; a $0 refund is a known trick."
)
# "Until it really moves in tracking" is the seed's rule for untracked numbers only: said about
# a parcel that already moves it would read as "you may cancel now" (QA A6).
_MAY_STILL_MOVE = frozenset({DisputeReason.NO_TRACKING})


def warnings(state: DisputeState | None = None) -> list[str]:
    """D8: localized warnings before submitting, only those that fit the dispute (rules 9-11)."""
    if state is not None and state.problem is not None:
        dont_cancel = _DONT_CANCEL_RECEIVED
    else:
        reason = _dispute_reason(state) if state is not None else DisputeReason.NO_TRACKING
        dont_cancel = _DONT_CANCEL_MOVING if reason in _MAY_STILL_MOVE else _DONT_CANCEL_PROMISE
    silent = _(
        "If the seller does not answer within {days}, the dispute closes in your favour for the "
        "amount you asked."
    ).format(days=days(DEFAULTS.seller_dispute_response))
    return [_(dont_cancel), _(_NEVER_AFTER_TIMER), _(_COUNTER_OFFER), silent]


def _dispute_reason(state: DisputeState) -> DisputeReason:
    return DisputeReason(state.reason) if state.reason else reason_for(state.known)


@dataclass(frozen=True, slots=True)
class StepView:
    """Everything a front end needs to draw a step, localized."""

    step: Step
    text: str
    buttons: tuple[tuple[str, str], ...]  # (choice code, label), Back and Cancel last
    selected: str | None  # the choice to pre-select from what the bot knows
    code: str | None  # English text to send as its own message
    items: tuple[str, ...]  # the evidence checklist or the warnings


def step_view(state: DisputeState, has_parcels: bool = True, today: date | None = None) -> StepView:
    """The step drawn: text, buttons, pre-selection.

    ``has_parcels``: at D0 the chat lists the user's parcels; without any the step asks for a
    number or to go on without one."""
    buttons = [(c.code, _(c.label)) for c in choices(state)]
    if state.current not in TERMINAL:
        if state.history:
            buttons.append((BACK, _("Back")))
        buttons.append((CANCEL, _("Cancel")))
    items: list[str] = []
    if state.current is Step.EVIDENCE:
        items = evidence_checklist(state)
    elif state.current in (Step.TEXT, Step.WARNINGS):
        items = warnings(state)
    return StepView(
        step=state.current,
        text=prompt(state, has_parcels),
        buttons=tuple(buttons),
        selected=suggested_choice(state),
        code=code_block(state, today),
        items=tuple(items),
    )
