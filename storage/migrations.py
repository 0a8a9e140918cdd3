"""Versioned, forward-only schema migrations tracked by ``PRAGMA user_version``.

A migration is ``storage/migrations/NNNN_<what>.sql``; NNNN is the schema version it produces and
the numbers have no gaps. Each one runs in its own ``BEGIN IMMEDIATE`` transaction together with
the ``user_version`` bump, so a failure leaves the database at the previous version. Foreign keys
are switched off while migrating (SQLite ignores that pragma inside a transaction, and table
rebuilds need it off) and ``PRAGMA foreign_key_check`` must come back empty before each commit.

Adding a migration: drop in ``0002_<what>.sql`` and a fixture ``tests/data/migrations/0002.sql``
holding rows valid for schema 2; ``tests/unit/test_migrations.py`` picks both up by itself.
Never edit a migration that has shipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import aiosqlite

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """The database cannot be brought to the wanted schema version."""


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


@cache
def migrations() -> tuple[Migration, ...]:
    found: list[Migration] = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"badly named migration file: {path.name}")
        found.append(Migration(int(match.group(1)), path))
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(f"migration {expected:04d} missing (found {migration.path.name})")
    return tuple(found)


LATEST_VERSION: int = len(migrations())


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def apply(conn: aiosqlite.Connection, target: int | None = None) -> int:
    """Bring the database on ``conn`` up to ``target`` (default: latest); return the version.

    ``conn`` must be in autocommit mode (``isolation_level=None``) and outside a transaction.
    Re-running at the target version does nothing.
    """
    target = LATEST_VERSION if target is None else target
    if not 0 <= target <= LATEST_VERSION:
        raise MigrationError(f"unknown schema version {target} (latest is {LATEST_VERSION})")
    version = await current_version(conn)
    if version > LATEST_VERSION:
        raise MigrationError(
            f"database schema {version} is newer than this code ({LATEST_VERSION}); upgrade the bot"
        )
    if version > target:
        raise MigrationError(f"migrations are forward-only: database at {version}, asked {target}")
    if version == target:
        return version

    async with conn.execute("PRAGMA foreign_keys") as cursor:
        row = await cursor.fetchone()
    foreign_keys_were_on = bool(row and row[0])
    await conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for migration in migrations()[version:target]:
            await _apply_one(conn, migration)
    finally:
        if foreign_keys_were_on:
            await conn.execute("PRAGMA foreign_keys = ON")
    return await current_version(conn)


async def _apply_one(conn: aiosqlite.Connection, migration: Migration) -> None:
    # executescript() commits any open transaction before it runs, so BEGIN goes into the script.
    try:
        await conn.executescript("BEGIN IMMEDIATE;\n" + migration.sql)
        async with conn.execute("PRAGMA foreign_key_check") as cursor:
            broken = await cursor.fetchall()
        if broken:
            raise MigrationError(
                f"migration {migration.path.name} breaks foreign keys: {list(map(tuple, broken))}"
            )
        await conn.execute(f"PRAGMA user_version = {migration.version:d}")
        await conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            await conn.execute("ROLLBACK")
        raise
