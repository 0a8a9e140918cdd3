"""The normalised tracking model every source maps into.

Events are kept NEWEST FIRST (both Cainiao and 17TRACK answer that way); events without a time sort
last. Times are timezone-aware UTC. Unknown vendor codes are kept verbatim (`TrackEvent.code`,
`TrackResult.raw_status`) and never make a parse fail.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, TypeAlias


class Status(StrEnum):
    NOT_FOUND = "not_found"
    # The number exists (the seller made the label) but the parcel was not handed over yet.
    AWAITING_DISPATCH = "awaiting_dispatch"
    INFO_RECEIVED = "info_received"
    IN_TRANSIT = "in_transit"
    IN_CUSTOMS = "in_customs"
    ARRIVED_DESTINATION = "arrived_destination"
    OUT_FOR_DELIVERY = "out_for_delivery"
    AVAILABLE_FOR_PICKUP = "available_for_pickup"
    DELIVERED = "delivered"
    DELIVERY_FAILED = "delivery_failed"
    RETURNING = "returning"
    RETURNED = "returned"
    EXCEPTION = "exception"
    EXPIRED = "expired"


# Statuses after which a source has nothing more to say about the parcel.
FINAL_STATUSES: frozenset[Status] = frozenset({Status.DELIVERED, Status.RETURNED})

_WS = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """Whitespace- and case-insensitive form used for identity, never for display."""
    return _WS.sub(" ", text).strip().casefold()


def event_key(time: datetime | None, location: str, code: str, description: str) -> str:
    """Stable identity of an event for change detection.

    Built from stable fields only: UTC time to the minute, normalised location, and the raw status
    code — or, when the source gave no code, the normalised text. A carrier re-wording the text of a
    coded event therefore keeps the key; so does re-ordering the list.
    """
    when = time.astimezone(UTC).isoformat()[:16] if time is not None else "-"  # to the minute
    what = f"c:{code.strip().upper()}" if code.strip() else f"t:{normalise_text(description)}"
    raw = f"{when}|{normalise_text(location)}|{what}"
    return hashlib.sha1(raw.encode("utf-8"), usedforsecurity=False).hexdigest()[:20]


@dataclass(frozen=True, slots=True)
class TrackEvent:
    time: datetime | None  # aware, UTC; None when the source gave no usable time
    description: str
    location: str = ""
    code: str = ""  # the source's raw status code for this event ("" if none)
    status: Status | None = None  # mapped from `code`; None when the code is unknown or absent
    # The carrier's own words when they differ from `description` (Cainiao `desc` next to its
    # `standerdDesc`): notes in Chinese, the parcel's number at the next carrier.
    detail: str = ""
    # The stable identity, computed once: dedupe, diff and storage all ask for it.
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "key", event_key(self.time, self.location, self.code, self.description)
        )


def _sort_time(ev: TrackEvent) -> float:
    return ev.time.timestamp() if ev.time is not None else float("-inf")


def normalise_events(events: Iterable[TrackEvent]) -> tuple[TrackEvent, ...]:
    """Deduplicate by key (first occurrence wins) and order newest first (stable)."""
    seen: set[str] = set()
    unique: list[TrackEvent] = []
    for ev in events:
        k = ev.key
        if k not in seen:
            seen.add(k)
            unique.append(ev)
    unique.sort(key=_sort_time, reverse=True)
    return tuple(unique)


def status_from_events(events: Iterable[TrackEvent]) -> Status | None:
    """Status of the newest event whose code is mapped (events newest first)."""
    for ev in events:
        if ev.status is not None:
            return ev.status
    return None


@dataclass(frozen=True, slots=True)
class TrackResult:
    """What one source knows about one number. "Not found" is a result, not a failure."""

    number: str  # the number as asked
    status: Status
    events: tuple[TrackEvent, ...]  # newest first, deduplicated
    source: str
    raw_status: str = ""  # the source's own overall status/sub-status, verbatim
    origin_country: str | None = None  # ISO alpha-2 when the source says so
    dest_country: str | None = None
    carrier: str | None = None
    real_number: str | None = None  # the source re-labelled the parcel (Cainiao realMailNo)
    # The parcel's numbers at the next carrier, as events name them ("preMainCode:SINOA…IL"),
    # newest first: worth tracking too once the first carrier goes quiet.
    handover_numbers: tuple[str, ...] = ()
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def latest(self) -> TrackEvent | None:
        return self.events[0] if self.events else None

    @property
    def event_keys(self) -> tuple[str, ...]:
        return tuple(ev.key for ev in self.events)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


@dataclass(frozen=True, slots=True)
class NumberFailure:
    """A source could not answer for this one number (the call itself worked)."""

    number: str
    source: str
    reason: str
    code: str = ""  # vendor error code if any
    retryable: bool = True
    retry_at: datetime | None = None  # set by the router's per-number back-off


TrackOutcome: TypeAlias = TrackResult | NumberFailure


class Source(Protocol):
    """A tracking source. Whole-call failures raise `SourceError` subclasses (see errors.py);
    per-number trouble comes back as `NumberFailure` in the mapping. Every number asked appears in
    the answer."""

    name: str
    max_batch: int

    async def track(self, numbers: Sequence[str]) -> dict[str, TrackOutcome]: ...


# The vendor's own delivery estimate, unix seconds as text in ``TrackResult.extra``
# (Cainiao ``globalEtaInfo``, 17TRACK ``time_metrics.estimated_delivery_date``).
ETA_FROM = "eta_from"
ETA_TO = "eta_to"


def clean_country(value: object) -> str | None:
    """ISO alpha-2 upper-case, or None for blanks and junk."""
    if not isinstance(value, str):
        return None
    v = value.strip().upper()
    return v if len(v) == 2 and v.isalpha() else None
