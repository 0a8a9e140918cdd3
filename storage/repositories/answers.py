"""``parcel_answers``: what the user told in chat about their parcel beyond its columns."""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from storage.models import (
    ANSWER_DATE_FIELDS,
    ANSWER_FLAG_FIELDS,
    ParcelAnswers,
    date_to_text,
)
from storage.repositories.base import (
    Repo,
)

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


class Answers(Repo):
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
