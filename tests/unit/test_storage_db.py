"""Database: pragmas, transaction isolation between coroutines, savepoints, backup."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Database, Storage


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "sub" / "dir" / "bot.sqlite")
    await database.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
    yield database
    await database.close()


async def test_open_creates_parent_dirs_and_sets_pragmas(db: Database, tmp_path: Path) -> None:
    assert (tmp_path / "sub" / "dir" / "bot.sqlite").exists()
    assert await db.fetchval("PRAGMA journal_mode") == "wal"
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    assert await db.fetchval("PRAGMA busy_timeout") >= 1000
    assert await db.fetchval("PRAGMA synchronous") == 1  # NORMAL
    assert await db.fetchval("PRAGMA cache_size") <= -8192  # a cache in KiB, bigger than 2 MB
    assert await db.fetchval("PRAGMA temp_store") == 2  # MEMORY


async def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "x.sqlite")
    try:
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
            await storage.parcels.add(424242, "RB123456789CN")
    finally:
        await storage.close()


async def test_memory_database_works() -> None:
    db = await Database.open(":memory:")
    try:
        assert await db.fetchval("SELECT count(*) FROM users") == 0
        row = await db.fetchone("SELECT 1 AS one")
        assert row is not None and row["one"] == 1
    finally:
        await db.close()


async def test_executemany_batch_is_one_atomic_unit(db: Database) -> None:
    counts = await db.executemany_batch(
        [
            ("INSERT INTO t VALUES (?, ?)", [(1, "a"), (2, "b")]),
            ("UPDATE t SET v = :v WHERE k = :k", [{"k": 2, "v": "B"}, {"k": 9, "v": "-"}]),
            ("DELETE FROM t WHERE k = ?", []),
        ]
    )
    assert counts == [2, 1, 0]
    # A failing statement undoes the statements before it, on its own ...
    with pytest.raises(sqlite3.IntegrityError):
        await db.executemany_batch(
            [("INSERT INTO t VALUES (?, ?)", [(3, "c")]), ("INSERT INTO t VALUES (1, 'x')", [()])]
        )
    assert await db.fetchval("SELECT count(*) FROM t WHERE k = 3") == 0
    async with db.transaction():  # BEGIN would fail if the batch had left its transaction open
        pass
    # ... and inside a transaction, which keeps its own earlier writes and can go on.
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO t VALUES (4, 'd')")
        with pytest.raises(sqlite3.IntegrityError):
            await db.executemany_batch(
                [
                    ("INSERT INTO t VALUES (?, ?)", [(5, "e")]),
                    ("INSERT INTO t VALUES (4, 'x')", [()]),
                ]
            )
        assert await db.executemany_batch([("INSERT INTO t VALUES (?, ?)", [(6, "f")])]) == [1]
    rows = {r[0]: r[1] for r in await db.fetchall("SELECT k, v FROM t")}
    assert rows == {1: "a", 2: "B", 4: "d", 6: "f"}
    # A transaction that fails after the batch rolls the batch back too.
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.executemany_batch([("INSERT INTO t VALUES (?, ?)", [(7, "g")])])
            raise RuntimeError("boom")
    assert await db.fetchval("SELECT count(*) FROM t WHERE k = 7") == 0


async def test_transaction_commits_and_rolls_back(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO t VALUES (1, 'a')")
    with pytest.raises(RuntimeError):
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t VALUES (2, 'b')")
            raise RuntimeError("boom")
    assert [tuple(r) for r in await db.fetchall("SELECT * FROM t")] == [(1, "a")]
    with pytest.raises(RuntimeError, match="finished"):
        await tx.execute("SELECT 1")


async def test_other_coroutines_wait_for_an_open_transaction(db: Database) -> None:
    entered = asyncio.Event()
    release = asyncio.Event()
    seen: list[int] = []

    async def writer() -> None:
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO t VALUES (1, 'uncommitted')")
                entered.set()
                await release.wait()
                raise RuntimeError("roll back")

    async def reader() -> None:
        await entered.wait()
        # Must not run inside the writer's transaction, nor see its row.
        seen.append(await db.fetchval("SELECT count(*) FROM t"))
        await db.execute("INSERT INTO t VALUES (2, 'mine')")

    async def releaser() -> None:
        await entered.wait()
        await asyncio.sleep(0.05)
        release.set()

    await asyncio.gather(writer(), reader(), releaser())
    assert seen == [0]
    assert [tuple(r) for r in await db.fetchall("SELECT * FROM t")] == [(2, "mine")]


async def test_interleaved_transactions_stay_atomic(db: Database) -> None:
    async def move(i: int) -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t VALUES (?, 'x')", (i,))
            await asyncio.sleep(0)
            await tx.execute("UPDATE t SET v = ? WHERE k = ?", (f"done{i}", i))
            if i % 3 == 0:
                raise ValueError(i)

    results = await asyncio.gather(*(move(i) for i in range(1, 31)), return_exceptions=True)
    failed = {r.args[0] for r in results if isinstance(r, ValueError)}
    assert failed == {i for i in range(1, 31) if i % 3 == 0}
    rows = {r[0]: r[1] for r in await db.fetchall("SELECT k, v FROM t")}
    assert rows == {i: f"done{i}" for i in range(1, 31) if i % 3}


async def test_helpers_join_the_current_transaction_and_nest_as_savepoints(db: Database) -> None:
    async with db.transaction():
        await db.execute("INSERT INTO t VALUES (1, 'outer')")  # would deadlock without joining
        with pytest.raises(KeyError):
            async with db.transaction() as inner:
                await inner.execute("INSERT INTO t VALUES (2, 'inner')")
                raise KeyError
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES (3, 'kept')")
    assert [r[0] for r in await db.fetchall("SELECT k FROM t ORDER BY k")] == [1, 3]


async def test_spawned_task_does_not_join_the_parents_transaction(db: Database) -> None:
    async with db.transaction() as tx:
        await tx.execute("INSERT INTO t VALUES (1, 'pending')")
        child = asyncio.create_task(db.fetchval("SELECT count(*) FROM t"))
        await asyncio.sleep(0.02)
        assert not child.done()  # waits for the lock instead of sneaking into our transaction
    assert await child == 1


async def test_cancelled_transaction_rolls_back(db: Database) -> None:
    started = asyncio.Event()

    async def slow() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO t VALUES (1, 'x')")
            started.set()
            await asyncio.sleep(10)

    task = asyncio.create_task(slow())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await db.fetchval("SELECT count(*) FROM t") == 0
    await db.execute("INSERT INTO t VALUES (2, 'after')")  # lock was released


async def test_two_connections_on_one_file_serialise_writes(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    a, b = await Database.open(path), await Database.open(path)
    try:
        await a.execute("CREATE TABLE c (n INTEGER NOT NULL)")
        await a.execute("INSERT INTO c VALUES (0)")

        async def bump(db: Database) -> None:
            for _ in range(20):
                async with db.transaction() as tx:
                    n = await tx.fetchval("SELECT n FROM c")
                    await asyncio.sleep(0)
                    await tx.execute("UPDATE c SET n = ?", (n + 1,))

        await asyncio.gather(bump(a), bump(b))
        assert await a.fetchval("SELECT n FROM c") == 40
    finally:
        await a.close()
        await b.close()


async def test_backup_is_a_complete_consistent_copy(db: Database, tmp_path: Path) -> None:
    for i in range(100):
        await db.execute("INSERT INTO t VALUES (?, ?)", (i, "v" * 100))
    target = await db.backup_to(tmp_path / "backups" / "copy.sqlite")
    assert not target.with_name(target.name + ".partial").exists()
    copy = await Database.open(target)
    try:
        assert await copy.fetchval("SELECT count(*) FROM t") == 100
        assert await copy.fetchval("PRAGMA integrity_check") == "ok"
        assert await copy.fetchval("PRAGMA user_version") == await db.fetchval(
            "PRAGMA user_version"
        )
    finally:
        await copy.close()


async def test_close_is_idempotent_and_reopens_lazily(tmp_path: Path) -> None:
    db = Database(tmp_path / "lazy.sqlite")
    assert not db.is_open
    assert await db.fetchval("SELECT count(*) FROM parcels") == 0  # opens on first use
    await db.close()
    await db.close()
