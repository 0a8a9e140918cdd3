"""``outbox`` and ``reminders``: everything the bot will write first, and when."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from storage.db import Statement
from storage.models import (
    OutboxItem,
    Reminder,
)
from storage.repositories.base import (
    Repo,
    dump_json,
    executemany,
)


class Outbox(Repo):
    async def enqueue(
        self,
        user_id: int,
        kind: str,
        payload: Mapping[str, Any] | None = None,
        *,
        parcel_id: int | None = None,
        not_before: int | None = None,
        dedupe_key: str | None = None,
        now: int | None = None,
    ) -> int | None:
        """Queue a message; returns its id, or ``None`` if ``dedupe_key`` was already queued."""
        now = self._now(now)
        row = await self.db.fetchone(
            """
            INSERT INTO outbox (user_id, parcel_id, kind, payload, dedupe_key, created_at,
                                not_before)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (user_id, dedupe_key) DO NOTHING
            RETURNING id
            """,
            (user_id, parcel_id, kind, dump_json(payload), dedupe_key, now,
             now if not_before is None else not_before),
        )  # fmt: skip
        return None if row is None else int(row[0])

    async def enqueue_many(
        self, items: Sequence[Mapping[str, Any]], *, now: int | None = None
    ) -> int:
        """Queue many messages in one statement. Each item: ``user_id``, ``kind``, ``payload``,
        optional ``parcel_id``, ``dedupe_key``, ``not_before``. Duplicate keys are skipped."""
        if not items:
            return 0
        return await executemany(self.db, self.enqueue_many_statement(items, now=self._now(now)))

    @staticmethod
    def enqueue_many_statement(items: Sequence[Mapping[str, Any]], *, now: int) -> Statement:
        """``enqueue_many`` as one statement for ``Database.executemany_batch``."""
        return (
            "INSERT INTO outbox (user_id, parcel_id, kind, payload, dedupe_key, created_at, "
            "not_before) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, dedupe_key) DO NOTHING",
            [
                (item["user_id"], item.get("parcel_id"), item["kind"],
                 dump_json(item.get("payload")),
                 item.get("dedupe_key"), now, item.get("not_before") or now)
                for item in items
            ],
        )  # fmt: skip

    async def get(self, item_id: int) -> OutboxItem | None:
        row = await self.db.fetchone("SELECT * FROM outbox WHERE id = ?", (item_id,))
        return None if row is None else OutboxItem.from_row(row)

    async def claim_pending(
        self, limit: int, now: int | None = None, *, lease: int = 120
    ) -> list[OutboxItem]:
        """Take up to ``limit`` due messages for sending, oldest first.

        Each claimed row is leased for ``lease`` seconds and its ``attempts`` counted; concurrent
        claimers (tasks or processes) get disjoint rows. A sender that dies leaves the lease to
        expire, then the row is claimed again. Messages to blocked users are not claimed.
        """
        now = self._now(now)
        rows = await self.db.fetchall(
            """
            UPDATE outbox SET claimed_until = :until, attempts = attempts + 1
            WHERE id IN (
                SELECT o.id FROM outbox o JOIN users u ON u.id = o.user_id
                WHERE o.sent_at IS NULL AND o.failed_at IS NULL AND o.not_before <= :now
                  AND (o.claimed_until IS NULL OR o.claimed_until <= :now)
                  AND u.blocked_at IS NULL
                ORDER BY o.not_before, o.id
                LIMIT :limit)
            RETURNING *
            """,
            {"until": now + lease, "now": now, "limit": limit},
        )
        items = [OutboxItem.from_row(row) for row in rows]
        items.sort(key=lambda item: (item.not_before, item.id))
        return items

    async def mark_sent(self, item_id: int, *, now: int | None = None) -> bool:
        result = await self.db.execute(
            "UPDATE outbox SET sent_at = ?, claimed_until = NULL WHERE id = ? AND sent_at IS NULL",
            (self._now(now), item_id),
        )
        return result.rowcount > 0

    async def mark_failed(self, item_id: int, error: str, *, now: int | None = None) -> bool:
        """Give up on the message for good."""
        result = await self.db.execute(
            "UPDATE outbox SET failed_at = ?, last_error = ?, claimed_until = NULL "
            "WHERE id = ? AND sent_at IS NULL",
            (self._now(now), error, item_id),
        )
        return result.rowcount > 0

    async def reschedule(self, item_id: int, not_before: int, error: str | None = None) -> bool:
        """Try again at ``not_before`` (retry after an error, or quiet hours)."""
        result = await self.db.execute(
            "UPDATE outbox SET not_before = ?, claimed_until = NULL, "
            "last_error = coalesce(?, last_error) WHERE id = ? AND sent_at IS NULL",
            (not_before, error, item_id),
        )
        return result.rowcount > 0

    async def depth(self, now: int | None = None) -> int:
        """Messages not yet sent nor failed (``now`` given: only those already due)."""
        sql, params = ("", ()) if now is None else (" AND not_before <= ?", (now,))
        return int(
            await self.db.fetchval(
                "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL" + sql,
                params,
            )
        )

    async def pending_for_user(self, user_id: int) -> list[OutboxItem]:
        rows = await self.db.fetchall(
            "SELECT * FROM outbox WHERE user_id = ? AND sent_at IS NULL AND failed_at IS NULL "
            "ORDER BY not_before, id",
            (user_id,),
        )
        return [OutboxItem.from_row(row) for row in rows]

    async def purge_done(self, older_than: int) -> int:
        """Delete sent/failed rows finished before ``older_than``; returns how many."""
        result = await self.db.execute(
            "DELETE FROM outbox WHERE coalesce(sent_at, failed_at) < ?", (older_than,)
        )
        return result.rowcount


class Reminders(Repo):
    async def schedule(
        self,
        user_id: int,
        kind: str,
        due_at: int,
        payload: Mapping[str, Any] | None = None,
        *,
        parcel_id: int | None = None,
        now: int | None = None,
    ) -> int | None:
        """Returns the new id, or ``None`` if the same (user, parcel, kind, due_at) exists."""
        row = await self.db.fetchone(
            "INSERT INTO reminders (user_id, parcel_id, kind, due_at, payload, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
            (user_id, parcel_id, kind, due_at, dump_json(payload), self._now(now)),
        )
        return None if row is None else int(row[0])

    async def get(self, reminder_id: int) -> Reminder | None:
        row = await self.db.fetchone("SELECT * FROM reminders WHERE id = ?", (reminder_id,))
        return None if row is None else Reminder.from_row(row)

    async def due(
        self, now: int | None = None, limit: int = 100, *, kinds: Sequence[str] | None = None
    ) -> list[Reminder]:
        """Pending reminders whose time has come, oldest first (only of ``kinds`` if given, so
        another feature's reminders never crowd a caller's out of its ``limit``)."""
        sql = (
            "SELECT * FROM reminders WHERE fired_at IS NULL AND cancelled_at IS NULL "
            "AND due_at <= ?"
        )
        params: list[Any] = [self._now(now)]
        if kinds is not None:
            sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
            params.extend(kinds)
        rows = await self.db.fetchall(sql + " ORDER BY due_at, id LIMIT ?", [*params, limit])
        return [Reminder.from_row(row) for row in rows]

    async def pending_for_parcel(self, parcel_id: int) -> list[Reminder]:
        rows = await self.db.fetchall(
            "SELECT * FROM reminders WHERE parcel_id = ? AND fired_at IS NULL "
            "AND cancelled_at IS NULL ORDER BY due_at, id",
            (parcel_id,),
        )
        return [Reminder.from_row(row) for row in rows]

    async def mark_fired(self, reminder_id: int, *, now: int | None = None) -> bool:
        """False if it already fired or was cancelled: the caller must not act twice."""
        result = await self.db.execute(
            "UPDATE reminders SET fired_at = ? "
            "WHERE id = ? AND fired_at IS NULL AND cancelled_at IS NULL",
            (self._now(now), reminder_id),
        )
        return result.rowcount > 0

    async def cancel(self, reminder_id: int, *, now: int | None = None) -> bool:
        result = await self.db.execute(
            "UPDATE reminders SET cancelled_at = ? "
            "WHERE id = ? AND fired_at IS NULL AND cancelled_at IS NULL",
            (self._now(now), reminder_id),
        )
        return result.rowcount > 0

    async def schedule_replacing(
        self,
        user_id: int,
        kind: str,
        due_at: int,
        payload: Mapping[str, Any],
        *,
        parcel_id: int | None,
        action: str,
        now: int | None = None,
    ) -> int:
        """Schedule like ``schedule``, cancelling the user's pending ``kind`` reminders about the
        same ``action`` (and parcel, or none): asked for again, a reminder moves; it never
        multiplies. Returns the pending reminder's id."""
        at = self._now(now)
        key = (user_id, parcel_id or 0, kind)
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE reminders SET cancelled_at = ? WHERE user_id = ? "
                "AND ifnull(parcel_id, 0) = ? AND kind = ? "
                "AND json_extract(payload, '$.action') = ? "
                "AND fired_at IS NULL AND cancelled_at IS NULL",
                (at, *key, action),
            )
            row = await tx.fetchone(
                "INSERT INTO reminders (user_id, parcel_id, kind, due_at, payload, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id",
                (user_id, parcel_id, kind, due_at, dump_json(payload), at),
            )
            if row is not None:
                return int(row[0])
            # The same moment was asked for before: that row is the pending one again.
            row = await tx.fetchone(
                "UPDATE reminders SET cancelled_at = NULL, payload = ? WHERE user_id = ? "
                "AND ifnull(parcel_id, 0) = ? AND kind = ? AND due_at = ? RETURNING id",
                (dump_json(payload), *key, due_at),
            )
            assert row is not None
            return int(row[0])

    async def cancel_for_parcel(
        self, parcel_id: int, kinds: Sequence[str] | None = None, *, now: int | None = None
    ) -> int:
        """Cancel pending reminders of a parcel (all, or only of ``kinds``); returns how many."""
        sql = (
            "UPDATE reminders SET cancelled_at = ? WHERE parcel_id = ? "
            "AND fired_at IS NULL AND cancelled_at IS NULL"
        )
        params: list[Any] = [self._now(now), parcel_id]
        if kinds is not None:
            sql += f" AND kind IN ({', '.join('?' * len(kinds))})"
            params.extend(kinds)
        result = await self.db.execute(sql, params)
        return result.rowcount
