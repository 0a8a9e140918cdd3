"""Where an open dispute stands: its day, the seller's last day to answer, what the seller did
(QA C5), and the outcomes a user can report in one tap (QA B3). Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from bot.core.advice.facts import SellerResponse
from bot.core.advice.timelines import DEFAULTS


class Outcome(StrEnum):
    """What the user reports about an open dispute (wire values: callback data, keep them)."""

    REFUSED = "refused"
    OFFER = "offer"
    ASKED_CANCEL = "cancel"
    ACCEPTED = "accepted"


# The check-in's choice code (bot.core.dispute.flow) each outcome answers.
CHECKIN_CODE: dict[Outcome, str] = {
    Outcome.REFUSED: "ci_refused",
    Outcome.OFFER: "ci_offer",
    Outcome.ASKED_CANCEL: "ci_cancel",
    Outcome.ACCEPTED: "ci_accepted",
}


@dataclass(frozen=True, slots=True)
class DisputeDay:
    """An open dispute as of ``today``."""

    day: int | None  # the day the dispute was opened is day 1; None: the date is not known
    seller_until: date | None  # the seller's last day to answer; None: not known
    response: SellerResponse | None  # what the seller did, as the user told

    @property
    def seller_late(self) -> bool:
        return self.response is None and self.day is not None and self.seller_until is None


def is_open(status: str | None, opened_on: date | None) -> bool:
    """The parcel's dispute is open (the same reading as the advice's parcel facts)."""
    return status == "open" or (opened_on is not None and status in (None, "open"))


def dispute_day(
    status: str | None,
    opened_on: date | None,
    response: str | None,
    today: date,
) -> DisputeDay | None:
    """None without an open dispute. ``seller_until`` is None once the seller's days are over."""
    if not is_open(status, opened_on):
        return None
    try:
        told = SellerResponse(response) if response else None
    except ValueError:
        told = None
    if told in (SellerResponse.NONE, SellerResponse.PROMISED):
        told = None  # "silent" and "promises" change nothing on the dispute page
    if opened_on is None:
        return DisputeDay(None, None, told)
    until = opened_on + timedelta(days=DEFAULTS.seller_dispute_response)
    return DisputeDay((today - opened_on).days + 1, until if today <= until else None, told)
