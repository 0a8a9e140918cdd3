"""Every schema version upgrades to the latest without losing or changing a row.

Generic on purpose: a new migration ``NNNN_*.sql`` only needs its fixture
``tests/data/migrations/NNNN.sql`` (rows valid for schema NNNN). For each version k the test
builds a database at k, loads fixture k (version 0 has no tables, so no fixture), upgrades to the
latest and compares every surviving column of every table. A migration that changes data on
purpose must list the change in ``INTENDED_CHANGES``.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from storage import Database, migrations
from storage.db import DatabaseUnusable
from storage.migrations import LATEST_VERSION, MigrationError

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "migrations"

# (version the data was written at, table) -> columns a later migration rewrites on purpose.
INTENDED_CHANGES: dict[tuple[int, str], set[str]] = {
    # 0003: a user's chat is their private chat (a group id there leaked their pushes).
    (1, "users"): {"chat_id"},
    (2, "users"): {"chat_id"},
}

Snapshot = dict[str, tuple[list[str], list[tuple[Any, ...]]]]


def fixture_for(version: int) -> Path:
    return FIXTURES / f"{version:04d}.sql"


async def connect(path: Path) -> aiosqlite.Connection:
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute("PRAGMA foreign_keys = ON")
    return conn


async def tables(conn: aiosqlite.Connection) -> list[str]:
    rows = await conn.execute_fetchall(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in rows]


async def snapshot(conn: aiosqlite.Connection) -> Snapshot:
    result: Snapshot = {}
    for table in await tables(conn):
        columns = [row[1] for row in await conn.execute_fetchall(f"PRAGMA table_info({table})")]
        rows = await conn.execute_fetchall(f"SELECT * FROM {table}")
        result[table] = (columns, [tuple(row) for row in rows])
    return result


async def build(path: Path, version: int) -> Snapshot:
    conn = await connect(path)
    try:
        assert await migrations.apply(conn, target=version) == version
        if version > 0:
            await conn.executescript(fixture_for(version).read_text(encoding="utf-8"))
            check = await conn.execute_fetchall("PRAGMA foreign_key_check")
            assert not list(check), f"fixture {version:04d} breaks foreign keys"
        return await snapshot(conn)
    finally:
        await conn.close()


def test_migrations_are_numbered_without_gaps() -> None:
    versions = [m.version for m in migrations.migrations()]
    assert versions == list(range(1, LATEST_VERSION + 1))
    assert LATEST_VERSION >= 1


@pytest.mark.parametrize("version", range(1, LATEST_VERSION + 1))
async def test_every_version_has_a_fixture_filling_every_table(
    tmp_path: Path, version: int
) -> None:
    assert fixture_for(version).exists(), f"add {fixture_for(version)} for migration {version:04d}"
    before = await build(tmp_path / "db.sqlite", version)
    empty = [table for table, (_, rows) in before.items() if not rows]
    assert not empty, f"fixture {version:04d} leaves tables empty: {empty}"


@pytest.mark.parametrize("version", range(LATEST_VERSION + 1))
async def test_upgrade_from_version_keeps_every_row(tmp_path: Path, version: int) -> None:
    path = tmp_path / "db.sqlite"
    before = await build(path, version)

    db = await Database.open(path)  # the real open path: pragmas + migrate to latest
    try:
        assert await db.fetchval("PRAGMA user_version") == LATEST_VERSION
        assert not await db.fetchall("PRAGMA foreign_key_check")
        assert await db.fetchval("PRAGMA integrity_check") == "ok"
    finally:
        await db.close()

    conn = await connect(path)
    try:
        after = await snapshot(conn)
    finally:
        await conn.close()

    for table, (old_columns, old_rows) in before.items():
        assert table in after, f"table {table} (schema {version}) disappeared"
        new_columns, new_rows = after[table]
        assert len(new_rows) == len(old_rows), f"{table}: row count changed"
        changed = INTENDED_CHANGES.get((version, table), set())
        kept = [c for c in old_columns if c in new_columns and c not in changed]
        dropped = set(old_columns) - set(new_columns) - changed
        assert not dropped, f"{table}: columns {dropped} lost"

        def project(
            columns: list[str], rows: list[tuple[Any, ...]], kept: list[str] = kept
        ) -> Counter[tuple[Any, ...]]:
            index = [columns.index(c) for c in kept]
            return Counter(tuple(row[i] for i in index) for row in rows)

        assert project(new_columns, new_rows) == project(old_columns, old_rows), table


async def test_reopen_is_a_no_op(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    before = await build(path, LATEST_VERSION)
    for _ in range(2):
        db = await Database.open(path)
        await db.close()
    conn = await connect(path)
    try:
        assert await migrations.current_version(conn) == LATEST_VERSION
        assert await migrations.apply(conn) == LATEST_VERSION
        assert await snapshot(conn) == before
    finally:
        await conn.close()


async def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    raw.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseUnusable, match="newer"):
        await Database.open(path)
    assert path.read_bytes() == before  # refused before anything wrote to it


async def test_downgrade_is_refused(tmp_path: Path) -> None:
    conn = await connect(tmp_path / "db.sqlite")
    try:
        await migrations.apply(conn)
        with pytest.raises(MigrationError, match="forward-only"):
            await migrations.apply(conn, target=LATEST_VERSION - 1)
    finally:
        await conn.close()


async def test_failed_migration_leaves_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / f"{LATEST_VERSION + 1:04d}_broken.sql"
    bad.write_text("CREATE TABLE half_done (x INTEGER);\nTHIS IS NOT SQL;\n")
    real = migrations.migrations()
    broken = (*real, migrations.Migration(LATEST_VERSION + 1, bad))
    monkeypatch.setattr(migrations, "migrations", lambda: broken)
    monkeypatch.setattr(migrations, "LATEST_VERSION", LATEST_VERSION + 1)

    conn = await connect(tmp_path / "db.sqlite")
    try:
        with pytest.raises(sqlite3.OperationalError):
            await migrations.apply(conn)
        assert await migrations.current_version(conn) == LATEST_VERSION
        assert "half_done" not in await tables(conn)
        assert not conn.in_transaction
    finally:
        await conn.close()
