"""The conditions the rules share: cheap pure questions about the facts."""

from __future__ import annotations

from bot.core.advice import letters
from bot.core.advice.deadline import (
    NOT_ARRIVING,
)
from bot.core.advice.facts import Facts, NumberFormat, SellerResponse, Tracking
from bot.core.advice.letters import DisputeReason
from bot.core.advice.outcome import Ctx, days
from bot.core.advice.timelines import Timelines
from bot.i18n import _

# --- predicates --------------------------------------------------------------------------------

_SILENT = (None, SellerResponse.NONE, SellerResponse.PROMISED)
_NOT_ARRIVING = NOT_ARRIVING
LOCAL_FORMATS = (NumberFormat.LOCAL_ONLY, NumberFormat.ORIGIN_ONLY)


def _cheap(f: Facts, t: Timelines) -> bool:
    return f.price_usd is not None and f.price_usd < t.cheap_price_usd


def pricey(f: Facts, t: Timelines) -> bool:
    return f.price_usd is not None and f.price_usd > t.tracked_price_usd


def _write_after(f: Facts, t: Timelines) -> int:
    """Days after shipping from which silence on every tracker is worth a letter."""
    return t.pricey_untracked_after if pricey(f, t) else t.write_seller_after


def dispute(f: Facts) -> bool:
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
    if tr in (None, Tracking.NOT_FOUND, Tracking.ORIGIN_ONLY) and f.number_format in LOCAL_FORMATS:
        return "international"
    if tr in (None, Tracking.NOT_FOUND) and f.number_format is NumberFormat.INVALID:
        return "not_tracked"
    if tr is Tracking.NOT_FOUND and (
        f.days_since_shipped is None or f.days_since_shipped >= _write_after(f, t)
    ):
        return "not_tracked"
    return None


def cheap_untracked(f: Facts, t: Timelines) -> bool:
    return _cheap(f, t) and f.tracking in (Tracking.NOT_FOUND, Tracking.ORIGIN_ONLY)


def _may_dispute_yet(f: Facts, t: Timelines) -> bool:
    earliest = t.pricey_untracked_after if pricey(f, t) else t.earliest_dispute
    return f.days_since_shipped is None or f.days_since_shipped >= earliest


def seller_failed(f: Facts, t: Timelines) -> bool:
    if f.contacted is not True or _seller_problem(f, t) is None or not _may_dispute_yet(f, t):
        return False
    if f.seller_response is SellerResponse.REFUSED:
        return True
    ago = f.seller_contacted_days_ago
    return ago is not None and ago >= t.seller_response


def seller_pending(f: Facts, t: Timelines) -> bool:
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
