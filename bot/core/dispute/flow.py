"""The dispute walk-through (D0-D9 of the brief): steps, choices and pure transitions.

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

from bot.core.advice.advisor import advise
from bot.core.advice.deadline import TimerStep, arriving, timer_step
from bot.core.advice.facts import Facts, SellerResponse, Tracking
from bot.core.advice.letters import DisputeReason, Problem
from bot.core.advice.outcome import Advice
from bot.core.advice.predicates import reason_for
from bot.core.advice.timelines import DEFAULTS
from bot.i18n import N_


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
    EVIDENCE = "d7"  # what to attach, and does the user have any of it
    TEXT = "d6"  # the summary of the form and the English text to paste
    WARNINGS = "d8"  # older releases only: the warnings are part of the summary now
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
    # What picking it means: a reason, a problem, a seller response or a share of the total.
    means: DisputeReason | Problem | SellerResponse | float | bool | None = None


BACK = "back"
CANCEL = "cancel"
FINISH = Choice("finish", N_("Done"), Step.DONE)

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
        Choice(
            "r_no_track", N_("No tracking information"), Step.SOLUTION, DisputeReason.NO_TRACKING
        ),
        Choice(
            "r_late",
            N_("Still in transit past the promised time"),
            Step.SOLUTION,
            DisputeReason.LATE,
        ),
        Choice("r_customs", N_("Held at customs"), Step.SOLUTION, DisputeReason.CUSTOMS),
        Choice("r_returned", N_("Returned to sender"), Step.SOLUTION, DisputeReason.RETURNED),
        Choice(
            "r_not_recv",
            N_("Shows delivered, but I have nothing"),
            Step.SOLUTION,
            DisputeReason.NOT_RECEIVED,
        ),
    ),
    Step.SOLUTION: (Choice("full_refund", N_("Full refund, no return"), Step.EVIDENCE),),
    Step.PROBLEM: (
        Choice("p_not_desc", N_("Not as described"), Step.KEEP_OR_RETURN, Problem.NOT_AS_DESCRIBED),
        Choice("p_quality", N_("Poor quality"), Step.KEEP_OR_RETURN, Problem.POOR_QUALITY),
        Choice("p_broken", N_("Does not work"), Step.KEEP_OR_RETURN, Problem.NOT_WORKING),
        Choice("p_fake", N_("Counterfeit"), Step.KEEP_OR_RETURN, Problem.COUNTERFEIT),
        Choice("p_damaged", N_("Damaged"), Step.KEEP_OR_RETURN, Problem.DAMAGED),
        Choice(
            "p_missing", N_("Wrong or missing items"), Step.KEEP_OR_RETURN, Problem.WRONG_OR_MISSING
        ),
        Choice("p_empty", N_("Empty parcel"), Step.EVIDENCE, Problem.EMPTY),
    ),
    Step.KEEP_OR_RETURN: (
        Choice("keep", N_("Keep it: partial refund"), Step.AMOUNT),
        Choice("send_back", N_("Send it back: full refund"), Step.EVIDENCE),
    ),
    Step.AMOUNT: (
        Choice("amt_25", N_("A quarter of the order"), Step.EVIDENCE, 0.25),
        Choice("amt_50", N_("Half of the order"), Step.EVIDENCE, 0.5),
        Choice("amt_75", N_("Three quarters of the order"), Step.EVIDENCE, 0.75),
    ),
    # Evidence before the text: the text mentions attached files only when there are some.
    Step.EVIDENCE: (
        Choice("ev_yes", N_("I have some of these: next"), Step.TEXT, True),
        Choice("ev_no", N_("I have none of these: next"), Step.TEXT, False),
    ),
    # The text step is the summary: the form field by field, the warnings, the text to paste.
    Step.TEXT: (Choice("submitted", N_("I have submitted the dispute"), Step.WAITING),),
    # Kept for walk-throughs saved by older releases (the warnings are in the summary now).
    Step.WARNINGS: (Choice("submitted", N_("I have submitted the dispute"), Step.WAITING),),
    Step.WAITING: (Choice("checkin", N_("The seller answered"), Step.CHECKIN), FINISH),
    Step.CHECKIN: (
        Choice("ci_accepted", N_("Accepted"), Step.OUTCOME, SellerResponse.ACCEPTED),
        Choice("ci_offer", N_("Offered an amount"), Step.OFFER, SellerResponse.OFFER),
        Choice("ci_refused", N_("Refused"), Step.OUTCOME, SellerResponse.REFUSED),
        Choice("ci_cancel", N_("Asked me to cancel"), Step.OUTCOME, SellerResponse.ASKED_CANCEL),
        Choice("ci_silent", N_("Silent"), Step.OUTCOME, SellerResponse.NONE),
    ),
    Step.OFFER: (
        Choice("off_0", N_("Nothing ($0)"), Step.OUTCOME, 0.0),
        Choice("off_25", N_("A quarter of the order"), Step.OUTCOME, 0.25),
        Choice("off_50", N_("Half of the order"), Step.OUTCOME, 0.5),
        Choice("off_75", N_("Three quarters of the order"), Step.OUTCOME, 0.75),
        Choice("off_full", N_("The whole order total"), Step.OUTCOME, 1.0),
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


def _meanings(step: Step) -> dict[str, Any]:
    return {c.code: c.means for c in CHOICES[step]}


REASON_CHOICES: dict[str, DisputeReason] = _meanings(Step.REASON)
PROBLEM_CHOICES: dict[str, Problem] = _meanings(Step.PROBLEM)
CHECKIN_CHOICES: dict[str, SellerResponse] = _meanings(Step.CHECKIN)
AMOUNT_SHARES: dict[str, float] = _meanings(Step.AMOUNT)
OFFER_SHARES: dict[str, float] = _meanings(Step.OFFER)
# The text a step takes besides its buttons (see `handlers.awaiting`): a track number at D0,
# the days left at D1, an amount at D5a and around the check-in.
TYPED_INPUT: dict[Step, str] = {
    Step.PICK: "number",
    Step.TIMER_ASK: "days",
    Step.AMOUNT: "amount",
    Step.CHECKIN: "amount",
    Step.OFFER: "amount",
    Step.OUTCOME: "amount",
}


@dataclass(slots=True)
class DisputeState:
    """Where the user is in the walk-through. Plain types only; see `to_dict` / `from_dict`."""

    step: str = Step.PICK.value
    history: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    parcel_id: int | None = None
    reason: str | None = None
    problem: str | None = None
    keep_item: bool | None = None
    amount: float | None = None  # what the dispute asks for (order total or a partial refund)
    share: float | None = None  # the partial refund as a share, when the total is unknown
    checkin: str | None = None  # a SellerResponse code
    offer_amount: float | None = None
    submitted_on: str | None = None  # ISO date
    evidence: bool | None = None  # the user has evidence to attach (the text says so)
    preset: str | None = None  # a choice the user already told (e.g. "p_empty"): pre-selected

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
        if state.parcel_id is not None:  # older releases kept the id as text; "" was none
            state.parcel_id = int(state.parcel_id) or None
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
    # The advice's timer rule (bot.core.advice.deadline): the extension is offered only when it
    # says "extend"; under 5 days, or a parcel not on its way, goes straight to the dispute.
    if timer_step(left, arriving=arriving(facts)) is TimerStep.EXTEND and moving(facts):
        return Step.TIMER
    return Step.RECEIVED


def start(facts: Facts | None = None, parcel_id: int | None = None) -> DisputeState:
    state = DisputeState()
    if facts is None:
        return state
    return pick_parcel(state, facts, parcel_id)


def pick_parcel(state: DisputeState, facts: Facts, parcel_id: int | None = None) -> DisputeState:
    """D0 done: remember the parcel's facts and move to its first real step."""
    new = _copy(state)
    new.facts = facts.to_dict()
    new.parcel_id = parcel_id
    new.amount = claim_total(facts)
    return _goto(new, first_step(facts))


def checkin(
    last: DisputeState | None,
    facts: Facts | None = None,
    parcel_id: int | None = None,
    amount: float | None = None,
    submitted_on: date | None = None,
) -> DisputeState:
    """The check-in ("did the seller answer?") of a submitted dispute: the ``last`` one kept
    without a parcel, or the one recorded on parcel ``parcel_id``."""
    if last is not None:
        state = _copy(last)
        state.step, state.history = Step.CHECKIN.value, []
        return state
    return DisputeState(
        step=Step.CHECKIN.value,
        facts=(facts or Facts()).to_dict(),
        parcel_id=parcel_id,
        amount=amount,
        submitted_on=submitted_on.isoformat() if submitted_on else None,
    )


def choices(state: DisputeState) -> tuple[Choice, ...]:
    """The step's own choices (Back and Cancel are always available too, except at the end)."""
    if state.current is Step.OFFER and order_total(state) is None:
        # Shares of an unknown total mean nothing: $0 (the known trick) or a typed amount.
        return tuple(c for c in CHOICES[Step.OFFER] if c.code == "off_0")
    return CHOICES[state.current]


def claim_total(facts: Facts) -> float | None:
    """The amount a claim may name: never an approximate price (converted at a fixed rate, or a
    range button), which may be less than was paid; the text then says "the whole order total"."""
    return None if facts.price_approx else facts.price_usd


def order_total(state: DisputeState) -> float | None:
    """The order total (USD) to weigh an offer against: the parcel's price, else the claim."""
    price = state.known.price_usd
    return price if price is not None else state.amount


def suggested_choice(state: DisputeState) -> str | None:
    """The choice to pre-select from what the bot knows (D3 reason, D9 finish date)."""
    facts = state.known
    if state.preset is not None:
        if any(c.code == state.preset for c in choices(state)):
            return state.preset
        if state.current is Step.RECEIVED:
            return "recv_yes" if state.preset in PROBLEM_CHOICES else "recv_no"
    if state.current is Step.REASON:
        reason = reason_for(facts)
        return next(code for code, r in REASON_CHOICES.items() if r is reason)
    if state.current is Step.EXPIRED:
        finished = facts.finished_days_ago
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
        new.amount = claim_total(facts)
    elif choice in PROBLEM_CHOICES:
        new.problem, new.reason = PROBLEM_CHOICES[choice].value, None
        new.keep_item = False if choice == "p_empty" else None
        new.amount = claim_total(facts)
    elif choice == "keep":
        new.keep_item = True
    elif choice == "send_back":
        new.keep_item = False
        new.amount = claim_total(facts)
    elif choice in AMOUNT_SHARES:
        total = claim_total(facts)
        new.amount = round(total * AMOUNT_SHARES[choice], 2) if total is not None else None
        new.share = AMOUNT_SHARES[choice] if total is None else None
    elif choice in ("ev_yes", "ev_no"):
        new.evidence = choice == "ev_yes"
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
    elif choice == "t_soon" and facts.tracking is not None and not moving(facts):
        target = Step.RECEIVED  # not moving: no time to wait for an extension, dispute now
    return _told_on(_goto(new, target))


def _told_on(state: DisputeState) -> DisputeState:
    """At D2 with something the user told earlier: answer D2 and the reason for them."""
    if state.current is Step.RECEIVED and state.preset is not None:
        return told(state, state.preset)
    return state


# What a user may have told before the walk-through starts ("it arrived empty"): a reason or a
# problem of D3 / D5.
TOLD = frozenset({"r_not_recv", "p_empty", "p_missing", "p_damaged", "p_broken", "p_not_desc"})


def told(state: DisputeState, preset: str) -> DisputeState:
    """The user already said what happened (QA B8): when the walk-through is at D2, answer it and
    the reason for them (Back shows both, marked); otherwise (the timer question comes first)
    keep it to pre-select later."""
    if preset not in TOLD:
        raise InvalidChoice(f"{preset!r} is not something a user tells")
    new = _copy(state)
    new.preset = preset
    if new.current is Step.RECEIVED:
        new = next_step(new, "recv_yes" if preset in PROBLEM_CHOICES else "recv_no")
        new = next_step(new, preset)
    return new


def set_timer_days(state: DisputeState, days_left: int) -> DisputeState:
    """D1 answered with a number: the days left on the order page (negative: ended days ago)."""
    if state.current is not Step.TIMER_ASK:
        raise InvalidChoice(f"no timer expected at {state.step}")
    new = _copy(state)
    facts = new.known.replace(protection_days_left=days_left, timer_over=None)
    new.facts = facts.to_dict()
    return _told_on(_goto(new, first_step(facts)))


def moving(facts: Facts) -> bool:
    """Tracking shows the parcel on its way (customs counts: it moves again after)."""
    return facts.tracking in (Tracking.MOVING, Tracking.CUSTOMS)


def set_amount(state: DisputeState, amount: float) -> DisputeState:
    """A typed amount: the partial refund at D5a, or the seller's offer at the check-in."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    new = _copy(state)
    if state.current is Step.AMOUNT:
        new.amount, new.share = round(amount, 2), None
        return _goto(new, Step.EVIDENCE)
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
        has_evidence=state.evidence,
    )
    return advise(asked, today=day)
