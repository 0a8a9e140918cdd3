"""``tracking_events``, ``tracking_checks`` and the anonymous delivery statistics."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from storage.db import Statement
from storage.models import (
    CheckTally,
    NewEvent,
    TrackingEvent,
)
from storage.repositories.base import (
    Repo,
    executemany,
)

# Parcel ids per IN (...) query: well under SQLite's variable limit.
_KEYS_CHUNK: Final = 2000


class Events(Repo):
    async def insert_new(
        self, parcel_id: int, events: Iterable[NewEvent], *, now: int | None = None
    ) -> list[TrackingEvent]:
        """Store events; return only those not stored before (by ``event_key``), oldest first."""
        now = self._now(now)
        inserted: list[TrackingEvent] = []
        async with self.db.transaction() as tx:
            for event in events:
                row = await tx.fetchone(
                    """
                    INSERT INTO tracking_events (parcel_id, event_key, occurred_at, status,
                        location, description, raw_code, source, created_at, detail)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (parcel_id, event_key) DO NOTHING
                    RETURNING *
                    """,
                    (parcel_id, event.event_key, event.occurred_at, event.status, event.location,
                     event.description, event.raw_code, event.source, now, event.detail),
                )  # fmt: skip
                if row is not None:
                    inserted.append(TrackingEvent.from_row(row))
        inserted.sort(key=_event_order)
        return inserted

    async def timeline(self, parcel_id: int, *, limit: int | None = None) -> list[TrackingEvent]:
        """Oldest first; events without a time sort by arrival. ``limit`` keeps the newest."""
        rows = await self.db.fetchall(
            "SELECT * FROM tracking_events WHERE parcel_id = ? "
            "ORDER BY coalesce(occurred_at, created_at) DESC, id DESC LIMIT ?",
            (parcel_id, -1 if limit is None else limit),
        )
        return [TrackingEvent.from_row(row) for row in reversed(rows)]

    async def latest(self, parcel_id: int) -> TrackingEvent | None:
        events = await self.timeline(parcel_id, limit=1)
        return events[0] if events else None

    async def count(self, parcel_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT count(*) FROM tracking_events WHERE parcel_id = ?", (parcel_id,)
            )
        )

    async def keys_for(self, parcel_ids: Sequence[int]) -> dict[int, set[str]]:
        """Stored event keys of many parcels at once (change detection of a batch)."""
        found: dict[int, set[str]] = {pid: set() for pid in parcel_ids}
        # One query for a whole scheduler batch (SQLite allows 32766 parameters).
        for start in range(0, len(parcel_ids), _KEYS_CHUNK):
            chunk = list(parcel_ids[start : start + _KEYS_CHUNK])
            rows = await self.db.fetchall(
                "SELECT parcel_id, event_key FROM tracking_events "
                f"WHERE parcel_id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            for row in rows:
                found[int(row[0])].add(str(row[1]))
        return found

    async def insert_many(
        self, rows: Iterable[tuple[int, NewEvent]], *, now: int | None = None
    ) -> int:
        """Store events of many parcels in one statement; known keys are skipped."""
        return await executemany(self.db, self.insert_many_statement(rows, now=self._now(now)))

    @staticmethod
    def insert_many_statement(rows: Iterable[tuple[int, NewEvent]], *, now: int) -> Statement:
        """``insert_many`` as one statement for ``Database.executemany_batch``."""
        return (
            """
            INSERT INTO tracking_events (parcel_id, event_key, occurred_at, status, location,
                description, raw_code, source, created_at, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (parcel_id, event_key) DO NOTHING
            """,
            [
                (pid, e.event_key, e.occurred_at, e.status, e.location, e.description,
                 e.raw_code, e.source, now, e.detail)
                for pid, e in rows
            ],
        )  # fmt: skip


def _event_order(event: TrackingEvent) -> tuple[int, int]:
    return (event.occurred_at if event.occurred_at is not None else event.created_at, event.id)


class Checks(Repo):
    """Checks of parcels, counted per (parcel, source, result, last event then): the record the
    dispute evidence quotes ("checked 38 times since Nov 2 on Cainiao: nothing new")."""

    RESULTS: Final = ("new", "same", "empty", "failed")

    async def record_many(self, rows: Sequence[Mapping[str, Any]]) -> int:
        return await executemany(self.db, self.record_many_statement(rows))

    @staticmethod
    def record_many_statement(rows: Sequence[Mapping[str, Any]]) -> Statement:
        """Rows of ``parcel_id, source, result, since`` (last event time or 0) and ``at``."""
        return (
            """
            INSERT INTO tracking_checks (parcel_id, source, result, since_event_at, checks,
                first_at, last_at)
            VALUES (:parcel_id, :source, :result, :since, 1, :at, :at)
            ON CONFLICT (parcel_id, source, result, since_event_at) DO UPDATE SET
                checks = checks + 1,
                first_at = min(first_at, excluded.first_at),
                last_at = max(last_at, excluded.last_at)
            """,
            list(rows),
        )

    async def for_parcel(self, parcel_id: int) -> list[CheckTally]:
        rows = await self.db.fetchall(
            "SELECT source, result, since_event_at, checks, first_at, last_at "
            "FROM tracking_checks WHERE parcel_id = ? ORDER BY first_at, source, result",
            (parcel_id,),
        )
        return [CheckTally.from_row(row) for row in rows]


ANY_SERVICE: Final = "*"  # the delivery_days rows pooling every service of a route


class Stats(Repo):
    """Anonymous delivery statistics (bot/core/estimates.py): rows and the per-day histogram.

    A delivery is a mapping with ``origin, dest, service, month, transit_days, handover_days,
    customs_days`` (``bot.core.estimates.Delivery`` as a dict).
    """

    @staticmethod
    def record_statements(deliveries: Sequence[Mapping[str, Any]], *, now: int) -> list[Statement]:
        """Statements storing ``deliveries`` (for ``Database.executemany_batch``)."""
        rows = [
            (d["origin"], d["dest"], d["service"], d["month"], d["transit_days"],
             d["handover_days"], d["customs_days"], now)
            for d in deliveries
        ]  # fmt: skip
        days = [
            (d["origin"], d["dest"], key, d["transit_days"])
            for d in deliveries
            for key in dict.fromkeys((d["service"], ANY_SERVICE))
            if key
        ]
        return [
            (
                "INSERT INTO delivery_stats (origin, dest, service, month, transit_days, "
                "handover_days, customs_days, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            ),
            (
                "INSERT INTO delivery_days (origin, dest, service, days, parcels) "
                "VALUES (?, ?, ?, ?, 1) ON CONFLICT (origin, dest, service, days) "
                "DO UPDATE SET parcels = parcels + 1",
                days,
            ),
        ]

    async def record(
        self, deliveries: Sequence[Mapping[str, Any]], *, now: int | None = None
    ) -> None:
        await self.db.executemany_batch(self.record_statements(deliveries, now=self._now(now)))

    async def route(
        self, origin: str | None, dest: str | None, service: str | None
    ) -> dict[str, list[tuple[int, int]]]:
        """The route's histograms, service → [(days, parcels)]: one indexed read, the
        service's own rows and the route's pooled ones."""
        rows = await self.db.fetchall(
            "SELECT service, days, parcels FROM delivery_days "
            "WHERE origin = ? AND dest = ? AND service IN (?, ?) ORDER BY service, days",
            (origin or "", dest or "", service or ANY_SERVICE, ANY_SERVICE),
        )
        found: dict[str, list[tuple[int, int]]] = {}
        for row in rows:
            found.setdefault(str(row[0]), []).append((int(row[1]), int(row[2])))
        return found

    async def count(self) -> int:
        return int(await self.db.fetchval("SELECT count(*) FROM delivery_stats"))
