"""What the advisor knows about one parcel. Every field may be unknown (None)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.i18n import N_, _


class Tracking(StrEnum):
    """What tracking shows, as the buyer (or our lookup) reports it."""

    NOT_FOUND = "not_found"  # no site knows the number
    ORIGIN_ONLY = "origin_only"  # events only inside the origin country
    MOVING = "moving"
    STALLED = "stalled"  # tracked, but no new event for `stalled_days`
    VANISHED = "vanished"  # was tracked abroad, then disappeared from the trackers
    CUSTOMS = "customs"  # held at customs for `stalled_days`
    DELIVERED = "delivered"
    RETURNED = "returned"  # returned to sender
    DELIVERED_NOT_RECEIVED = "delivered_not_received"


class NumberFormat(StrEnum):
    """The track-number format verdict (see shared/domain/track-formats.md)."""

    INTERNATIONAL = "international"  # UPU S10 that passes the check digit
    ORIGIN_ONLY = "origin_only"  # a class usually tracked only in the origin country (UA.., LP..)
    LOCAL_ONLY = "local_only"  # digits-only or carrier-local
    INVALID = "invalid"  # check digit wrong: a typo or an invented number
    UNKNOWN = "unknown"


class SellerResponse(StrEnum):
    NONE = "none"  # silent
    PROMISED = "promised"  # only reassurances
    ACCEPTED = "accepted"
    OFFER = "offer"  # counter-offer of `offer_amount`
    REFUSED = "refused"
    ASKED_CANCEL = "asked_cancel"  # asks the buyer to cancel the dispute


@dataclass(frozen=True, slots=True)
class Facts:
    """The brief's inputs. None always means "not known"; the advisor does its best without it.

    ``seller_contacted`` / ``dispute_open`` record a plain "no" (``False``) so the chat does not ask
    again; a number of days implies "yes".
    """

    days_since_shipped: int | None = None
    tracking: Tracking | None = None
    stalled_days: int | None = None  # days without a new event (or days at customs)
    number_format: NumberFormat | None = None
    price_usd: float | None = None  # order total (converted when typed in another currency)
    # The price is approximate: converted at a fixed rate, or a range button ("over $10").
    price_approx: bool = False
    price_typed: str | None = None  # as the user typed it ("1890 RUB"), when not in USD
    protection_days_left: int | None = None  # negative: the timer ended that many days ago
    # protection_days_left is a lower bound from a range button ("more"), not the countdown.
    timer_approx: bool = False
    # The buyer says the timer is over but not since when (no date: nothing to count from).
    timer_over: bool | None = None
    seller_contacted: bool | None = None
    seller_contacted_days_ago: int | None = None
    dispute_open: bool | None = None
    dispute_open_days: int | None = None
    seller_response: SellerResponse | None = None
    offer_amount: float | None = None  # the seller's counter-offer (USD)
    # The buyer said they have photos or screenshots; letters mention files only then.
    has_evidence: bool | None = None
    order_finished_days_ago: int | None = None
    paid_with_paypal: bool | None = None
    track_number: str | None = None

    @property
    def contacted(self) -> bool | None:
        if self.seller_contacted_days_ago is not None:
            return True
        return self.seller_contacted

    @property
    def timer_left(self) -> int | None:
        """Days left on the timer; -1 stands for "over, since an unknown day"."""
        if self.protection_days_left is not None:
            return self.protection_days_left
        return -1 if self.timer_over else None

    @property
    def finished_days_ago(self) -> int | None:
        """Days since the order finished, when known (the timer's end finishes the order)."""
        if self.order_finished_days_ago is not None:
            return self.order_finished_days_ago
        left = self.protection_days_left
        return -left if left is not None and left < 0 else None

    @property
    def in_dispute(self) -> bool | None:
        if self.dispute_open_days is not None:
            return True
        return self.dispute_open

    def replace(self, **changes: Any) -> Facts:
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain types only (enums as their codes), for persistence."""
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            out[field.name] = value.value if isinstance(value, StrEnum) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Facts:
        known = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        for name, enum in (
            ("tracking", Tracking),
            ("number_format", NumberFormat),
            ("seller_response", SellerResponse),
        ):
            if kwargs.get(name) is not None:
                kwargs[name] = enum(kwargs[name])
        return cls(**kwargs)


# One question per fact the advisor may list in `Advice.missing`.
_QUESTIONS: dict[str, str] = {
    "days_since_shipped": N_("How many days ago did the seller mark the order as shipped?"),
    "tracking": N_("What does tracking show right now?"),
    "stalled_days": N_("How many days has tracking shown no new event?"),
    "number_format": N_("What does the track number look like? Paste it and I will check it."),
    "price_usd": N_(
        "What was the order total? Type it with its currency (15 $, 1 890 ₽) or pick a range."
    ),
    "protection_days_left": N_(
        "How many days are left on the buyer-protection countdown on the order page?"
    ),
    "seller_contacted": N_("Have you already written to the seller? If so, how many days ago?"),
    "dispute_open": N_("Is a dispute already open for this order? Since how many days?"),
    "seller_response": N_("How did the seller react?"),
    "offer_amount": N_("What amount does the seller offer?"),
    "order_finished_days_ago": N_("How many days ago did the order finish?"),
    "paid_with_paypal": N_("Did you pay with PayPal?"),
}


def fact_question(name: str) -> str:
    """The localized question the chat asks to learn fact ``name`` (a `Advice.missing` entry)."""
    return _(_QUESTIONS[name])


FACT_NAMES: tuple[str, ...] = tuple(_QUESTIONS)
