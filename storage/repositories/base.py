"""Shared by every repository: the clock, the "leave this column alone" marker, JSON payloads."""

from __future__ import annotations

import enum
import json
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from storage.db import Database, Statement

Clock = Callable[[], int]


def system_clock() -> int:
    return int(time.time())


class Unset(enum.Enum):
    UNSET = enum.auto()


UNSET: Final = Unset.UNSET
"""Default of optional update arguments: "leave this column alone" (``None`` means set NULL)."""


class DuplicateParcel(Exception):
    """The user already tracks this number."""

    def __init__(self, user_id: int, number: str, existing_id: int | None) -> None:
        super().__init__(f"user {user_id} already tracks {number}")
        self.user_id = user_id
        self.number = number
        self.existing_id = existing_id


class Repo:
    def __init__(self, db: Database, clock: Clock = system_clock) -> None:
        self.db = db
        self._clock = clock

    def _now(self, now: int | None) -> int:
        return self._clock() if now is None else now


def dump_json(payload: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(payload or {}), ensure_ascii=False, separators=(",", ":"))


async def executemany(db: Database, statement: Statement) -> int:
    # Atomic on its own: its own transaction, or a savepoint in the caller's.
    return (await db.executemany_batch([statement]))[0]
