"""``source_registrations``: which numbers a paid source (17TRACK) already tracks."""

from __future__ import annotations

from storage.models import (
    SourceRegistration,
)
from storage.repositories.base import (
    Repo,
)


class Registrations(Repo):
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
