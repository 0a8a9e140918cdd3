"""The advisor: facts about a parcel in, exactly one next action out.

Rules are an ordered table of named rules; the first whose condition holds decides. The order is
the priority: an open dispute first, then the protection timer (never let it run out), then the
parcel's own story. Conditions are cheap pure predicates, so the advisor can also probe which
unknown facts would change the answer (`Advice.missing`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from bot.core.advice import letters
from bot.core.advice.deadline import (
    NOT_ARRIVING,
    Deadline,
    TimerStep,
    cap_next_look,
    deadline_line,
    deadline_of,
    step_for,
)
from bot.core.advice.facts import Facts, NumberFormat, SellerResponse, Tracking
from bot.core.advice.letters import DisputeReason
from bot.core.advice.timelines import DEFAULTS, Timelines
from bot.core.parsing import USD_RATES
from bot.i18n import N_, _, ngettext


class Action(StrEnum):
    """Stable codes of the one thing to do now (tools, the chat and tests read them)."""

    WAIT = "wait"
    CHECK_OTHER_SITE = "check_other_site"
    WRITE_SELLER = "write_seller"
    ASK_INTERNATIONAL_NUMBER = "ask_international_number"
    EXTEND_PROTECTION = "extend_protection"
    OPEN_DISPUTE = "open_dispute"
    CUSTOMS_WAIT = "customs_wait"
    ASK_SELLER_SEARCH = "ask_seller_search"
    DISPUTE_WAIT_SELLER = "dispute_wait_seller"
    DISPUTE_KEEP_OPEN = "dispute_keep_open"
    CHECK_OFFER = "check_offer"
    DISPUTE_ESCALATE = "dispute_escalate"
    TIMER_EXPIRED = "timer_expired"
    CONFIRM_RECEIPT = "confirm_receipt"
    CHECK_TIMER = "check_timer"


# After these the user waits for the seller: the advice offers "remind me if the seller is
# silent", and the reminder asks whether the seller answered.
WAITS_FOR_SELLER = frozenset(
    {
        Action.WRITE_SELLER,
        Action.ASK_INTERNATIONAL_NUMBER,
        Action.ASK_SELLER_SEARCH,
        Action.EXTEND_PROTECTION,
    }
)


ACTION_LABELS: dict[Action, str] = {
    Action.WAIT: N_("Wait"),
    Action.CHECK_OTHER_SITE: N_("Check another tracking site"),
    Action.WRITE_SELLER: N_("Write to the seller"),
    Action.ASK_INTERNATIONAL_NUMBER: N_("Ask the seller for the international number"),
    Action.EXTEND_PROTECTION: N_("Ask to extend buyer protection"),
    Action.OPEN_DISPUTE: N_("Open a dispute"),
    Action.CUSTOMS_WAIT: N_("Wait for customs"),
    Action.ASK_SELLER_SEARCH: N_("Ask the seller to start a search"),
    Action.DISPUTE_WAIT_SELLER: N_("Wait for the seller's answer to the dispute"),
    Action.DISPUTE_KEEP_OPEN: N_("Keep the dispute open"),
    Action.CHECK_OFFER: N_("Check the seller's offer"),
    Action.DISPUTE_ESCALATE: N_("Escalate the dispute to AliExpress"),
    Action.TIMER_EXPIRED: N_("Protection has ended: act now"),
    Action.CONFIRM_RECEIPT: N_("Check the item, then confirm receipt"),
    Action.CHECK_TIMER: N_("Check the protection timer now"),
}


def action_label(action: Action) -> str:
    """Short localized name of an action (buttons, headings)."""
    return _(ACTION_LABELS[action])


@dataclass(frozen=True, slots=True)
class Advice:
    """One answer, already localized in the language current when `advise` ran.

    ``letter`` is English on purpose (for the seller or the dispute form). ``missing`` names facts
    (keys of `bot.core.advice.facts.fact_question`) that would change or sharpen the answer, most
    important first.
    """

    action: Action
    rule: str
    situation: str
    why: str
    next_check_in_days: int | None = None
    letter: str | None = None
    missing: tuple[str, ...] = ()
    # The protection deadline the advice was given against (None: nothing to count from).
    deadline: Deadline | None = None
    deadline_on: date | None = None
    deadline_note: str | None = None  # localized: "If your timer is the usual 60 days, ..."

    def to_dict(self) -> dict[str, Any]:
        d = self.deadline
        return {
            "action": self.action.value,
            "rule": self.rule,
            "situation": self.situation,
            "why": self.why,
            "next_check_in_days": self.next_check_in_days,
            "letter": self.letter,
            "missing": list(self.missing),
            "deadline": None
            if d is None or self.deadline_on is None
            else {
                "days_left": d.days_left,
                "date": self.deadline_on.isoformat(),
                "assumed": d.assumed,
                "assumed_window_days": d.window,
                "approximate": d.approx,
                "note": self.deadline_note,
            },
        }


@dataclass(frozen=True, slots=True)
class Ctx:
    facts: Facts
    t: Timelines
    today: date


@dataclass(frozen=True, slots=True)
class Outcome:
    action: Action
    situation: str
    why: str
    next_check_in_days: int | None = None
    letter: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    when: Callable[[Facts, Timelines], bool]
    build: Callable[[Ctx], Outcome]
    # Facts that do not switch the rule but make its answer more precise.
    sharpen: tuple[str, ...] = field(default=())


def days(n: int) -> str:
    """A localized count of days ("1 day", "5 дней")."""
    return ngettext("{n} day", "{n} days", n).format(n=n)


def _usd(amount: float) -> str:
    return f"${amount:.2f}"


def _trust_page() -> str:
    return _("Sources disagree on these deadlines: trust the countdown on your own order page.")


# --- predicates --------------------------------------------------------------------------------

_SILENT = (None, SellerResponse.NONE, SellerResponse.PROMISED)
_NOT_ARRIVING = NOT_ARRIVING
_LOCAL_FORMATS = (NumberFormat.LOCAL_ONLY, NumberFormat.ORIGIN_ONLY)


def _cheap(f: Facts, t: Timelines) -> bool:
    return f.price_usd is not None and f.price_usd < t.cheap_price_usd


def _pricey(f: Facts, t: Timelines) -> bool:
    return f.price_usd is not None and f.price_usd > t.tracked_price_usd


def _write_after(f: Facts, t: Timelines) -> int:
    """Days after shipping from which silence on every tracker is worth a letter."""
    return t.pricey_untracked_after if _pricey(f, t) else t.write_seller_after


def _dispute(f: Facts) -> bool:
    return f.in_dispute is True


def _seller_problem(f: Facts, t: Timelines) -> str | None:
    """Which letter the parcel's state calls for, if any (and so what a dispute would be about)."""
    tr, stalled = f.tracking, f.stalled_days
    if tr is Tracking.VANISHED:
        return "search"
    if tr is Tracking.STALLED and stalled is not None and stalled > t.customs_max:
        return "search"
    if tr is Tracking.CUSTOMS and stalled is not None and stalled > t.customs_max:
        return "customs"
    if tr in (None, Tracking.NOT_FOUND, Tracking.ORIGIN_ONLY) and f.number_format in _LOCAL_FORMATS:
        return "international"
    if tr in (None, Tracking.NOT_FOUND) and f.number_format is NumberFormat.INVALID:
        return "not_tracked"
    if tr is Tracking.NOT_FOUND and (
        f.days_since_shipped is None or f.days_since_shipped >= _write_after(f, t)
    ):
        return "not_tracked"
    return None


def _cheap_untracked(f: Facts, t: Timelines) -> bool:
    return _cheap(f, t) and f.tracking in (Tracking.NOT_FOUND, Tracking.ORIGIN_ONLY)


def _may_dispute_yet(f: Facts, t: Timelines) -> bool:
    earliest = t.pricey_untracked_after if _pricey(f, t) else t.earliest_dispute
    return f.days_since_shipped is None or f.days_since_shipped >= earliest


def _seller_failed(f: Facts, t: Timelines) -> bool:
    if f.contacted is not True or _seller_problem(f, t) is None or not _may_dispute_yet(f, t):
        return False
    if f.seller_response is SellerResponse.REFUSED:
        return True
    ago = f.seller_contacted_days_ago
    return ago is not None and ago >= t.seller_response


def _seller_pending(f: Facts, t: Timelines) -> bool:
    ago = f.seller_contacted_days_ago
    return _seller_problem(f, t) is not None and ago is not None and ago < t.seller_response


def reason_for(f: Facts) -> DisputeReason:
    """What a dispute about these facts is about (untracked unless tracking says otherwise)."""
    return {
        Tracking.RETURNED: DisputeReason.RETURNED,
        Tracking.DELIVERED_NOT_RECEIVED: DisputeReason.NOT_RECEIVED,
        Tracking.DELIVERED: DisputeReason.NOT_RECEIVED,  # a dispute about it: not in my hands
        Tracking.CUSTOMS: DisputeReason.CUSTOMS,
        Tracking.MOVING: DisputeReason.LATE,
        Tracking.STALLED: DisputeReason.LATE,
        Tracking.VANISHED: DisputeReason.LATE,
    }.get(f.tracking or Tracking.NOT_FOUND, DisputeReason.NO_TRACKING)


def _dispute_letter(c: Ctx) -> str:
    f = c.facts
    return letters.dispute_text(
        reason_for(f),
        track_number=f.track_number,
        days_since_shipped=f.days_since_shipped,
        seller_contacted_days_ago=f.seller_contacted_days_ago,
        seller_silent=f.seller_response in _SILENT,
        amount=None if f.price_approx else f.price_usd,
        today=c.today,
        timelines=c.t,
    )


def _shipped_line(f: Facts) -> str:
    if f.days_since_shipped is None:
        return _("The parcel has no tracking yet.")
    return _("The order was marked as shipped {days} ago and tracking shows nothing.").format(
        days=days(f.days_since_shipped)
    )


# --- rule outcomes -----------------------------------------------------------------------------


def _delivered(c: Ctx) -> Outcome:
    return Outcome(
        Action.CONFIRM_RECEIPT,
        _("Tracking says the parcel was delivered."),
        _(
            "Open it and check the item first. Confirm receipt on the order page only if all is "
            "well; if something is wrong, open a dispute instead, before confirming."
        ),
    )


def _dispute_accepted(c: Ctx) -> Outcome:
    return Outcome(
        Action.WAIT,
        _("The seller accepted your dispute."),
        _(
            "The refund is on its way; it can take a few business days to reach your card. "
            "Nothing else to do unless the money does not arrive."
        ),
        7,
    )


def _dispute_offer(c: Ctx) -> Outcome:
    f = c.facts
    if f.offer_amount is not None and f.offer_amount <= 0:
        situation = _("The seller offers a refund of $0.00.")
        why = _(
            "A zero refund is a known trick: accepting it closes the dispute and you get nothing. "
            "Reject it and keep the dispute open."
        )
    else:
        if f.offer_amount is not None and f.price_usd is not None:
            situation = _("The seller offers {offer} of your {total}.").format(
                offer=_usd(f.offer_amount), total=_usd(f.price_usd)
            )
        elif f.offer_amount is not None:
            situation = _("The seller offers {offer}.").format(offer=_usd(f.offer_amount))
        else:
            situation = _("The seller made a counter-offer in the dispute.")
        why = _(
            "Pressing accept agrees to the amount and to any return the seller demands. Check both "
            "on the dispute page; if it is not what you want, reject it and keep the dispute open."
        )
        if f.offer_amount is not None and f.price_usd is not None and f.price_usd > 0:
            if f.offer_amount >= f.price_usd:
                why = _(
                    "That covers the whole order total. Before pressing accept, check on the "
                    "dispute page that no return is demanded: accepting agrees to it too."
                )
            else:
                why = _(
                    "That is {percent} of the order total. If the item never arrived, you are owed "
                    "all of it: reject the offer and keep the dispute open. If you keep the item, "
                    "accept only an amount you are happy with, and check that no return is "
                    "demanded."
                ).format(percent=f"{round(100 * f.offer_amount / f.price_usd)}%")
    return Outcome(Action.CHECK_OFFER, situation, why, 1)


def _dispute_refused(c: Ctx) -> Outcome:
    return Outcome(
        Action.DISPUTE_ESCALATE,
        _("The seller refused your dispute."),
        _(
            "Do not cancel. Reject the seller's answer and ask AliExpress to step in; add the "
            "English text below and your evidence. Without agreement AliExpress usually steps in "
            "by itself after {low}-{high} days."
        ).format(low=c.t.escalation_min, high=c.t.escalation_max),
        3,
        letters.letter_escalation(c.facts.dispute_open_days),
    )


def _dispute_asked_cancel(c: Ctx) -> Outcome:
    f = c.facts
    if f.timer_left is not None and f.timer_left <= 0:
        why = _(
            "Never cancel now: the protection time is over, so a cancelled dispute closes the "
            "order in the seller's favour and it cannot be reopened."
        )
    elif f.tracking is Tracking.MOVING:
        why = _(
            "Cancel only if you are sure the parcel really moves and will arrive before the "
            "protection time ends; a cancelled dispute cannot always be reopened."
        )
    else:
        why = _(
            "Do not cancel because the seller asks: the parcel is not moving, and the dispute is "
            "your only protection."
        )
    return Outcome(
        Action.DISPUTE_KEEP_OPEN,
        _("The seller asks you to cancel the dispute."),
        why,
        2,
    )


def _dispute_seller_late(c: Ctx) -> Outcome:
    f = c.facts
    if f.seller_response is None:
        # We were not told whether the seller answered: do not claim silence.
        return Outcome(
            Action.DISPUTE_KEEP_OPEN,
            _("Your dispute has been open for {days}.").format(days=days(f.dispute_open_days or 0)),
            _(
                "Keep it open. If the seller has not answered within {days}, it closes in your "
                "favour for the amount you asked; if they answered, tell me how (/whatnow) and "
                "I will say what to do."
            ).format(days=days(c.t.seller_dispute_response)),
            2,
        )
    return Outcome(
        Action.DISPUTE_KEEP_OPEN,
        _("The seller did not answer the dispute within {days}.").format(
            days=days(c.t.seller_dispute_response)
        ),
        _(
            "Keep it open: a dispute the seller ignores closes in your favour for the amount you "
            "asked. Look at the dispute page again in a couple of days."
        ),
        2,
    )


def _dispute_wait(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    if f.dispute_open_days is None:
        left = t.seller_dispute_response
        situation = _("Your dispute is open; the seller has not answered yet.")
    else:
        left = max(1, t.seller_dispute_response - f.dispute_open_days)
        situation = _(
            "Your dispute has been open for {days}; no answer from the seller yet."
        ).format(days=days(f.dispute_open_days))
    return Outcome(
        Action.DISPUTE_WAIT_SELLER,
        situation,
        _(
            "The seller has {days} to answer a dispute; if they stay silent it closes in your "
            "favour. Do not cancel it in the meantime."
        ).format(days=days(t.seller_dispute_response)),
        left,
    )


def _timer_expired(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    finished = f.finished_days_ago
    situation = _("The buyer-protection time is over; the order is closed.")
    letter: str | None = None
    if finished is None:
        # "It is over" without a date: say both branches of D9 rather than guess.
        why = _(
            "If the order finished less than {days} ago, a dispute is still possible: open it "
            "now. If it finished longer ago, contact AliExpress support."
        ).format(days=days(t.finished_dispute_window))
        letter = _dispute_letter(c)
    elif finished < t.finished_dispute_window:
        why = _(
            "A dispute is still possible within {days} after the order finished: open it now."
        ).format(days=days(t.finished_dispute_window))
        letter = _dispute_letter(c)
    else:
        why = _("It is too late for a dispute on the order page: contact AliExpress support.")
    if f.paid_with_paypal:
        why += " " + _(
            "You paid with PayPal, so you can also open a PayPal claim within {days} of the "
            "payment."
        ).format(days=days(t.paypal_claim))
    elif f.paid_with_paypal is None:
        why += " " + _(
            "If you paid with PayPal, you can also open a PayPal claim within {days} of the "
            "payment."
        ).format(days=days(t.paypal_claim))
    return Outcome(Action.TIMER_EXPIRED, situation, why + " " + _trust_page(), None, letter)


def _timer_critical(c: Ctx) -> Outcome:
    left = c.facts.protection_days_left or 0
    return Outcome(
        Action.OPEN_DISPUTE,
        _("Only {days} left on the buyer-protection timer.").format(days=days(left))
        if left > 0
        else _("The buyer-protection timer ends today."),
        _(
            "That is too little to wait for the seller to extend it. Open a dispute now: once "
            "the timer ends the money goes to the seller."
        )
        + " "
        + _trust_page(),
        1,
        _dispute_letter(c),
    )


def _timer_extend(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    left = f.protection_days_left or 0
    return Outcome(
        Action.EXTEND_PROTECTION,
        _("{days} left on the buyer-protection timer and the parcel is still on its way.").format(
            days=days(left)
        ),
        _(
            "Ask the seller to extend protection (order page, request to extend) with the letter "
            "below. If it is not extended within two days, open a dispute before the timer ends."
        )
        + " "
        + _trust_page(),
        2,
        letters.letter_extend_protection(t.extend_by, f.track_number),
    )


def _timer_dispute(c: Ctx) -> Outcome:
    left = c.facts.protection_days_left or 0
    return Outcome(
        Action.OPEN_DISPUTE,
        _("{days} left on the buyer-protection timer and the parcel is not moving.").format(
            days=days(left)
        ),
        _(
            "Do not let the timer run out: once it ends the money goes to the seller. Open a "
            "dispute now."
        )
        + " "
        + _trust_page(),
        1,
        _dispute_letter(c),
    )


def _timer_assumed_near(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    d = deadline_of(f, t)
    assert d is not None and d.window is not None
    situation = deadline_line(d, c.today)
    if f.tracking not in _NOT_ARRIVING:
        extend = _(
            "If a week or less is left and the parcel is on its way, ask the seller to extend "
            "protection today, and open a dispute if it is not extended within two days; under "
            "{days} left, open the dispute right away."
        ).format(days=days(t.extend_window_min))
    else:
        extend = _("If a week or less is left, open a dispute now.")
    return Outcome(
        Action.CHECK_TIMER,
        situation,
        _(
            "I do not know your countdown, and the timer must never run out: once it ends the "
            "money goes to the seller. Look at the order page now."
        )
        + " "
        + extend
        + " "
        + _("If it is already over, tell me (/whatnow) and I will say what is still possible."),
        1,
        _dispute_letter(c),
    )


def _returned(c: Ctx) -> Outcome:
    return Outcome(
        Action.OPEN_DISPUTE,
        _("Tracking says the parcel was returned to the sender."),
        _("It is not coming to you. Open a dispute for a full refund."),
        None,
        _dispute_letter(c),
    )


def _delivered_not_received(c: Ctx) -> Outcome:
    return Outcome(
        Action.OPEN_DISPUTE,
        _("Tracking says delivered, but you have nothing."),
        _(
            "Ask at your post office first and get a written statement that they do not have it; "
            "then open a dispute and attach the statement."
        ),
        None,
        _dispute_letter(c),
    )


def _cheap_untracked_outcome(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    left = f.protection_days_left
    return Outcome(
        Action.WAIT,
        _("A cheap order (under {price}) without tracking.").format(price=_usd(t.cheap_price_usd)),
        _(
            "Items this cheap are rarely tracked, or only until they leave China; that is normal. "
            "Wait and watch the protection timer. A dispute would be yours to win, but for a "
            "deliberately untracked cheap item waiting is fairer; your call."
        ),
        max(1, left - t.extend_window) if left is not None else 7,
    )


def _seller_failed_outcome(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    if f.seller_response is SellerResponse.REFUSED:
        situation = _("The seller refused to help.")
    elif f.seller_contacted_days_ago is not None:
        situation = _("You wrote to the seller {days} ago and nothing has changed.").format(
            days=days(f.seller_contacted_days_ago)
        )
    else:
        situation = _("The seller has not solved the problem.")
    return Outcome(
        Action.OPEN_DISPUTE,
        situation,
        _(
            "Silence or promises after {days} are not a solution. Open a dispute for a full "
            "refund; ignore reassurances until the parcel really moves."
        ).format(days=days(t.seller_response)),
        t.seller_dispute_response,
        _dispute_letter(c),
    )


def _seller_pending_outcome(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    ago = f.seller_contacted_days_ago or 0
    return Outcome(
        Action.WAIT,
        _("You wrote to the seller {days} ago.").format(days=days(ago)),
        _(
            "Give the seller {days} to answer. If nothing useful comes by then, open a dispute."
        ).format(days=days(t.seller_response)),
        max(1, t.seller_response - ago),
    )


def _too_early(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    shipped = f.days_since_shipped or 0
    return Outcome(
        Action.WAIT,
        _shipped_line(f),
        _(
            "Tracking usually appears {low}-{high} days after shipping; some sellers register "
            "the number before the parcel really leaves. Nothing to worry about yet."
        ).format(low=t.tracking_appears_min, high=t.tracking_appears_max),
        max(1, t.tracking_appears_min - shipped),
    )


def _invalid_number(c: Ctx) -> Outcome:
    return Outcome(
        Action.WRITE_SELLER,
        _("The track number fails its check digit."),
        _(
            "Compare it with the order page first: it may be a typo. If it is copied right, the "
            "number is probably invented; ask the seller for a working one."
        ),
        c.t.seller_response,
        letters.letter_not_tracked(c.facts.track_number, c.facts.days_since_shipped, c.today),
    )


def _local_number(c: Ctx) -> Outcome:
    return Outcome(
        Action.ASK_INTERNATIONAL_NUMBER,
        _("This number is usually tracked only inside the origin country."),
        _(
            "Once the parcel leaves China it disappears from tracking. Ask the seller for the "
            "international number (two letters, nine digits, two letters)."
        ),
        c.t.seller_response,
        letters.letter_international_number(c.facts.track_number),
    )


def _pricey_untracked(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    return Outcome(
        Action.WRITE_SELLER,
        _shipped_line(f),
        _(
            "Orders over {price} are almost always tracked, so no tracking after {days} is "
            "already grounds for a \u201cno tracking information\u201d dispute. Write to the "
            "seller first."
        ).format(price=_usd(t.tracked_price_usd), days=days(t.pricey_untracked_after)),
        t.seller_response,
        letters.letter_not_tracked(f.track_number, f.days_since_shipped, c.today),
    )


def _untracked_early(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    shipped = f.days_since_shipped
    return Outcome(
        Action.CHECK_OTHER_SITE,
        _shipped_line(f),
        _(
            "That is normal in the first {days}: tracking often appears {low}-{high} days after "
            "shipping. Check the number on a second tracking site."
        ).format(
            days=days(t.write_seller_after), low=t.tracking_appears_min, high=t.tracking_appears_max
        ),
        t.write_seller_after - shipped if shipped is not None else t.tracking_appears_min,
    )


def _untracked_write(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    return Outcome(
        Action.WRITE_SELLER,
        _shipped_line(f),
        _(
            "After {days} without tracking, write to the seller and ask where the parcel is. "
            "If nothing useful comes within {reply}, open a dispute."
        ).format(days=days(t.write_seller_after), reply=days(t.seller_response)),
        t.seller_response,
        letters.letter_not_tracked(f.track_number, f.days_since_shipped, c.today),
    )


def _origin_only(c: Ctx) -> Outcome:
    return Outcome(
        Action.WAIT,
        _("Tracking shows the parcel only inside the origin country so far."),
        _(
            "With an international number the parcel should appear abroad after it leaves China; "
            "export and the flight can take a week or two."
        ),
        c.t.recheck_moving,
    )


def _vanished(c: Ctx) -> Outcome:
    f = c.facts
    return Outcome(
        Action.ASK_SELLER_SEARCH,
        _("The parcel was tracked abroad and then disappeared from tracking."),
        _(
            "That is a bad sign. The seller holds the postal receipt and must ask the carrier to "
            "search for it."
        ),
        c.t.seller_response,
        letters.letter_tracking_stopped(f.track_number, f.stalled_days, c.today),
    )


def _stalled_short(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    stalled = f.stalled_days
    return Outcome(
        Action.WAIT,
        _("No new tracking event for {days}.").format(days=days(stalled))
        if stalled is not None
        else _("Tracking shows no new events for a while."),
        _("Pauses of several days are normal, especially between countries."),
        max(1, t.stall_normal - stalled) if stalled is not None else t.stall_normal,
    )


def _customs_outcome(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    stalled = f.stalled_days
    if f.tracking is Tracking.CUSTOMS:
        situation = _("The parcel is held at customs.")
    else:
        situation = _("No new tracking event for {days}.").format(days=days(stalled or 0))
    return Outcome(
        Action.CUSTOMS_WAIT,
        situation,
        _(
            "Weeks without change after arriving in your country usually mean customs, which "
            "can take up to about {days} (longer before holidays). Nobody can speed it up."
        ).format(days=days(t.customs_max)),
        min(t.recheck_moving, t.customs_max + 1 - stalled)
        if stalled is not None
        else t.recheck_moving,
    )


def _stalled_long(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    return Outcome(
        Action.ASK_SELLER_SEARCH,
        _("No new tracking event for {days}.").format(days=days(f.stalled_days or 0)),
        _(
            "That is longer than even a slow customs check (about {days}). Ask the seller to "
            "start a search with the carrier."
        ).format(days=days(t.customs_max)),
        t.seller_response,
        letters.letter_tracking_stopped(f.track_number, f.stalled_days, c.today),
    )


def _customs_long(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    return Outcome(
        Action.WRITE_SELLER,
        _("The parcel has been held at customs for {days}.").format(days=days(f.stalled_days or 0)),
        _(
            "Customs usually takes up to about {days}. Ask the seller for the invoice or "
            "declaration data; customs may be waiting for it."
        ).format(days=days(t.customs_max)),
        t.seller_response,
        letters.letter_customs(f.track_number, f.stalled_days),
    )


def _moving(c: Ctx) -> Outcome:
    return Outcome(
        Action.WAIT,
        _("The parcel is moving."),
        _("Nothing to do but watch tracking and the protection timer."),
        c.t.recheck_moving,
    )


def _fallback(c: Ctx) -> Outcome:
    return Outcome(
        Action.CHECK_OTHER_SITE,
        _("I do not know yet what tracking shows."),
        _(
            "Look the number up on two tracking sites and tell me what they show; then I can be "
            "specific."
        ),
    )


# --- the table ---------------------------------------------------------------------------------


def _tracking_is(*states: Tracking) -> Callable[[Facts, Timelines], bool]:
    return lambda f, t: f.tracking in states


def _stalled(f: Facts, lo: int | None, hi: int | None) -> bool:
    s = f.stalled_days
    if s is None:
        return lo is None
    return (lo is None or s >= lo) and (hi is None or s <= hi)


RULES: tuple[Rule, ...] = (
    Rule("delivered", _tracking_is(Tracking.DELIVERED), _delivered),
    Rule(
        "dispute_accepted",
        lambda f, t: _dispute(f) and f.seller_response is SellerResponse.ACCEPTED,
        _dispute_accepted,
    ),
    Rule(
        "dispute_offer",
        lambda f, t: _dispute(f) and f.seller_response is SellerResponse.OFFER,
        _dispute_offer,
        ("offer_amount", "price_usd"),
    ),
    Rule(
        "dispute_refused",
        lambda f, t: _dispute(f) and f.seller_response is SellerResponse.REFUSED,
        _dispute_refused,
    ),
    Rule(
        "dispute_asked_cancel",
        lambda f, t: _dispute(f) and f.seller_response is SellerResponse.ASKED_CANCEL,
        _dispute_asked_cancel,
        ("protection_days_left", "tracking"),
    ),
    Rule(
        "dispute_seller_late",
        lambda f, t: (
            _dispute(f)
            and f.dispute_open_days is not None
            and f.dispute_open_days >= t.seller_dispute_response
        ),
        _dispute_seller_late,
    ),
    Rule("dispute_wait_seller", lambda f, t: _dispute(f), _dispute_wait, ("dispute_open",)),
    # The timer first (the one rule in bot.core.advice.deadline), then the parcel's own story.
    Rule(
        "timer_expired",
        lambda f, t: step_for(f, t) is TimerStep.EXPIRED,
        _timer_expired,
        ("order_finished_days_ago", "paid_with_paypal"),
    ),
    Rule(
        "timer_critical",
        lambda f, t: (
            step_for(f, t) is TimerStep.DISPUTE
            and (f.protection_days_left or 0) < t.extend_window_min
        ),
        _timer_critical,
    ),
    Rule("timer_extend", lambda f, t: step_for(f, t) is TimerStep.EXTEND, _timer_extend),
    Rule("timer_dispute", lambda f, t: step_for(f, t) is TimerStep.DISPUTE, _timer_dispute),
    Rule(
        "timer_assumed_near",
        lambda f, t: step_for(f, t) is TimerStep.CHECK,
        _timer_assumed_near,
        ("protection_days_left",),
    ),
    Rule("returned", _tracking_is(Tracking.RETURNED), _returned),
    Rule(
        "delivered_not_received",
        _tracking_is(Tracking.DELIVERED_NOT_RECEIVED),
        _delivered_not_received,
    ),
    Rule("cheap_untracked", _cheap_untracked, _cheap_untracked_outcome),
    Rule("seller_silent_dispute", _seller_failed, _seller_failed_outcome),
    Rule("seller_reply_wait", _seller_pending, _seller_pending_outcome),
    Rule(
        "invalid_number",
        lambda f, t: (
            f.number_format is NumberFormat.INVALID and f.tracking in (None, Tracking.NOT_FOUND)
        ),
        _invalid_number,
        ("seller_contacted",),
    ),
    Rule(
        "local_number",
        lambda f, t: (
            f.number_format in _LOCAL_FORMATS
            and f.tracking in (None, Tracking.NOT_FOUND, Tracking.ORIGIN_ONLY)
        ),
        _local_number,
        ("seller_contacted",),
    ),
    Rule(
        "too_early",
        lambda f, t: (
            f.tracking is Tracking.NOT_FOUND
            and f.days_since_shipped is not None
            and f.days_since_shipped < t.tracking_appears_min
        ),
        _too_early,
    ),
    Rule(
        "pricey_untracked",
        lambda f, t: (
            f.tracking is Tracking.NOT_FOUND
            and _pricey(f, t)
            and f.days_since_shipped is not None
            and t.pricey_untracked_after <= f.days_since_shipped < t.write_seller_after
        ),
        _pricey_untracked,
        ("seller_contacted",),
    ),
    Rule(
        "untracked_early",
        lambda f, t: (
            f.tracking is Tracking.NOT_FOUND
            and (f.days_since_shipped is None or f.days_since_shipped < t.write_seller_after)
        ),
        _untracked_early,
    ),
    Rule(
        "untracked_write_seller",
        _tracking_is(Tracking.NOT_FOUND),
        _untracked_write,
        ("seller_contacted",),
    ),
    Rule("origin_only", _tracking_is(Tracking.ORIGIN_ONLY), _origin_only),
    Rule("vanished", _tracking_is(Tracking.VANISHED), _vanished, ("seller_contacted",)),
    Rule(
        "stalled_short",
        lambda f, t: f.tracking is Tracking.STALLED and _stalled(f, None, t.stall_normal - 1),
        _stalled_short,
    ),
    Rule(
        "stalled_customs_likely",
        lambda f, t: f.tracking is Tracking.STALLED and _stalled(f, t.stall_normal, t.customs_max),
        _customs_outcome,
    ),
    Rule(
        "stalled_long",
        _tracking_is(Tracking.STALLED),
        _stalled_long,
        ("seller_contacted",),
    ),
    Rule(
        "customs",
        lambda f, t: f.tracking is Tracking.CUSTOMS and _stalled(f, None, t.customs_max),
        _customs_outcome,
    ),
    Rule("customs_long", _tracking_is(Tracking.CUSTOMS), _customs_long, ("seller_contacted",)),
    Rule("moving", _tracking_is(Tracking.MOVING), _moving),
    Rule("fallback", lambda f, t: True, _fallback),
)

RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)


def select_rule(facts: Facts, timelines: Timelines = DEFAULTS) -> Rule:
    """The first rule whose condition holds (the last one always does)."""
    for rule in RULES:
        if rule.when(facts, timelines):
            return rule
    raise AssertionError("the fallback rule always applies")  # pragma: no cover


# Candidate values used to probe whether an unknown fact would change the answer, most important
# fact first (the timer can override everything else).
_PROBES: tuple[tuple[str, tuple[dict[str, Any], ...]], ...] = (
    ("protection_days_left", tuple({"protection_days_left": v} for v in (-20, -1, 3, 6, 30))),
    ("tracking", tuple({"tracking": v} for v in Tracking)),
    ("days_since_shipped", tuple({"days_since_shipped": v} for v in (1, 5, 8, 12, 30))),
    ("dispute_open", ({"dispute_open_days": 1}, {"dispute_open_days": 7})),
    ("seller_contacted", ({"seller_contacted_days_ago": 1}, {"seller_contacted_days_ago": 7})),
    ("seller_response", tuple({"seller_response": v} for v in SellerResponse)),
    ("number_format", tuple({"number_format": v} for v in NumberFormat)),
    ("price_usd", tuple({"price_usd": v} for v in (3.0, 7.0, 20.0))),
    ("stalled_days", tuple({"stalled_days": v} for v in (3, 10, 30))),
    ("offer_amount", ()),
    ("order_finished_days_ago", ()),
    ("paid_with_paypal", ()),
)
_ASKS_DISPUTE = (
    Action.OPEN_DISPUTE,
    Action.TIMER_EXPIRED,
    Action.EXTEND_PROTECTION,
    Action.CHECK_TIMER,
)


def _unknown(facts: Facts, name: str) -> bool:
    if name == "seller_contacted":
        return facts.contacted is None
    if name == "dispute_open":
        return facts.in_dispute is None
    if name == "protection_days_left":
        return facts.timer_left is None
    if name == "order_finished_days_ago":
        return facts.finished_days_ago is None
    return bool(getattr(facts, name) is None)


def missing_facts(
    facts: Facts, rule: Rule, action: Action, timelines: Timelines = DEFAULTS
) -> tuple[str, ...]:
    """Unknown facts that would switch the rule, or that the rule says sharpen its answer."""
    out: list[str] = []
    for name, probes in _PROBES:
        if not _unknown(facts, name):
            continue
        if name in rule.sharpen:
            out.append(name)
            continue
        if name == "dispute_open" and action not in _ASKS_DISPUTE:
            continue  # only worth asking when we are about to suggest a dispute
        if any(select_rule(facts.replace(**p), timelines) is not rule for p in probes):
            out.append(name)
    return tuple(out)


# Rules the price tier decides: they say when the price they used is approximate.
_PRICE_RULES = frozenset({"cheap_untracked", "pricey_untracked"})


def _price_note(f: Facts) -> str:
    if f.price_typed and f.price_usd is not None:
        currency = f.price_typed.split()[-1]
        return _(
            "I counted your {typed} as about {usd} at a fixed rate of {rate} {currency} per US "
            "dollar: approximate, today's rate may differ."
        ).format(
            typed=f.price_typed,
            usd=_usd(f.price_usd),
            rate=f"{USD_RATES.get(currency, 0):g}",
            currency=currency,
        )
    return _("This uses the price range you picked, not the exact total.")


def advise(
    facts: Facts,
    *,
    today: date | None = None,
    timelines: Timelines = DEFAULTS,
    with_missing: bool = True,
) -> Advice:
    """The one next step for ``facts``, localized in the current language (letters stay English)."""
    rule = select_rule(facts, timelines)
    when = today or date.today()
    outcome = rule.build(Ctx(facts, timelines, when))
    deadline = deadline_of(facts, timelines)
    why = outcome.why
    if rule.name in _PRICE_RULES and facts.price_approx:
        why += " " + _price_note(facts)
    next_check = outcome.next_check_in_days
    if facts.in_dispute is not True:
        # An open dispute holds the timer; otherwise no look falls past the deadline's margin.
        next_check = cap_next_look(next_check, deadline, timelines)
    return Advice(
        action=outcome.action,
        rule=rule.name,
        situation=outcome.situation,
        why=why,
        next_check_in_days=next_check,
        letter=outcome.letter,
        # Probing the unknown facts is most of the cost; the coach needs only the step.
        missing=missing_facts(facts, rule, outcome.action, timelines) if with_missing else (),
        deadline=deadline,
        deadline_on=deadline.on(when) if deadline is not None else None,
        # An open dispute holds the timer: naming its end would only worry.
        deadline_note=(
            deadline_line(deadline, when)
            if deadline is not None and facts.in_dispute is not True
            else None
        ),
    )
