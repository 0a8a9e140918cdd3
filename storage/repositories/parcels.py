"""``parcels``: a user's watched parcels (ownership checked in SQL) and the scheduler's claims."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date
from typing import Any, Final

from storage.db import Statement
from storage.models import (
    PARCEL_DATE_FIELDS,
    PARCEL_FACT_COLUMNS,
    Parcel,
    ParcelPage,
    date_to_text,
    text_to_date,
)
from storage.repositories.base import (
    UNSET,
    DuplicateParcel,
    Repo,
    Unset,
    executemany,
)

_TRACKING_COLUMNS: Final = (
    "carrier",
    "kind",
    "real_number",
    "status",
    "status_changed_at",
    "last_event_at",
    "last_pushed_event_at",
    "origin_country",
    "dest_country",
    "last_checked_at",
    "next_check_at",
    "check_failures",
    "claimed_until",
    "stall_alerted_at",
)


def _column_value(value: Any) -> Any:
    return date_to_text(value) if isinstance(value, date) else value


# The scheduler builds a Parcel per claimed row: naming the columns in field order lets it pass them
# positionally instead of going through the generic ``Parcel.from_row`` (a few µs per row adds up
# at 100k rows a pass).
_PARCEL_FIELDS: Final = tuple(f.name for f in fields(Parcel))
_PARCEL_SELECT: Final = ", ".join(_PARCEL_FIELDS)
_PARCEL_DATE_INDEXES: Final = tuple(_PARCEL_FIELDS.index(name) for name in PARCEL_DATE_FIELDS)
_PARCEL_FLAG_INDEX: Final = _PARCEL_FIELDS.index("keep_timer_reminders")


def _parcel_from_tuple(row: Sequence[Any]) -> Parcel:
    values = list(row)
    for i in _PARCEL_DATE_INDEXES:
        if values[i] is not None:
            values[i] = text_to_date(values[i])
    values[_PARCEL_FLAG_INDEX] = bool(values[_PARCEL_FLAG_INDEX])
    return Parcel(*values)


class Parcels(Repo):
    async def add(
        self,
        user_id: int,
        number: str,
        *,
        nickname: str | None = None,
        carrier: str | None = None,
        kind: str | None = None,
        next_check_at: int | None = None,
        now: int | None = None,
    ) -> Parcel:
        """Start tracking ``number`` (already normalised) for the user.

        Raises ``DuplicateParcel`` when the user already has it, archived or not.
        ``next_check_at`` defaults to now: the scheduler looks at a new parcel right away.
        """
        now = self._now(now)
        try:
            row = await self.db.fetchone(
                """
                INSERT INTO parcels (user_id, number, nickname, carrier, kind,
                                     created_at, updated_at, next_check_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                RETURNING *
                """,
                (user_id, number, nickname, carrier, kind, now, now,
                 now if next_check_at is None else next_check_at),
            )  # fmt: skip
        except sqlite3.IntegrityError as exc:
            if "UNIQUE" not in str(exc):
                raise
            existing = await self.db.fetchval(
                "SELECT id FROM parcels WHERE user_id = ? AND number = ?", (user_id, number)
            )
            raise DuplicateParcel(user_id, number, existing) from exc
        assert row is not None
        return Parcel.from_row(row)

    async def get(self, parcel_id: int) -> Parcel | None:
        """Any user's parcel: for the scheduler and webhooks, never for handlers."""
        row = await self.db.fetchone("SELECT * FROM parcels WHERE id = ?", (parcel_id,))
        return None if row is None else Parcel.from_row(row)

    async def get_owned(self, user_id: int, parcel_id: int) -> Parcel | None:
        """The parcel if it belongs to ``user_id``; ``None`` for a missing or foreign one."""
        row = await self.db.fetchone(
            "SELECT * FROM parcels WHERE id = ? AND user_id = ?", (parcel_id, user_id)
        )
        return None if row is None else Parcel.from_row(row)

    async def get_by_number(self, user_id: int, number: str) -> Parcel | None:
        row = await self.db.fetchone(
            "SELECT * FROM parcels WHERE user_id = ? AND number = ?", (user_id, number)
        )
        return None if row is None else Parcel.from_row(row)

    async def find_by_number(self, number: str, *, active_only: bool = True) -> list[Parcel]:
        """Every user's parcel with this number (or re-labelled to it): for webhook pushes."""
        rows = await self.db.fetchall(
            "SELECT * FROM parcels WHERE (number = ? OR real_number = ?)"
            + (" AND archived_at IS NULL" if active_only else "")
            + " ORDER BY id",
            (number, number),
        )
        return [Parcel.from_row(row) for row in rows]

    async def list_for_user(
        self, user_id: int, active_only: bool = True, offset: int = 0, limit: int = 20
    ) -> list[Parcel]:
        """Newest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM parcels WHERE user_id = ?"
            + (" AND archived_at IS NULL" if active_only else "")
            + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (user_id, limit, offset),
        )
        return [Parcel.from_row(row) for row in rows]

    async def page_for_user(
        self, user_id: int, *, archived: bool, page: int, size: int
    ) -> ParcelPage:
        """One page of the user's watched parcels or of their archive, newest first, with both
        counts. A page past the end (an old button after deletions) is the last page."""
        row = await self.db.fetchone(
            "SELECT count(*) - count(archived_at), count(archived_at) FROM parcels"
            " WHERE user_id = ?",
            (user_id,),
        )
        active, archived_count = (int(row[0]), int(row[1])) if row is not None else (0, 0)
        total = archived_count if archived else active
        pages = max(1, -(-total // size))
        page = min(max(page, 0), pages - 1)
        rows = await self.db.fetchall(
            "SELECT * FROM parcels WHERE user_id = ? AND archived_at IS "
            + ("NOT NULL" if archived else "NULL")
            + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (user_id, size, page * size),
        )
        items = [Parcel.from_row(r) for r in rows]
        return ParcelPage(items, page, pages, active, archived_count)

    async def count_active(self, user_id: int) -> int:
        return int(
            await self.db.fetchval(
                "SELECT count(*) FROM parcels WHERE user_id = ? AND archived_at IS NULL",
                (user_id,),
            )
        )

    async def count_all(self, user_id: int) -> int:
        return int(
            await self.db.fetchval("SELECT count(*) FROM parcels WHERE user_id = ?", (user_id,))
        )

    async def _update_owned(
        self, user_id: int, parcel_id: int, values: Mapping[str, Any], now: int | None
    ) -> Parcel | None:
        values = {k: _column_value(v) for k, v in values.items() if v is not UNSET}
        assignments = "".join(f"{column} = ?, " for column in values)
        row = await self.db.fetchone(
            f"UPDATE parcels SET {assignments}updated_at = ? WHERE id = ? AND user_id = ? "
            "RETURNING *",
            (*values.values(), self._now(now), parcel_id, user_id),
        )
        return None if row is None else Parcel.from_row(row)

    async def update_facts(
        self,
        user_id: int,
        parcel_id: int,
        *,
        shipped_on: date | Unset | None = UNSET,
        price_amount: float | Unset | None = UNSET,
        price_currency: str | Unset | None = UNSET,
        protection_deadline: date | Unset | None = UNSET,
        seller_contacted_on: date | Unset | None = UNSET,
        seller_response: str | Unset | None = UNSET,
        dispute_opened_on: date | Unset | None = UNSET,
        dispute_reason: str | Unset | None = UNSET,
        dispute_amount: float | Unset | None = UNSET,
        dispute_status: str | Unset | None = UNSET,
        now: int | None = None,
    ) -> Parcel | None:
        """Set the given order facts (``None`` clears one); ``None`` result = not the user's."""
        values = dict(
            shipped_on=shipped_on,
            price_amount=price_amount,
            price_currency=price_currency,
            protection_deadline=protection_deadline,
            seller_contacted_on=seller_contacted_on,
            seller_response=seller_response,
            dispute_opened_on=dispute_opened_on,
            dispute_reason=dispute_reason,
            dispute_amount=dispute_amount,
            dispute_status=dispute_status,
        )
        assert tuple(values) == PARCEL_FACT_COLUMNS
        return await self._update_owned(user_id, parcel_id, values, now)

    async def rename(
        self, user_id: int, parcel_id: int, nickname: str | None, *, now: int | None = None
    ) -> Parcel | None:
        return await self._update_owned(user_id, parcel_id, {"nickname": nickname}, now)

    async def archive(
        self, user_id: int, parcel_id: int, *, keep_timer_reminders: bool = False,
        now: int | None = None,
    ) -> bool:  # fmt: skip
        """Stop checking the parcel; ``keep_timer_reminders``: its protection-timer reminders go
        on (``protection_due`` still finds it)."""
        now = self._now(now)
        result = await self.db.execute(
            "UPDATE parcels SET archived_at = ?, updated_at = ?, claimed_until = NULL, "
            "keep_timer_reminders = ? WHERE id = ? AND user_id = ? AND archived_at IS NULL",
            (now, now, int(keep_timer_reminders), parcel_id, user_id),
        )
        return result.rowcount > 0

    async def unarchive(
        self, user_id: int, parcel_id: int, *, next_check_at: int | None = None,
        now: int | None = None,
    ) -> bool:  # fmt: skip
        now = self._now(now)
        result = await self.db.execute(
            "UPDATE parcels SET archived_at = NULL, updated_at = ?, next_check_at = ?, "
            "check_failures = 0, keep_timer_reminders = 0 "
            "WHERE id = ? AND user_id = ? AND archived_at IS NOT NULL",
            (now, now if next_check_at is None else next_check_at, parcel_id, user_id),
        )
        return result.rowcount > 0

    async def delete(self, user_id: int, parcel_id: int) -> bool:
        """Remove the parcel with its events, outbox rows and reminders."""
        result = await self.db.execute(
            "DELETE FROM parcels WHERE id = ? AND user_id = ?", (parcel_id, user_id)
        )
        return result.rowcount > 0

    # --- scheduler side (no ownership: these act on behalf of the bot) ---

    async def claim_due(
        self, limit: int, *, lease: int = 300, now: int | None = None, skip_blocked: bool = False
    ) -> list[Parcel]:
        """Take up to ``limit`` active parcels whose check is due, leasing them for ``lease`` s.

        A claimed parcel is not handed out again until its lease expires or ``update_tracking``
        clears ``claimed_until``; so two passes (or processes) never check the same parcel.
        """
        now = self._now(now)
        # Parcels of users who blocked the bot wait until the user comes back (skip_blocked).
        blocked = (
            " AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = parcels.user_id"
            " AND u.blocked_at IS NOT NULL)"
            if skip_blocked
            else ""
        )
        rows = await self.db.fetchall(
            f"""
            UPDATE parcels SET claimed_until = :until
            WHERE id IN (
                SELECT id FROM parcels
                WHERE archived_at IS NULL AND next_check_at <= :now
                  AND (claimed_until IS NULL OR claimed_until <= :now){blocked}
                ORDER BY next_check_at, id
                LIMIT :limit)
            RETURNING {_PARCEL_SELECT}
            """,
            {"until": now + lease, "now": now, "limit": limit},
        )
        parcels = [_parcel_from_tuple(row) for row in rows]
        parcels.sort(key=lambda p: (p.next_check_at or 0, p.id))
        return parcels

    async def update_tracking(
        self,
        parcel_id: int,
        *,
        carrier: str | Unset | None = UNSET,
        kind: str | Unset | None = UNSET,
        real_number: str | Unset | None = UNSET,
        status: str | Unset = UNSET,
        status_changed_at: int | Unset | None = UNSET,
        last_event_at: int | Unset | None = UNSET,
        last_pushed_event_at: int | Unset | None = UNSET,
        origin_country: str | Unset | None = UNSET,
        dest_country: str | Unset | None = UNSET,
        last_checked_at: int | Unset | None = UNSET,
        next_check_at: int | Unset | None = UNSET,
        check_failures: int | Unset = UNSET,
        claimed_until: int | Unset | None = None,
        stall_alerted_at: int | Unset | None = UNSET,
        now: int | None = None,
    ) -> Parcel | None:
        """Store what a check learned. Releases the scheduler lease unless told otherwise."""
        values = dict(
            carrier=carrier,
            kind=kind,
            real_number=real_number,
            status=status,
            status_changed_at=status_changed_at,
            last_event_at=last_event_at,
            last_pushed_event_at=last_pushed_event_at,
            origin_country=origin_country,
            dest_country=dest_country,
            last_checked_at=last_checked_at,
            next_check_at=next_check_at,
            check_failures=check_failures,
            claimed_until=claimed_until,
            stall_alerted_at=stall_alerted_at,
        )
        assert tuple(values) == _TRACKING_COLUMNS
        sets = {k: v for k, v in values.items() if v is not UNSET}
        assignments = "".join(f"{column} = ?, " for column in sets)
        row = await self.db.fetchone(
            f"UPDATE parcels SET {assignments}updated_at = ? WHERE id = ? RETURNING *",
            (*sets.values(), self._now(now), parcel_id),
        )
        return None if row is None else Parcel.from_row(row)

    async def archive_any(self, parcel_id: int, *, now: int | None = None) -> bool:
        """Archive on the bot's behalf (delivered long ago, silent for months)."""
        now = self._now(now)
        result = await self.db.execute(
            "UPDATE parcels SET archived_at = ?, updated_at = ?, claimed_until = NULL "
            "WHERE id = ? AND archived_at IS NULL",
            (now, now, parcel_id),
        )
        return result.rowcount > 0

    @staticmethod
    def archive_many_statement(parcel_ids: Sequence[int], *, now: int) -> Statement:
        """``archive_any`` for many parcels, as one statement for ``Database.executemany_batch``."""
        return (
            "UPDATE parcels SET archived_at = ?, updated_at = ?, claimed_until = NULL "
            "WHERE id = ? AND archived_at IS NULL",
            [(now, now, pid) for pid in parcel_ids],
        )

    async def count_all_active(self) -> int:
        return int(await self.db.fetchval("SELECT count(*) FROM parcels WHERE archived_at IS NULL"))

    async def update_tracking_many(self, rows: Sequence[Mapping[str, Any]]) -> int:
        """Store the results of a whole scheduler batch in one statement (the watcher's hot path).

        Each row names ``id`` and every scheduler column below; the lease is released.
        """
        if not rows:
            return 0
        return await executemany(self.db, self.update_tracking_many_statement(rows))

    @staticmethod
    def update_tracking_many_statement(rows: Sequence[Mapping[str, Any]]) -> Statement:
        """``update_tracking_many`` as one statement for ``Database.executemany_batch``."""
        return (
            """
            UPDATE parcels SET carrier = coalesce(:carrier, carrier),
                real_number = coalesce(:real_number, real_number),
                status = :status, status_changed_at = :status_changed_at,
                last_event_at = :last_event_at, last_pushed_event_at = :last_pushed_event_at,
                origin_country = coalesce(:origin_country, origin_country),
                dest_country = coalesce(:dest_country, dest_country),
                last_checked_at = :last_checked_at, next_check_at = :next_check_at,
                check_failures = :check_failures, claimed_until = NULL, updated_at = :now
            WHERE id = :id
            """,
            rows,
        )

    @staticmethod
    def set_eta_statement(rows: Sequence[Mapping[str, Any]]) -> Statement:
        """The vendor's delivery estimate: rows of ``id, eta_from, eta_to, eta_source``."""
        return (
            "UPDATE parcels SET eta_from = :eta_from, eta_to = :eta_to, eta_source = :eta_source "
            "WHERE id = :id",
            rows,
        )

    async def stalled(self, before: int, statuses: Sequence[str], limit: int = 500) -> list[Parcel]:
        """Active parcels in ``statuses`` whose last event is older than ``before`` and whose
        stall was not announced since that event."""
        marks = ", ".join("?" * len(statuses))
        rows = await self.db.fetchall(
            "SELECT p.* FROM parcels p JOIN users u ON u.id = p.user_id "
            f"WHERE p.archived_at IS NULL AND p.status IN ({marks}) AND p.last_event_at < ? "
            "AND (p.stall_alerted_at IS NULL OR p.stall_alerted_at < p.last_event_at) "
            "AND u.blocked_at IS NULL ORDER BY p.last_event_at LIMIT ?",
            (*statuses, before, limit),
        )
        return [Parcel.from_row(row) for row in rows]

    async def protection_due(
        self, until: date, limit: int = 500, *, since: date | None = None
    ) -> list[Parcel]:
        """Undelivered parcels whose buyer-protection deadline is on or before ``until`` (and on
        or after ``since``): the active ones and those archived with ``keep_timer_reminders``."""
        rows = await self.db.fetchall(
            "SELECT * FROM parcels WHERE (archived_at IS NULL OR keep_timer_reminders = 1) "
            "AND protection_deadline IS NOT NULL AND protection_deadline <= ? "
            "AND protection_deadline >= ifnull(?, '') "
            "AND status NOT IN ('delivered', 'returned') "
            "ORDER BY protection_deadline, id LIMIT ?",
            (date_to_text(until), date_to_text(since), limit),
        )
        return [Parcel.from_row(row) for row in rows]

    async def active_page(self, after_id: int, limit: int = 500) -> list[Parcel]:
        """Active parcels with an id above ``after_id``, by id (the coach walks them in pages)."""
        rows = await self.db.fetchall(
            "SELECT * FROM parcels WHERE archived_at IS NULL AND id > ? ORDER BY id LIMIT ?",
            (after_id, limit),
        )
        return [Parcel.from_row(row) for row in rows]

    async def count_by_status(self) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT status, count(*) FROM parcels WHERE archived_at IS NULL GROUP BY status"
        )
        return {str(row[0]): int(row[1]) for row in rows}
