"""Embedded SQLite store: the only package that speaks SQL.

Conventions
-----------
* Instants (``*_at``, ``not_before``, ``claimed_until``, ``due_at``) are INTEGER unix seconds, UTC.
  Repository methods that need the time take ``now: int | None`` (``None``: the Storage clock).
  ``storage.ts(datetime)`` / ``storage.from_ts(int)`` convert.
* Calendar dates the user tells (``shipped_on``, ``protection_deadline``, ``*_on``) are ISO
  ``YYYY-MM-DD`` TEXT in the database and ``datetime.date`` in the row dataclasses.
* JSON payloads (outbox, reminders) are ``dict`` in Python, TEXT in the database.

Transactions
------------
``Storage.db`` (``storage.db.Database``) owns the single aiosqlite connection. Repository methods
are atomic on their own. To make several of them one unit, wrap them::

    async with storage.db.transaction():
        new = await storage.events.insert_new(parcel.id, events)
        for event in new:
            await storage.outbox.enqueue(parcel.user_id, "event", {...}, parcel_id=parcel.id)
        await storage.parcels.update_tracking(parcel.id, status=..., next_check_at=...)

Repositories join the transaction the current task holds (a context variable), so they need no
connection argument; a repository's own ``transaction()`` inside becomes a SAVEPOINT. Do not await
anything slow (network) inside a transaction: it holds the only connection.

Ownership
---------
Handler-facing parcel methods take ``user_id`` and return ``None``/``False`` for someone else's
parcel. ``Parcels.get``/``claim_due``/``update_tracking`` act for the bot and are for the scheduler.

Schema changes go through ``storage/migrations/NNNN_*.sql`` (see ``storage.migrations``).
``storage.persistence`` (the only module importing ``telegram``) is imported on its own.
"""

from __future__ import annotations

from pathlib import Path

from storage.db import Database, ExecResult, Transaction
from storage.models import (
    CheckTally,
    NewEvent,
    OutboxItem,
    Parcel,
    ParcelAnswers,
    Reminder,
    SourceRegistration,
    TrackingEvent,
    User,
    from_ts,
    ts,
)
from storage.repositories import (
    UNSET,
    Answers,
    Checks,
    Clock,
    DuplicateParcel,
    Events,
    Outbox,
    Parcels,
    Registrations,
    Reminders,
    Stats,
    Users,
    system_clock,
)


class Storage:
    """What the application holds: the database and one instance of each repository."""

    def __init__(self, path: str | Path, *, clock: Clock = system_clock) -> None:
        self.db = Database(path)
        self.clock = clock
        self.users = Users(self.db, clock)
        self.parcels = Parcels(self.db, clock)
        self.answers = Answers(self.db, clock)
        self.events = Events(self.db, clock)
        self.registrations = Registrations(self.db, clock)
        self.outbox = Outbox(self.db, clock)
        self.reminders = Reminders(self.db, clock)
        self.checks = Checks(self.db, clock)
        self.stats = Stats(self.db, clock)

    @classmethod
    async def open(cls, path: str | Path, *, clock: Clock = system_clock) -> Storage:
        """Open (creating and migrating) the database at ``path``; ``":memory:"`` for tests."""
        storage = cls(path, clock=clock)
        await storage.db.connect()
        return storage

    async def connect(self) -> None:
        await self.db.connect()

    async def close(self) -> None:
        await self.db.close()

    async def backup_to(self, path: str | Path) -> Path:
        return await self.db.backup_to(path)


__all__ = [
    "UNSET",
    "Answers",
    "CheckTally",
    "Checks",
    "Clock",
    "Database",
    "DuplicateParcel",
    "Events",
    "ExecResult",
    "NewEvent",
    "Outbox",
    "OutboxItem",
    "Parcel",
    "ParcelAnswers",
    "Parcels",
    "Registrations",
    "Reminder",
    "Reminders",
    "SourceRegistration",
    "Stats",
    "Storage",
    "TrackingEvent",
    "Transaction",
    "User",
    "Users",
    "from_ts",
    "system_clock",
    "ts",
]
