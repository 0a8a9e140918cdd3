"""Typed rows returned by the repositories.

Instants are ``int`` unix seconds (UTC); calendar dates are ``datetime.date``; JSON payloads are
decoded to ``dict``. ``ts()``/``from_ts()`` convert between aware datetimes and the stored integers.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from typing import Any, Final, Self


def ts(moment: datetime) -> int:
    """An aware datetime as stored: integer unix seconds."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware one (UTC)")
    return int(moment.timestamp())


def from_ts(value: int | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def date_to_text(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def text_to_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _from_row(
    cls: type[Any], row: sqlite3.Row, dates: tuple[str, ...] = (), flags: tuple[str, ...] = ()
) -> Any:
    keys = set(row.keys())
    values: dict[str, Any] = {}
    for f in fields(cls):
        if f.name not in keys:
            continue  # a column added by a later migration this code does not know yet
        value = row[f.name]
        if f.name in dates:
            value = text_to_date(value)
        elif f.name in flags:  # SQLite stores booleans as 0/1
            value = bool(value)
        elif f.name == "payload":
            value = json.loads(value) if value else {}
        values[f.name] = value
    return cls(**values)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    chat_id: int
    language: str
    timezone: str | None
    quiet_start: int | None
    quiet_end: int | None
    created_at: int
    updated_at: int
    blocked_at: int | None
    last_seen_at: int
    # schema 6: whether the coach pushes the next step for this user's parcels (/settings)
    coach_enabled: bool = True

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Self:
        return _from_row(cls, row, flags=("coach_enabled",))  # type: ignore[no-any-return]


PARCEL_DATE_FIELDS = (
    "shipped_on",
    "protection_deadline",
    "seller_contacted_on",
    "dispute_opened_on",
)


@dataclass(frozen=True, slots=True)
class Parcel:
    id: int
    user_id: int
    number: str
    nickname: str | None
    carrier: str | None
    kind: str | None
    created_at: int
    updated_at: int
    real_number: str | None = None
    shipped_on: date | None = None
    price_amount: float | None = None
    price_currency: str | None = None
    protection_deadline: date | None = None
    seller_contacted_on: date | None = None
    seller_response: str | None = None
    dispute_opened_on: date | None = None
    dispute_reason: str | None = None
    dispute_amount: float | None = None
    dispute_status: str | None = None
    status: str = "not_found"
    status_changed_at: int | None = None
    last_event_at: int | None = None
    last_pushed_event_at: int | None = None
    origin_country: str | None = None
    dest_country: str | None = None
    last_checked_at: int | None = None
    next_check_at: int | None = None
    check_failures: int = 0
    claimed_until: int | None = None
    archived_at: int | None = None
    stall_alerted_at: int | None = None
    # schema 3: the vendor's delivery estimate (unix seconds) and which source gave it
    eta_from: int | None = None
    eta_to: int | None = None
    eta_source: str | None = None
    # schema 6: archived, but the protection-timer reminders go on (asked when archiving)
    keep_timer_reminders: bool = False

    @property
    def is_active(self) -> bool:
        return self.archived_at is None

    @property
    def display_name(self) -> str:
        return self.nickname or self.number

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Self:
        return _from_row(  # type: ignore[no-any-return]
            cls, row, PARCEL_DATE_FIELDS, ("keep_timer_reminders",)
        )


ANSWER_DATE_FIELDS = ("quiet_since", "order_finished_on")
ANSWER_FLAG_FIELDS = ("timer_over", "seller_contacted", "dispute_open", "paid_with_paypal")


@dataclass(frozen=True, slots=True)
class ParcelAnswers:
    """A parcel's answers given in chat that have no column on ``parcels`` (one row per parcel)."""

    parcel_id: int
    tracking: str | None = None
    quiet_since: date | None = None
    timer_over: bool | None = None
    seller_contacted: bool | None = None
    dispute_open: bool | None = None
    paid_with_paypal: bool | None = None
    offer_amount: float | None = None
    order_finished_on: date | None = None
    asked: tuple[str, ...] = ()
    round_done: bool = False
    updated_at: int = 0

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Self:
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = row[f.name]
            if f.name in ANSWER_DATE_FIELDS:
                value = text_to_date(value)
            elif f.name in ANSWER_FLAG_FIELDS:
                value = None if value is None else bool(value)
            elif f.name == "asked":
                value = tuple(str(name) for name in json.loads(value))
            elif f.name == "round_done":
                value = bool(value)
            values[f.name] = value
        return cls(**values)


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event as the tracking layer hands it over; ``event_key`` is its stable identity."""

    event_key: str
    source: str
    occurred_at: int | None = None
    status: str | None = None
    location: str | None = None
    description: str = ""
    raw_code: str | None = None
    detail: str | None = None  # the carrier's own words beside the standard text


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    id: int
    parcel_id: int
    event_key: str
    occurred_at: int | None
    status: str | None
    location: str | None
    description: str
    raw_code: str | None
    source: str
    created_at: int
    detail: str | None = None  # schema 2; None for events stored before it

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Self:
        return _from_row(cls, row)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class CheckTally:
    """How often one source answered one way for a parcel (see tracking_checks)."""

    source: str
    result: str  # "new", "same", "empty" or "failed"
    since_event_at: int  # the parcel's last event time when checked; 0 = it had none
    checks: int
    first_at: int
    last_at: int

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Self:
        return _from_row(cls, row)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    user_id: int
    parcel_id: int | None
    kind: str
    payload: dict[str, Any]
    dedupe_key: str | None
    created_at: int
    not_before: int
    attempts: int
    claimed_until: int | None
    sent_at: int | None
    failed_at: int | None
    last_error: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Self:
        return _from_row(cls, row)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    user_id: int
    parcel_id: int | None
    kind: str
    due_at: int
    payload: dict[str, Any] = field(default_factory=dict)
    created_at: int = 0
    fired_at: int | None = None
    cancelled_at: int | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Self:
        return _from_row(cls, row)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class SourceRegistration:
    source: str
    number: str
    registered_at: int
    stopped_at: int | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> Self:
        return _from_row(cls, row)  # type: ignore[no-any-return]


@dataclass(frozen=True, slots=True)
class ParcelPage:
    """What /list shows: one page of parcels and the counts around it."""

    items: list[Parcel]
    page: int  # 0-based, within range
    pages: int  # at least 1
    active: int
    archived: int


# What the user told about an order (the columns /whatnow and the order facts screen fill in).
PARCEL_FACT_COLUMNS: Final = (
    "shipped_on",
    "price_amount",
    "price_currency",
    "protection_deadline",
    "seller_contacted_on",
    "seller_response",
    "dispute_opened_on",
    "dispute_reason",
    "dispute_amount",
    "dispute_status",
)
