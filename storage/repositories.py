"""Repositories: the only place that knows the SQL for each table.

Every method runs on ``Database`` helpers, so called inside ``async with db.transaction():`` it
takes part in that transaction (see ``storage.db``); called on its own it is atomic by itself.
Methods that touch a user's parcel take the ``user_id`` and check ownership in SQL.
"""

from __future__ import annotations

import enum
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Final

from storage.db import Database, Statement
from storage.models import (
    ANSWER_DATE_FIELDS,
    ANSWER_FLAG_FIELDS,
    PARCEL_DATE_FIELDS,
    NewEvent,
    OutboxItem,
    Parcel,
    ParcelAnswers,
    Reminder,
    SourceRegistration,
    TrackingEvent,
    User,
    date_to_text,
    text_to_date,
)

Clock = Callable[[], int]


def system_clock() -> int:
    return int(time.time())


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET: Final = _Unset.UNSET
"""Default of optional update arguments: "leave this column alone" (``None`` means set NULL)."""


class DuplicateParcel(Exception):
    """The user already tracks this number."""

    def __init__(self, user_id: int, number: str, existing_id: int | None) -> None:
        super().__init__(f"user {user_id} already tracks {number}")
        self.user_id = user_id
        self.number = number
        self.existing_id = existing_id


class _Repo:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self._clock = clock

    def _now(self, now: int | None) -> int:
        return self._clock() if now is None else now


def _dump(payload: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(payload or {}), ensure_ascii=False, separators=(",", ":"))


async def _executemany(db: Database, statement: Statement) -> int:
    # Atomic on its own: its own transaction, or a savepoint in the caller's.
    return (await db.executemany_batch([statement]))[0]


class Users(_Repo):
    async def get(self, user_id: int) -> User | None:
        row = await self.db.fetchone("SELECT * FROM users WHERE id = ?", (user_id,))
        return None if row is None else User.from_row(row)

    async def upsert_seen(
        self, user_id: int, chat_id: int, language_code_default: str, *, now: int | None = None
    ) -> User:
        """Record contact in the user's private chat; a new user gets ``language_code_default``,
        a known one keeps theirs.

        ``chat_id`` is where the user's pushes go, so it must be their private chat (whose id in
        Telegram is the user's id, always positive); a group's id (negative) is refused, or a
        message in a group would send the user's parcels there. Any contact also clears
        ``blocked_at``: a user who writes to us privately has unblocked the bot.
        """
        if chat_id <= 0:
            raise ValueError(f"user {user_id}: chat {chat_id} is a group, not a private chat")
        now = self._now(now)
        row = await self.db.fetchone(
            """
            INSERT INTO users (id, chat_id, language, created_at, updated_at, last_seen_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET
                chat_id = excluded.chat_id,
                last_seen_at = excluded.last_seen_at,
                blocked_at = NULL,
                updated_at = CASE
                    WHEN users.chat_id IS NOT excluded.chat_id OR users.blocked_at IS NOT NULL
                    THEN excluded.updated_at ELSE users.updated_at END
            RETURNING *
            """,
            (user_id, chat_id, language_code_default, now, now, now),
        )
        assert row is not None
        return User.from_row(row)

    async def _set(self, user_id: int, now: int | None, **values: Any) -> bool:
        assignments = ", ".join(f"{column} = ?" for column in values)
        result = await self.db.execute(
            f"UPDATE users SET {assignments}, updated_at = ? WHERE id = ?",
            (*values.values(), self._now(now), user_id),
        )
        return result.rowcount > 0

    async def set_language(self, user_id: int, language: str, *, now: int | None = None) -> bool:
        return await self._set(user_id, now, language=language)

    async def set_timezone(
        self, user_id: int, timezone: str | None, *, now: int | None = None
    ) -> bool:
        return await self._set(user_id, now, timezone=timezone)

    async def set_quiet_hours(
        self, user_id: int, start: int | None, end: int | None, *, now: int | None = None
    ) -> bool:
        """Minutes of the day (0..1439) in the user's timezone; both ``None`` switches them off."""
        if (start is None) != (end is None):
            raise ValueError("quiet hours need both start and end, or neither")
        for value in (start, end):
            if value is not None and not 0 <= value < 1440:
                raise ValueError(f"minute of day out of range: {value}")
        return await self._set(user_id, now, quiet_start=start, quiet_end=end)

    async def mark_blocked(self, user_id: int, *, now: int | None = None) -> bool:
        now = self._now(now)
        result = await self.db.execute(
            "UPDATE users SET blocked_at = ?, updated_at = ? WHERE id = ? AND blocked_at IS NULL",
            (now, now, user_id),
        )
        return result.rowcount > 0

    async def mark_unblocked(self, user_id: int, *, now: int | None = None) -> bool:
        now = self._now(now)
        result = await self.db.execute(
            "UPDATE users SET blocked_at = NULL, updated_at = ? "
            "WHERE id = ? AND blocked_at IS NOT NULL",
            (now, user_id),
        )
        return result.rowcount > 0

    async def delete_everything(self, user_id: int) -> bool:
        """Forget the user: their row, parcels, events, outbox, reminders and ptb persistence.

        Returns whether the user existed. The running Application keeps its own copy of
        user_data/chat_data: the caller must also drop those (``application.drop_user_data``,
        ``drop_chat_data``) or the next persistence flush writes them back.
        """
        async with self.db.transaction() as tx:
            chat_id = await tx.fetchval("SELECT chat_id FROM users WHERE id = ?", (user_id,))
            ids = [user_id] if chat_id is None else [user_id, chat_id]
            marks = ", ".join("?" * len(ids))
            await tx.execute("DELETE FROM ptb_user_data WHERE user_id = ?", (user_id,))
            await tx.execute(f"DELETE FROM ptb_chat_data WHERE chat_id IN ({marks})", ids)
            # Conversation keys are [chat id, user id, message id] depending on the handler.
            await tx.execute(
                "DELETE FROM ptb_conversations WHERE EXISTS ("
                f"SELECT 1 FROM json_each(ptb_conversations.key) WHERE value IN ({marks}))",
                ids,
            )
            # Cascades to parcels, parcel_answers, tracking_events, outbox and reminders.
            result = await tx.execute("DELETE FROM users WHERE id = ?", (user_id,))
            return result.rowcount > 0

    async def count(self) -> int:
        return int(await self.db.fetchval("SELECT count(*) FROM users"))


_FACT_COLUMNS: Final = (
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


def _parcel_from_tuple(row: Sequence[Any]) -> Parcel:
    values = list(row)
    for i in _PARCEL_DATE_INDEXES:
        if values[i] is not None:
            values[i] = text_to_date(values[i])
    return Parcel(*values)


@dataclass(frozen=True, slots=True)
class ParcelPage:
    """What /list shows: one page of parcels and the counts around it."""

    items: list[Parcel]
    page: int  # 0-based, within range
    pages: int  # at least 1
    active: int
    archived: int


class Parcels(_Repo):
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
        shipped_on: date | _Unset | None = UNSET,
        price_amount: float | _Unset | None = UNSET,
        price_currency: str | _Unset | None = UNSET,
        protection_deadline: date | _Unset | None = UNSET,
        seller_contacted_on: date | _Unset | None = UNSET,
        seller_response: str | _Unset | None = UNSET,
        dispute_opened_on: date | _Unset | None = UNSET,
        dispute_reason: str | _Unset | None = UNSET,
        dispute_amount: float | _Unset | None = UNSET,
        dispute_status: str | _Unset | None = UNSET,
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
        assert tuple(values) == _FACT_COLUMNS
        return await self._update_owned(user_id, parcel_id, values, now)

    async def rename(
        self, user_id: int, parcel_id: int, nickname: str | None, *, now: int | None = None
    ) -> Parcel | None:
        return await self._update_owned(user_id, parcel_id, {"nickname": nickname}, now)

    async def archive(self, user_id: int, parcel_id: int, *, now: int | None = None) -> bool:
        now = self._now(now)
        result = await self.db.execute(
            "UPDATE parcels SET archived_at = ?, updated_at = ?, claimed_until = NULL "
            "WHERE id = ? AND user_id = ? AND archived_at IS NULL",
            (now, now, parcel_id, user_id),
        )
        return result.rowcount > 0

    async def unarchive(
        self, user_id: int, parcel_id: int, *, next_check_at: int | None = None,
        now: int | None = None,
    ) -> bool:  # fmt: skip
        now = self._now(now)
        result = await self.db.execute(
            "UPDATE parcels SET archived_at = NULL, updated_at = ?, next_check_at = ?, "
            "check_failures = 0 WHERE id = ? AND user_id = ? AND archived_at IS NOT NULL",
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
        carrier: str | _Unset | None = UNSET,
        kind: str | _Unset | None = UNSET,
        real_number: str | _Unset | None = UNSET,
        status: str | _Unset = UNSET,
        status_changed_at: int | _Unset | None = UNSET,
        last_event_at: int | _Unset | None = UNSET,
        last_pushed_event_at: int | _Unset | None = UNSET,
        origin_country: str | _Unset | None = UNSET,
        dest_country: str | _Unset | None = UNSET,
        last_checked_at: int | _Unset | None = UNSET,
        next_check_at: int | _Unset | None = UNSET,
        check_failures: int | _Unset = UNSET,
        claimed_until: int | _Unset | None = None,
        stall_alerted_at: int | _Unset | None = UNSET,
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
        return await _executemany(self.db, self.update_tracking_many_statement(rows))

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

    async def protection_due(self, until: date, limit: int = 500) -> list[Parcel]:
        """Active, undelivered parcels whose buyer-protection deadline is on or before ``until``."""
        rows = await self.db.fetchall(
            "SELECT * FROM parcels WHERE archived_at IS NULL AND protection_deadline IS NOT NULL "
            "AND protection_deadline <= ? AND status NOT IN ('delivered', 'returned') "
            "ORDER BY protection_deadline, id LIMIT ?",
            (date_to_text(until), limit),
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


_KEYS_CHUNK: Final = 2000


_ANSWER_COLUMNS = frozenset(
    f.name for f in fields(ParcelAnswers) if f.name not in ("parcel_id", "updated_at")
)


def _answer_value(column: str, value: Any) -> Any:
    if column in ANSWER_DATE_FIELDS:
        return date_to_text(value)
    if column in ANSWER_FLAG_FIELDS or column == "round_done":
        return None if value is None else int(bool(value))
    if column == "asked":
        return json.dumps(sorted(set(value)))
    return value


class Answers(_Repo):
    """``parcel_answers``: what the user told in chat about their parcel beyond its columns."""

    async def get(self, user_id: int, parcel_id: int) -> ParcelAnswers | None:
        row = await self.db.fetchone(
            "SELECT a.* FROM parcel_answers AS a JOIN parcels AS p ON p.id = a.parcel_id "
            "WHERE a.parcel_id = ? AND p.user_id = ?",
            (parcel_id, user_id),
        )
        return None if row is None else ParcelAnswers.from_row(row)

    async def update(
        self,
        user_id: int,
        parcel_id: int,
        *,
        keep_existing: bool = False,
        now: int | None = None,
        **values: Any,
    ) -> bool:
        """Set the given answers on the user's parcel (False: not theirs, or nothing to set).

        ``keep_existing``: only fill a parcel that has no answers row yet (moving old data in
        must never overwrite what the user answered since)."""
        unknown = set(values) - _ANSWER_COLUMNS
        if unknown:
            raise ValueError(f"not an answer column: {sorted(unknown)}")
        if not values:
            return False
        columns = list(values)
        params = [_answer_value(c, values[c]) for c in columns]
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        if keep_existing:
            conflict = "DO NOTHING"
        else:
            sets = ", ".join(f"{c} = excluded.{c}" for c in columns)
            conflict = f"DO UPDATE SET {sets}, updated_at = excluded.updated_at"
        # INSERT ... SELECT checks ownership in SQL; the WHERE keeps the upsert unambiguous.
        result = await self.db.execute(
            f"INSERT INTO parcel_answers (parcel_id, {names}, updated_at) "
            f"SELECT id, {marks}, ? FROM parcels WHERE id = ? AND user_id = ? "
            f"ON CONFLICT (parcel_id) {conflict}",
            (*params, self._now(now), parcel_id, user_id),
        )
        return result.rowcount > 0


class Events(_Repo):
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
                        location, description, raw_code, source, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (parcel_id, event_key) DO NOTHING
                    RETURNING *
                    """,
                    (parcel_id, event.event_key, event.occurred_at, event.status, event.location,
                     event.description, event.raw_code, event.source, now),
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
        return await _executemany(self.db, self.insert_many_statement(rows, now=self._now(now)))

    @staticmethod
    def insert_many_statement(rows: Iterable[tuple[int, NewEvent]], *, now: int) -> Statement:
        """``insert_many`` as one statement for ``Database.executemany_batch``."""
        return (
            """
            INSERT INTO tracking_events (parcel_id, event_key, occurred_at, status, location,
                description, raw_code, source, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (parcel_id, event_key) DO NOTHING
            """,
            [
                (pid, e.event_key, e.occurred_at, e.status, e.location, e.description,
                 e.raw_code, e.source, now)
                for pid, e in rows
            ],
        )  # fmt: skip


def _event_order(event: TrackingEvent) -> tuple[int, int]:
    return (event.occurred_at if event.occurred_at is not None else event.created_at, event.id)


class Registrations(_Repo):
    """Which numbers a paid source (17TRACK) already tracks: register once, remember it."""

    async def get(self, source: str, number: str) -> SourceRegistration | None:
        row = await self.db.fetchone(
            "SELECT * FROM source_registrations WHERE source = ? AND number = ?", (source, number)
        )
        return None if row is None else SourceRegistration.from_row(row)

    async def is_registered(self, source: str, number: str) -> bool:
        reg = await self.get(source, number)
        return reg is not None and reg.stopped_at is None

    async def mark_registered(self, source: str, number: str, *, now: int | None = None) -> bool:
        """True if this is a new (or restarted) registration."""
        result = await self.db.execute(
            "INSERT INTO source_registrations (source, number, registered_at) VALUES (?, ?, ?) "
            "ON CONFLICT (source, number) DO UPDATE SET "
            "registered_at = excluded.registered_at, stopped_at = NULL "
            "WHERE source_registrations.stopped_at IS NOT NULL",
            (source, number, self._now(now)),
        )
        return result.rowcount > 0

    async def mark_stopped(self, source: str, number: str, *, now: int | None = None) -> bool:
        result = await self.db.execute(
            "UPDATE source_registrations SET stopped_at = ? "
            "WHERE source = ? AND number = ? AND stopped_at IS NULL",
            (self._now(now), source, number),
        )
        return result.rowcount > 0

    async def orphans(self, source: str, limit: int = 100) -> list[str]:
        """Registered numbers no active parcel needs any more (stop them to save quota)."""
        rows = await self.db.fetchall(
            """
            SELECT r.number FROM source_registrations r
            WHERE r.source = ? AND r.stopped_at IS NULL AND NOT EXISTS (
                SELECT 1 FROM parcels p
                WHERE (p.number = r.number OR p.real_number = r.number) AND p.archived_at IS NULL)
            ORDER BY r.registered_at LIMIT ?
            """,
            (source, limit),
        )
        return [row[0] for row in rows]


class Outbox(_Repo):
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
            (user_id, parcel_id, kind, _dump(payload), dedupe_key, now,
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
        return await _executemany(self.db, self.enqueue_many_statement(items, now=self._now(now)))

    @staticmethod
    def enqueue_many_statement(items: Sequence[Mapping[str, Any]], *, now: int) -> Statement:
        """``enqueue_many`` as one statement for ``Database.executemany_batch``."""
        return (
            "INSERT INTO outbox (user_id, parcel_id, kind, payload, dedupe_key, created_at, "
            "not_before) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, dedupe_key) DO NOTHING",
            [
                (item["user_id"], item.get("parcel_id"), item["kind"], _dump(item.get("payload")),
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


class Reminders(_Repo):
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
            (user_id, parcel_id, kind, due_at, _dump(payload), self._now(now)),
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
