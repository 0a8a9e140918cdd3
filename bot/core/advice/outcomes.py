"""What each rule says: the predicates the rules share and one outcome builder per rule.

Each builder turns the facts (in a `Ctx`) into the situation, why, when to look again and the
letter; `bot.core.advice.advisor` holds the ordered table that picks one.
"""

from __future__ import annotations

from bot.core.advice import letters
from bot.core.advice.deadline import (
    deadline_line,
    deadline_of,
)
from bot.core.advice.facts import SellerResponse, Tracking
from bot.core.advice.outcome import (
    Action,
    Ctx,
    Outcome,
    _trust_page,
    days,
    usd,
)
from bot.core.advice.predicates import (
    _NOT_ARRIVING,
    _dispute_letter,
    _shipped_line,
)
from bot.i18n import _, format_percent

# --- rule outcomes -----------------------------------------------------------------------------


def delivered(c: Ctx) -> Outcome:
    return Outcome(
        Action.CONFIRM_RECEIPT,
        _("Tracking says the parcel was delivered."),
        _(
            "Open it and check the item first. Confirm receipt on the order page only if all is "
            "well; if something is wrong, open a dispute instead, before confirming."
        ),
    )


def dispute_accepted(c: Ctx) -> Outcome:
    return Outcome(
        Action.WAIT,
        _("The seller accepted your dispute."),
        _(
            "The refund is on its way; it can take a few business days to reach your card. "
            "Nothing else to do unless the money does not arrive."
        ),
        7,
    )


def dispute_offer(c: Ctx) -> Outcome:
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
                offer=usd(f.offer_amount), total=usd(f.price_usd)
            )
        elif f.offer_amount is not None:
            situation = _("The seller offers {offer}.").format(offer=usd(f.offer_amount))
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
                ).format(percent=format_percent(f.offer_amount / f.price_usd))
    return Outcome(Action.CHECK_OFFER, situation, why, 1)


def dispute_refused(c: Ctx) -> Outcome:
    if c.facts.has_evidence is False:
        # The buyer said they have no photos or screenshots: do not ask for them again.
        why = _(
            "Do not cancel. Reject the seller's answer and ask AliExpress to step in; add the "
            "English text below. Without agreement AliExpress usually steps in by itself after "
            "{low}-{high} days."
        )
    else:
        why = _(
            "Do not cancel. Reject the seller's answer and ask AliExpress to step in; add the "
            "English text below and your evidence. Without agreement AliExpress usually steps in "
            "by itself after {low}-{high} days."
        )
    return Outcome(
        Action.DISPUTE_ESCALATE,
        _("The seller refused your dispute."),
        why.format(low=c.t.escalation_min, high=c.t.escalation_max),
        3,
        letters.letter_escalation(c.facts.dispute_open_days, attached=bool(c.facts.has_evidence)),
    )


def dispute_asked_cancel(c: Ctx) -> Outcome:
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


def dispute_seller_late(c: Ctx) -> Outcome:
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


def dispute_wait(c: Ctx) -> Outcome:
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


def timer_expired(c: Ctx) -> Outcome:
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


def timer_critical(c: Ctx) -> Outcome:
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


def timer_extend(c: Ctx) -> Outcome:
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


def timer_dispute(c: Ctx) -> Outcome:
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


def timer_assumed_near(c: Ctx) -> Outcome:
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


def returned(c: Ctx) -> Outcome:
    return Outcome(
        Action.OPEN_DISPUTE,
        _("Tracking says the parcel was returned to the sender."),
        _("It is not coming to you. Open a dispute for a full refund."),
        None,
        _dispute_letter(c),
    )


def delivered_not_received(c: Ctx) -> Outcome:
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


def cheap_untracked_outcome(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    left = f.protection_days_left
    return Outcome(
        Action.WAIT,
        _("A cheap order (under {price}) without tracking.").format(price=usd(t.cheap_price_usd)),
        _(
            "Items this cheap are rarely tracked, or only until they leave China; that is normal. "
            "Wait and watch the protection timer. A dispute would be yours to win, but for a "
            "deliberately untracked cheap item waiting is fairer; your call."
        ),
        max(1, left - t.extend_window) if left is not None else 7,
    )


def seller_failed_outcome(c: Ctx) -> Outcome:
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


def seller_pending_outcome(c: Ctx) -> Outcome:
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


def too_early(c: Ctx) -> Outcome:
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


def invalid_number(c: Ctx) -> Outcome:
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


def local_number(c: Ctx) -> Outcome:
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


def pricey_untracked(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    return Outcome(
        Action.WRITE_SELLER,
        _shipped_line(f),
        _(
            "Orders over {price} are almost always tracked, so no tracking after {days} is "
            "already grounds for a \u201cno tracking information\u201d dispute. Write to the "
            "seller first."
        ).format(price=usd(t.tracked_price_usd), days=days(t.pricey_untracked_after)),
        t.seller_response,
        letters.letter_not_tracked(f.track_number, f.days_since_shipped, c.today),
    )


def untracked_early(c: Ctx) -> Outcome:
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


def untracked_write(c: Ctx) -> Outcome:
    f, t = c.facts, c.t
    return Outcome(
        Action.WRITE_SELLER,
        _shipped_line(f),
        _(
            "{days} or more without tracking: write to the seller and ask where the parcel is. "
            "If nothing useful comes within {reply}, open a dispute."
        ).format(days=days(t.write_seller_after), reply=days(t.seller_response)),
        t.seller_response,
        letters.letter_not_tracked(f.track_number, f.days_since_shipped, c.today),
    )


def origin_only(c: Ctx) -> Outcome:
    return Outcome(
        Action.WAIT,
        _("Tracking shows the parcel only inside the origin country so far."),
        _(
            "With an international number the parcel should appear abroad after it leaves China; "
            "export and the flight can take a week or two."
        ),
        c.t.recheck_moving,
    )


def vanished(c: Ctx) -> Outcome:
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


def stalled_short(c: Ctx) -> Outcome:
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


def customs_outcome(c: Ctx) -> Outcome:
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


def stalled_long(c: Ctx) -> Outcome:
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


def customs_long(c: Ctx) -> Outcome:
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


def moving(c: Ctx) -> Outcome:
    return Outcome(
        Action.WAIT,
        _("The parcel is moving."),
        _("Nothing to do but watch tracking and the protection timer."),
        c.t.recheck_moving,
    )


def fallback(c: Ctx) -> Outcome:
    return Outcome(
        Action.CHECK_OTHER_SITE,
        _("I do not know yet what tracking shows."),
        _(
            "Look the number up on two tracking sites and tell me what they show; then I can be "
            "specific."
        ),
    )
