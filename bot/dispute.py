"""The dispute walk-through (D0-D9 of the brief) as data plus pure transition functions.

`DisputeState` holds only plain types (it lives in python-telegram-bot persistence and must
survive a restart); every choice code is short, ASCII and callback-safe. Labels are msgids marked
with `N_`; the chat translates them when it draws the buttons. No telegram imports here.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from bot.advice import letters
from bot.advice.advisor import Advice, advise, days
from bot.advice.facts import Facts, SellerResponse, Tracking
from bot.advice.letters import DisputeReason, Problem
from bot.advice.timelines import DEFAULTS
from bot.i18n import N_, _


class Step(StrEnum):
    PICK = "d0"  # pick the parcel (the chat lists them), then `pick_parcel`
    TIMER_ASK = "d1q"  # the timer is unknown: over / under 7 days / more / don't know
    TIMER = "d1"  # timer nearly over and the parcel moves: extend first?
    EXTEND = "d1x"  # the extension letter
    RECEIVED = "d2"
    REASON = "d3"
    SOLUTION = "d4"
    PROBLEM = "d5"
    KEEP_OR_RETURN = "d5r"
    AMOUNT = "d5a"  # partial refund: a quick choice or a typed amount (`set_amount`)
    TEXT = "d6"  # the English text to paste
    EVIDENCE = "d7"
    WARNINGS = "d8"
    WAITING = "d8w"  # submitted; the chat schedules the check-in
    CHECKIN = "d8c"  # "Did the seller answer?"
    OFFER = "d8a"  # the seller offered an amount: which? (a share of the total or typed)
    OUTCOME = "d8o"  # advice for the check-in answer
    EXPIRED = "d9"
    SUPPORT = "d9s"
    DONE = "end"
    CANCELLED = "x"


@dataclass(frozen=True, slots=True)
class Choice:
    code: str  # stable, ASCII, <= 20 chars (callback data)
    label: str  # msgid, translate with `_()` when shown
    target: Step


BACK = "back"
CANCEL = "cancel"
FINISH = Choice("finish", N_("Done"), Step.DONE)

REASON_CHOICES: dict[str, DisputeReason] = {
    "r_no_track": DisputeReason.NO_TRACKING,
    "r_late": DisputeReason.LATE,
    "r_customs": DisputeReason.CUSTOMS,
    "r_returned": DisputeReason.RETURNED,
    "r_not_recv": DisputeReason.NOT_RECEIVED,
}
PROBLEM_CHOICES: dict[str, Problem] = {
    "p_not_desc": Problem.NOT_AS_DESCRIBED,
    "p_quality": Problem.POOR_QUALITY,
    "p_broken": Problem.NOT_WORKING,
    "p_fake": Problem.COUNTERFEIT,
    "p_damaged": Problem.DAMAGED,
    "p_missing": Problem.WRONG_OR_MISSING,
    "p_empty": Problem.EMPTY,
}
CHECKIN_CHOICES: dict[str, SellerResponse] = {
    "ci_accepted": SellerResponse.ACCEPTED,
    "ci_offer": SellerResponse.OFFER,
    "ci_refused": SellerResponse.REFUSED,
    "ci_cancel": SellerResponse.ASKED_CANCEL,
    "ci_silent": SellerResponse.NONE,
}
AMOUNT_SHARES: dict[str, float] = {"amt_25": 0.25, "amt_50": 0.5, "amt_75": 0.75}
OFFER_SHARES: dict[str, float] = {
    "off_0": 0.0,
    "off_25": 0.25,
    "off_50": 0.5,
    "off_75": 0.75,
    "off_full": 1.0,
}

CHOICES: dict[Step, tuple[Choice, ...]] = {
    Step.PICK: (),
    Step.TIMER_ASK: (
        Choice("t_over", N_("The timer is over"), Step.EXPIRED),
        Choice("t_soon", N_("Less than 7 days left"), Step.TIMER),
        Choice("t_more", N_("More than 7 days left"), Step.RECEIVED),
        Choice("t_unknown", N_("I don't know"), Step.RECEIVED),
    ),
    Step.TIMER: (
        Choice("extend", N_("Ask the seller to extend protection"), Step.EXTEND),
        Choice("open_anyway", N_("Open the dispute anyway"), Step.RECEIVED),
    ),
    Step.EXTEND: (
        FINISH,
        Choice("open_anyway", N_("Open the dispute anyway"), Step.RECEIVED),
    ),
    Step.RECEIVED: (
        Choice("recv_no", N_("No, I did not receive it"), Step.REASON),
        Choice("recv_yes", N_("Yes, but something is wrong"), Step.PROBLEM),
    ),
    Step.REASON: (
        Choice("r_no_track", N_("No tracking information"), Step.SOLUTION),
        Choice("r_late", N_("Still in transit past the promised time"), Step.SOLUTION),
        Choice("r_customs", N_("Held at customs"), Step.SOLUTION),
        Choice("r_returned", N_("Returned to sender"), Step.SOLUTION),
        Choice("r_not_recv", N_("Shows delivered, but I have nothing"), Step.SOLUTION),
    ),
    Step.SOLUTION: (Choice("full_refund", N_("Full refund, no return"), Step.TEXT),),
    Step.PROBLEM: (
        Choice("p_not_desc", N_("Not as described"), Step.KEEP_OR_RETURN),
        Choice("p_quality", N_("Poor quality"), Step.KEEP_OR_RETURN),
        Choice("p_broken", N_("Does not work"), Step.KEEP_OR_RETURN),
        Choice("p_fake", N_("Counterfeit"), Step.KEEP_OR_RETURN),
        Choice("p_damaged", N_("Damaged"), Step.KEEP_OR_RETURN),
        Choice("p_missing", N_("Wrong or missing items"), Step.KEEP_OR_RETURN),
        Choice("p_empty", N_("Empty parcel"), Step.TEXT),
    ),
    Step.KEEP_OR_RETURN: (
        Choice("keep", N_("Keep it: partial refund"), Step.AMOUNT),
        Choice("send_back", N_("Send it back: full refund"), Step.TEXT),
    ),
    Step.AMOUNT: (
        Choice("amt_25", N_("A quarter of the order"), Step.TEXT),
        Choice("amt_50", N_("Half of the order"), Step.TEXT),
        Choice("amt_75", N_("Three quarters of the order"), Step.TEXT),
    ),
    Step.TEXT: (Choice("next", N_("Next: evidence"), Step.EVIDENCE),),
    Step.EVIDENCE: (Choice("next", N_("Next"), Step.WARNINGS),),
    Step.WARNINGS: (Choice("submitted", N_("I have submitted the dispute"), Step.WAITING),),
    Step.WAITING: (Choice("checkin", N_("The seller answered"), Step.CHECKIN), FINISH),
    Step.CHECKIN: (
        Choice("ci_accepted", N_("Accepted"), Step.OUTCOME),
        Choice("ci_offer", N_("Offered an amount"), Step.OFFER),
        Choice("ci_refused", N_("Refused"), Step.OUTCOME),
        Choice("ci_cancel", N_("Asked me to cancel"), Step.OUTCOME),
        Choice("ci_silent", N_("Silent"), Step.OUTCOME),
    ),
    Step.OFFER: (
        Choice("off_0", N_("Nothing ($0)"), Step.OUTCOME),
        Choice("off_25", N_("A quarter of the order"), Step.OUTCOME),
        Choice("off_50", N_("Half of the order"), Step.OUTCOME),
        Choice("off_75", N_("Three quarters of the order"), Step.OUTCOME),
        Choice("off_full", N_("The whole order total"), Step.OUTCOME),
    ),
    Step.OUTCOME: (FINISH,),
    Step.EXPIRED: (
        Choice("fin_recent", N_("The order finished less than 15 days ago"), Step.RECEIVED),
        Choice("fin_old", N_("It finished longer ago"), Step.SUPPORT),
    ),
    Step.SUPPORT: (FINISH,),
    Step.DONE: (),
    Step.CANCELLED: (),
}
TERMINAL = frozenset({Step.DONE, Step.CANCELLED})


@dataclass(slots=True)
class DisputeState:
    """Where the user is in the walk-through. Plain types only; see `to_dict` / `from_dict`."""

    step: str = Step.PICK.value
    history: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    parcel_id: str | None = None
    reason: str | None = None
    problem: str | None = None
    keep_item: bool | None = None
    amount: float | None = None  # what the dispute asks for (order total or a partial refund)
    share: float | None = None  # the partial refund as a share, when the total is unknown
    checkin: str | None = None  # a SellerResponse code
    offer_amount: float | None = None
    submitted_on: str | None = None  # ISO date

    @property
    def current(self) -> Step:
        return Step(self.step)

    @property
    def known(self) -> Facts:
        return Facts.from_dict(self.facts)

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["history"] = list(self.history)
        data["facts"] = dict(self.facts)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DisputeState:
        names = {f.name for f in dataclasses.fields(cls)}
        state = cls(**{k: v for k, v in data.items() if k in names})
        state.history = list(state.history)
        state.facts = dict(state.facts)
        Step(state.step)  # fail early on a corrupted record
        return state


class InvalidChoice(ValueError):
    """A callback that does not belong to the current step (stale button)."""


def first_step(facts: Facts | None) -> Step:
    """Where the walk-through starts for a parcel (D1 logic)."""
    if facts is None:
        return Step.PICK
    left = facts.timer_left
    if facts.in_dispute is True:
        return Step.CHECKIN
    if left is None:
        return Step.TIMER_ASK
    if left < 0:
        return Step.EXPIRED
    if DEFAULTS.extend_window_min <= left <= DEFAULTS.extend_window and _moving(facts):
        return Step.TIMER
    return Step.RECEIVED


def start(facts: Facts | None = None, parcel_id: str | None = None) -> DisputeState:
    state = DisputeState()
    if facts is None:
        return state
    return pick_parcel(state, facts, parcel_id)


def pick_parcel(state: DisputeState, facts: Facts, parcel_id: str | None = None) -> DisputeState:
    """D0 done: remember the parcel's facts and move to its first real step."""
    new = _copy(state)
    new.facts = facts.to_dict()
    new.parcel_id = parcel_id
    new.amount = facts.price_usd
    return _goto(new, first_step(facts))


def choices(state: DisputeState) -> tuple[Choice, ...]:
    """The step's own choices (Back and Cancel are always available too, except at the end)."""
    if state.current is Step.OFFER and order_total(state) is None:
        # Shares of an unknown total mean nothing: $0 (the known trick) or a typed amount.
        return tuple(c for c in CHOICES[Step.OFFER] if c.code == "off_0")
    return CHOICES[state.current]


def order_total(state: DisputeState) -> float | None:
    """The order total (USD) to weigh an offer against: the parcel's price, else the claim."""
    price = state.known.price_usd
    return price if price is not None else state.amount


def suggested_choice(state: DisputeState) -> str | None:
    """The choice to pre-select from what the bot knows (D3 reason, D9 finish date)."""
    facts = state.known
    if state.current is Step.REASON:
        reason = _reason_from(facts)
        return next(code for code, r in REASON_CHOICES.items() if r is reason)
    if state.current is Step.EXPIRED:
        finished = _finished_days_ago(facts)
        if finished is not None:
            return "fin_recent" if finished < DEFAULTS.finished_dispute_window else "fin_old"
    if state.current is Step.TIMER:
        return "extend"
    return None


def next_step(state: DisputeState, choice: str, today: date | None = None) -> DisputeState:
    """Apply ``choice`` (a code of the current step, or ``back`` / ``cancel``). Pure."""
    if choice == BACK:
        return back(state)
    if choice == CANCEL:
        return _goto(_copy(state), Step.CANCELLED)
    picked = next((c for c in choices(state) if c.code == choice), None)
    if picked is None:
        raise InvalidChoice(f"{choice!r} is not a choice at {state.step}")
    new = _copy(state)
    target = picked.target
    facts = new.known
    if choice in REASON_CHOICES:
        new.reason, new.problem, new.keep_item = REASON_CHOICES[choice].value, None, None
        new.amount = facts.price_usd
    elif choice in PROBLEM_CHOICES:
        new.problem, new.reason = PROBLEM_CHOICES[choice].value, None
        new.keep_item = False if choice == "p_empty" else None
        new.amount = facts.price_usd
    elif choice == "keep":
        new.keep_item = True
    elif choice == "send_back":
        new.keep_item = False
        new.amount = facts.price_usd
    elif choice in AMOUNT_SHARES:
        total = facts.price_usd
        new.amount = round(total * AMOUNT_SHARES[choice], 2) if total is not None else None
        new.share = AMOUNT_SHARES[choice] if total is None else None
    elif choice == "submitted":
        new.submitted_on = (today or date.today()).isoformat()
    elif choice in CHECKIN_CHOICES:
        new.checkin = CHECKIN_CHOICES[choice].value
    elif choice in OFFER_SHARES:
        total = order_total(state)
        share = OFFER_SHARES[choice]
        new.offer_amount = round(total * share, 2) if total is not None else 0.0
        new.checkin = SellerResponse.OFFER.value
    elif choice == "t_over":
        new.facts = facts.replace(timer_over=True).to_dict()
    elif choice == "t_soon" and facts.tracking is not None and not _moving(facts):
        target = Step.RECEIVED  # not moving: no time to wait for an extension, dispute now
    return _goto(new, target)


def set_timer_days(state: DisputeState, days_left: int) -> DisputeState:
    """D1 answered with a number: the days left on the order page (negative: ended days ago)."""
    if state.current is not Step.TIMER_ASK:
        raise InvalidChoice(f"no timer expected at {state.step}")
    new = _copy(state)
    facts = new.known.replace(protection_days_left=days_left, timer_over=None)
    new.facts = facts.to_dict()
    return _goto(new, first_step(facts))


def _moving(facts: Facts) -> bool:
    return facts.tracking in (Tracking.MOVING, Tracking.CUSTOMS)


def set_amount(state: DisputeState, amount: float) -> DisputeState:
    """A typed amount: the partial refund at D5a, or the seller's offer at the check-in."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    new = _copy(state)
    if state.current is Step.AMOUNT:
        new.amount, new.share = round(amount, 2), None
        return _goto(new, Step.TEXT)
    if state.current in (Step.CHECKIN, Step.OFFER, Step.OUTCOME):
        new.offer_amount = round(amount, 2)
        new.checkin = SellerResponse.OFFER.value
        return new if state.current is Step.OUTCOME else _goto(new, Step.OUTCOME)
    raise InvalidChoice(f"no amount expected at {state.step}")


def back(state: DisputeState) -> DisputeState:
    """One step back; at the first step this is a no-op."""
    if not state.history:
        return _copy(state)
    new = _copy(state)
    new.step = new.history.pop()
    return new


def _copy(state: DisputeState) -> DisputeState:
    return DisputeState.from_dict(state.to_dict())


def _goto(state: DisputeState, step: Step) -> DisputeState:
    state.history.append(state.step)
    state.step = step.value
    return state


def _reason_from(facts: Facts) -> DisputeReason:
    return {
        Tracking.CUSTOMS: DisputeReason.CUSTOMS,
        Tracking.RETURNED: DisputeReason.RETURNED,
        Tracking.DELIVERED_NOT_RECEIVED: DisputeReason.NOT_RECEIVED,
        Tracking.DELIVERED: DisputeReason.NOT_RECEIVED,
        Tracking.MOVING: DisputeReason.LATE,
        Tracking.STALLED: DisputeReason.LATE,
        Tracking.VANISHED: DisputeReason.LATE,
    }.get(facts.tracking or Tracking.NOT_FOUND, DisputeReason.NO_TRACKING)


def _finished_days_ago(facts: Facts) -> int | None:
    return facts.finished_days_ago


# --- what to show at each step (localized) -----------------------------------------------------


def _usd(amount: float | None) -> str:
    return f"${amount:.2f}" if amount is not None else _("the whole order total")


_PROMPTS: dict[Step, str] = {
    Step.PICK: N_("Which parcel is the dispute about? Pick it or paste its track number."),
    Step.TIMER_ASK: N_(
        "How long is left on the buyer-protection timer (\u201cRefund if no delivery before\u201d "
        "on the order page)? You can also type the number of days left."
    ),
    Step.TIMER: N_(
        "The protection timer is nearly over but the parcel is moving. Asking the seller to "
        "extend protection is gentler; you can still open the dispute right away."
    ),
    Step.EXTEND: N_(
        "Send this to the seller, or use \u201crequest to extend\u201d on the order page. If "
        "the timer is not extended within two days, open the dispute."
    ),
    Step.RECEIVED: N_("Did you receive the parcel?"),
    Step.REASON: N_("Why did it not arrive? I marked the reason that fits what I know."),
    Step.PROBLEM: N_("What is wrong with it?"),
    Step.KEEP_OR_RETURN: N_(
        "Keep the item and ask for a partial refund, or send it back for a full refund?"
    ),
    Step.AMOUNT: N_("How much should the seller refund? Pick a share or type an amount."),
    Step.TEXT: N_(
        "Open the dispute on the order page and paste this English text into the description. "
        "Sellers and AliExpress staff read English, and the form may accept Latin letters only."
    ),
    Step.EVIDENCE: N_("Attach this evidence (jpg or png, about 2 MB per file):"),
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
    if step is Step.SOLUTION:
        return _(
            "Ask for a full refund, refund only (no return): {amount}. Never ask for less than "
            "you paid."
        ).format(amount=_usd(state.amount))
    if step is Step.OFFER:
        total = order_total(state)
        if total is None:
            return _("How much does the seller offer? Type the amount in USD.")
        return _(
            "How much does the seller offer? Pick a share of the order total ({total}) or type "
            "the amount in USD."
        ).format(total=_usd(total))
    if step is Step.OUTCOME:
        advice = checkin_advice(state)
        return advice.situation + "\n" + advice.why
    if step is Step.PICK and not has_parcels:
        return _(
            "Which order is the dispute about? Paste its track number, or continue without one."
        )
    if step is Step.TIMER and not _moving(facts):
        return _(
            "The protection timer is nearly over. If the parcel is moving normally, asking the "
            "seller to extend protection is gentler; if it is not moving, open the dispute now."
        )
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
        subject = DisputeReason(state.reason) if state.reason else _reason_from(facts)
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
    "received": (
        N_("Photos of the item next to a ruler or the label, showing the problem"),
        N_("A short video if it does not work or something is missing"),
        N_("A photo of the parcel and its label"),
        N_("Your chat with the seller"),
    ),
}


def evidence_checklist(state: DisputeState) -> list[str]:
    """D7: localized checklist for the chosen reason."""
    if state.problem is not None:
        key = "received"
    else:
        key = state.reason or _reason_from(state.known).value
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
# Tracking can still show the parcel moving towards the buyer only for these reasons.
_MAY_STILL_MOVE = frozenset({DisputeReason.NO_TRACKING, DisputeReason.LATE, DisputeReason.CUSTOMS})


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
    return DisputeReason(state.reason) if state.reason else _reason_from(state.known)


def checkin_due_in_days(state: DisputeState, today: date | None = None) -> int | None:
    """Days until the check-in (the seller's 5 days), once the dispute was submitted."""
    if state.submitted_on is None:
        return None
    elapsed = ((today or date.today()) - date.fromisoformat(state.submitted_on)).days
    return max(0, DEFAULTS.seller_dispute_response - elapsed)


def checkin_advice(state: DisputeState, today: date | None = None) -> Advice:
    """The advisor's answer for the check-in, as if the user had asked "what now?"."""
    day = today or date.today()
    facts = state.known
    opened = facts.dispute_open_days
    if state.submitted_on is not None:
        opened = max(0, (day - date.fromisoformat(state.submitted_on)).days)
    if opened is None:
        opened = DEFAULTS.seller_dispute_response
    response = SellerResponse(state.checkin) if state.checkin else None
    if response is SellerResponse.NONE and opened < DEFAULTS.seller_dispute_response:
        response = None
    asked = facts.replace(
        dispute_open=True,
        dispute_open_days=opened,
        seller_response=response,
        offer_amount=state.offer_amount,
        price_usd=order_total(state),
    )
    return advise(asked, today=day)


def step_view(state: DisputeState, has_parcels: bool = True) -> dict[str, Any]:
    """Everything a front end needs to draw the step, localized: text, buttons, pre-selection.

    ``has_parcels``: at D0 the chat lists the user's parcels; without any the step asks for a
    number or to go on without one."""
    buttons = [(c.code, _(c.label)) for c in choices(state)]
    if state.current not in TERMINAL:
        if state.history:
            buttons.append((BACK, _("Back")))
        buttons.append((CANCEL, _("Cancel")))
    return {
        "step": state.step,
        "text": prompt(state, has_parcels),
        "buttons": buttons,
        "selected": suggested_choice(state),
        "code": code_block(state),
        "list": evidence_checklist(state)
        if state.current is Step.EVIDENCE
        else warnings(state)
        if state.current is Step.WARNINGS
        else [],
    }
