"""Delivery estimates from the bot's own delivered parcels (pure: plain values in and out).

When a parcel is delivered, its route (origin, destination, carrier or service, the month) and its
durations go into an anonymous statistics table: no user id, no number (storage ``Stats``; it
stays after /forgetme because nothing in it points back to anyone). The card then says how long
parcels like it took: the median and the four-in-five day count from hand-over to delivery, once
enough parcels share the route; with too few it falls back to the vendor's own estimate
(Cainiao ``globalEtaInfo``, 17TRACK ``estimated_delivery_date``) and then to the typical times in
the domain brief, and always says which it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

DAY: Final = 86400
MIN_PARCELS: Final = 20  # fewer delivered parcels on a route: the figures are not worth showing
ANY_SERVICE: Final = "*"  # the histogram rows pooling every service of a route (storage's too)
# The brief's typical times for AliExpress standard shipping: "usually travel 15-45 days".
BRIEF_DAYS: Final = (15, 45)
MAX_DAYS: Final = 365  # a longer "delivery" is a data error (a re-used number), not a statistic

# Statuses meaning the carrier has the parcel (the hand-over happened).
_MOVING: Final = frozenset(
    {
        "in_transit",
        "in_customs",
        "arrived_destination",
        "out_for_delivery",
        "available_for_pickup",
        "delivery_failed",
        "delivered",
    }
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One delivered parcel, anonymous: what the statistics table keeps."""

    origin: str  # ISO alpha-2 or "" when unknown
    dest: str
    service: str  # carrier slug or service class, "" when unknown
    month: str  # "YYYY-MM" of the hand-over
    transit_days: int  # hand-over → delivered
    handover_days: int | None  # label → hand-over
    customs_days: int | None  # first customs event → the next event after customs


def delivery(
    events: Iterable[tuple[int | None, str | None]],
    *,
    origin: str | None,
    dest: str | None,
    service: str | None,
) -> Delivery | None:
    """Durations from a delivered parcel's events ((time, status), any order); None when the
    events do not show both a hand-over and the delivery."""
    timed = sorted((t, s) for t, s in events if t is not None)
    if not timed:
        return None
    label_at = timed[0][0]
    handover_at = next((t for t, s in timed if s in _MOVING), None)
    delivered_at = next((t for t, s in timed if s == "delivered"), None)
    if handover_at is None or delivered_at is None or delivered_at < handover_at:
        return None
    transit = (delivered_at - handover_at) // DAY
    if transit > MAX_DAYS:
        return None
    customs: int | None = None
    customs_at = next((t for t, s in timed if s == "in_customs"), None)
    if customs_at is not None:
        after = next(
            (t for t, s in timed if t > customs_at and s not in ("in_customs", None)), None
        )
        if after is not None:
            customs = (after - customs_at) // DAY
    return Delivery(
        origin=origin or "",
        dest=dest or "",
        service=service or "",
        month=datetime.fromtimestamp(handover_at, UTC).strftime("%Y-%m"),
        transit_days=transit,
        handover_days=(handover_at - label_at) // DAY if label_at < handover_at else None,
        customs_days=customs,
    )


Basis = Literal["pooled", "vendor", "brief"]


@dataclass(frozen=True, slots=True)
class Estimate:
    basis: Basis
    low_days: int  # half of the parcels took at most this long
    high_days: int  # four in five took at most this long
    parcels: int = 0  # how many delivered parcels it is drawn from (pooled only)
    same_service: bool = False  # drawn from this carrier's parcels, not the whole route's
    eta_from: int | None = None  # vendor only: the delivery window, unix seconds
    eta_to: int | None = None
    source: str = ""  # vendor only: which tracking source said so


@dataclass(frozen=True, slots=True)
class VendorEta:
    """A tracking source's own delivery window (unix seconds)."""

    source: str
    eta_from: int
    eta_to: int


def percentile(histogram: Sequence[tuple[int, int]], share: float) -> int:
    """The smallest day count that at least ``share`` of the parcels did not exceed."""
    total = sum(n for _days, n in histogram)
    need = share * total
    seen = 0
    for days, n in sorted(histogram):
        seen += n
        if seen >= need:
            return days
    return max(days for days, _n in histogram)


def estimate(
    histograms: Mapping[str, Sequence[tuple[int, int]]],
    service: str | None,
    vendor: VendorEta | None = None,
    now: int | None = None,
) -> Estimate:
    """From the route's histograms (service → (days, parcels)): the service's own when it has
    enough parcels, else the whole route's; else the vendor's window while it has not passed;
    else the brief's typical times."""
    for key, same in ((service or "", True), (ANY_SERVICE, False)):
        histogram = histograms.get(key) or ()
        parcels = sum(n for _days, n in histogram)
        if key and parcels >= MIN_PARCELS:
            return Estimate(
                "pooled", percentile(histogram, 0.5), percentile(histogram, 0.8), parcels, same
            )
    if vendor is not None and (now is None or vendor.eta_to >= now - DAY):
        return Estimate(
            "vendor", 0, 0, eta_from=vendor.eta_from, eta_to=vendor.eta_to, source=vendor.source
        )
    return Estimate("brief", *BRIEF_DAYS)
