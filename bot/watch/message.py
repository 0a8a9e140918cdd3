"""What a message the bot writes first is made of: HTML text and buttons that say what they open.

A button carries an *intent* (:class:`Go` plus the parcel and an optional argument), never callback
data: the wire formats belong to ``handlers/callbacks.py``, and ``handlers/notifications.py`` maps
each intent to its button family when it sends.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, tzinfo


class Go(enum.StrEnum):
    """Where a push's button leads."""

    TIMELINE = "timeline"  # the parcel's timeline, as a new message below the push
    WHAT_NOW = "whatnow"  # advice about the parcel (parcel 0: advice without one)
    SELLER_SILENT = "seller_silent"  # "the seller did not answer", then advice
    DISPUTE_CHECKIN = "dispute_checkin"  # the seller's answer to a dispute (``arg``: its code)
    COACH_LETTER = "coach_letter"  # the coach's letter for the parcel's current step
    COACH_DID = "coach_did"  # what happened (``arg``: bot.watch.coach.Did), or "no more tips"


@dataclass(frozen=True, slots=True)
class Button:
    label: str  # already in the recipient's language
    go: Go
    parcel_id: int = 0
    arg: str | None = None


Rows = list[list[Button]]


@dataclass(frozen=True, slots=True)
class Message:
    text: str  # HTML, at most TEXT_LIMIT characters
    rows: Rows


@dataclass(frozen=True, slots=True)
class Moment:
    """Where and when a message is rendered: the recipient's zone, their date and unix seconds
    when it goes out (it may have waited for quiet hours or a retry since it was queued)."""

    zone: tzinfo
    today: date | None = None
    now: int | None = None
