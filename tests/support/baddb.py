"""Database files the bot cannot use, for the start-up tests (tests/e2e/test_bad_database.py and
the reliability suite): a good file to spoil, ways to spoil it, and the file's digest."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from pathlib import Path

from storage import Storage

__all__ = [
    "PAGE",
    "damaged_page",
    "digest",
    "garbage",
    "good_database",
    "newer_schema",
    "text_file",
    "truncated",
]

PAGE = 4096


async def good_database(path: Path, users: int = 400) -> None:
    storage = await Storage.open(path)
    try:
        for uid in range(1, users + 1):
            await storage.users.upsert_seen(uid, uid, "en")
            await storage.parcels.add(uid, f"LP{uid:014d}", nickname="x" * 200)
    finally:
        await storage.close()
    with sqlite3.connect(path) as conn:  # one file, no -wal beside it
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def garbage(path: Path, rng: random.Random | None = None) -> None:
    path.write_bytes(os.urandom(8 * PAGE))


def text_file(path: Path, rng: random.Random | None = None) -> None:
    path.write_text("these are not the parcels you are looking for\n" * 100)


def truncated(path: Path, rng: random.Random | None = None) -> None:
    data = path.read_bytes()
    keep = len(data) // 3 + 1000 if rng is None else rng.randint(PAGE + 1, len(data) - PAGE)
    path.write_bytes(data[:keep])


def damaged_page(path: Path, rng: random.Random | None = None) -> None:
    """One page in the middle (or, with `rng`, any page but the header) overwritten."""
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    assert pages > 8
    page = pages // 2 if rng is None else rng.randrange(2, pages)
    data[page * PAGE : (page + 1) * PAGE] = os.urandom(PAGE)
    path.write_bytes(bytes(data))


def newer_schema(path: Path, rng: random.Random | None = None) -> None:
    version = 99 if rng is None else rng.randint(7, 10_000)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
