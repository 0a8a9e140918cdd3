"""Every AliExpress timeline the advisor relies on, in one table.

Sources disagree on most of these numbers (see docs in shared/domain/advice-and-dispute.md), so they
are defaults: the user's own order page wins, and the advice says so where it matters.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Timelines:
    # Tracking usually shows up this many days after the seller marks the order shipped.
    tracking_appears_min: int = 3
    tracking_appears_max: int = 7
    # Still nothing on any site after this many days: write to the seller.
    write_seller_after: int = 10
    # How long the seller gets to answer a message before we suggest a dispute.
    seller_response: int = 5
    # Earliest sensible dispute for an untracked parcel (days after shipping).
    earliest_dispute: int = 10
    # Orders above `tracked_price_usd` are almost always tracked: no tracking after this many days
    # is already grounds for "no tracking information".
    pricey_untracked_after: int = 6
    # The seller has this many days to answer a dispute, otherwise it closes for the buyer.
    seller_dispute_response: int = 5
    # Without agreement AliExpress steps in by itself after roughly this long.
    escalation_min: int = 7
    escalation_max: int = 15
    # Buyer protection counted from shipping (90 for some countries).
    protection: int = 60
    # Ask the seller to extend protection when this few days are left (window 5..7).
    extend_window: int = 7
    extend_window_min: int = 5
    # What to ask the seller for when requesting an extension.
    extend_by: int = 15
    # A dispute can still be opened this long after the order finished.
    finished_dispute_window: int = 15
    # Customs can hold a parcel about three weeks (longer before holidays).
    customs_max: int = 21
    # A short pause between scans is normal; beyond this it probably sits at customs or sorting.
    stall_normal: int = 7
    # After agreeing to a return, ship it back within this many days.
    return_shipping: int = 10
    # PayPal's own buyer-protection claim window, counted from payment.
    paypal_claim: int = 180
    # How often to look again while a parcel simply moves.
    recheck_moving: int = 7
    # Price tiers (USD): below `cheap_price_usd` tracking is rare; above `tracked_price_usd` it is
    # almost always there.
    cheap_price_usd: float = 5.0
    tracked_price_usd: float = 10.0


DEFAULTS = Timelines()
