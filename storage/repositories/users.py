"""``users``: one row per Telegram user who wrote to the bot."""

from __future__ import annotations

from typing import Any

from storage.models import (
    User,
)
from storage.repositories.base import (
    Repo,
)


class Users(Repo):
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

    async def set_coach(self, user_id: int, enabled: bool, *, now: int | None = None) -> bool:
        """Whether the coach pushes the next step for this user's parcels."""
        return await self._set(user_id, now, coach_enabled=int(enabled))

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
