"""The one owner of the SQLite connection.

aiosqlite runs every statement of a connection on one worker thread, in order. That does not make
transactions safe: two coroutines could each issue ``BEGIN``/``INSERT``/``COMMIT`` and the
statements would interleave on the same connection. So every use of the connection goes through one
``asyncio.Lock``: a multi-statement write is ``async with db.transaction() as tx:`` (``BEGIN
IMMEDIATE`` … ``COMMIT``/``ROLLBACK``) and the single-statement helpers ``db.execute/fetchone/
fetchall`` take the lock for one statement each.

The transaction that the current task holds is kept in a context variable. Inside it, the helpers
of ``db`` (and therefore every repository method) run on that transaction instead of waiting for the
lock they could never get; a nested ``db.transaction()`` becomes a SAVEPOINT. Only the task that
opened the transaction joins it: a task spawned from inside it waits for the lock like anyone else.

Every ``await`` on aiosqlite is a round trip through the worker thread and back through the event
loop; when the loop is busy (the watcher parsing answers) each trip waits, and with the lock held
everyone waits. Hot bulk writes therefore use ``db.executemany_batch``: several statements, one
transaction (or savepoint), one trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from storage import migrations

Params = Sequence[Any] | Mapping[str, Any]
Row = sqlite3.Row
# One statement run once per row: (sql, rows). See ``Database.executemany_batch``.
Statement = tuple[str, Sequence[Params]]
_T = TypeVar("_T")

BUSY_TIMEOUT_MS = 5000
# Page cache per connection (KiB when negative): the default 2 MB keeps re-reading the index pages
# of tracking_events once it holds a few hundred thousand rows.
CACHE_SIZE_KIB = 32 * 1024


def _run_statements(conn: sqlite3.Connection, statements: Sequence[Statement]) -> list[int]:
    counts: list[int] = []
    for sql, rows in statements:
        counts.append(conn.executemany(sql, rows).rowcount if rows else 0)
    return counts


def _in_savepoint(
    conn: sqlite3.Connection, name: str, statements: Sequence[Statement]
) -> list[int]:
    conn.execute(f"SAVEPOINT {name}")
    try:
        counts = _run_statements(conn, statements)
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")
    return counts


def _in_transaction(conn: sqlite3.Connection, statements: Sequence[Statement]) -> list[int]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        counts = _run_statements(conn, statements)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return counts


async def _on_worker(conn: aiosqlite.Connection, fn: Callable[..., _T], *args: Any) -> _T:
    """Run ``fn(sqlite3_connection, *args)`` on the connection's own thread: one hop for many
    statements (each ``await`` on aiosqlite is a round trip through the event loop, and a busy
    loop makes every round trip slow while our lock is held)."""
    raw = conn._conn  # the sqlite3.Connection owned by aiosqlite's worker thread
    result: _T = await conn._execute(fn, raw, *args)  # type: ignore[no-untyped-call]
    return result


@dataclass(frozen=True, slots=True)
class ExecResult:
    rowcount: int
    lastrowid: int | None


class Transaction:
    """An open ``BEGIN IMMEDIATE`` transaction; only valid inside its ``async with`` block."""

    __slots__ = ("_conn", "_depth", "closed", "db", "owner")

    def __init__(self, db: Database, conn: aiosqlite.Connection, owner: asyncio.Task[Any]) -> None:
        self.db = db
        self._conn = conn
        self.owner = owner
        self._depth = 0
        self.closed = False

    def _check(self) -> aiosqlite.Connection:
        if self.closed:
            raise RuntimeError("transaction already finished")
        return self._conn

    async def execute(self, sql: str, params: Params = ()) -> ExecResult:
        async with self._check().execute(sql, params) as cursor:
            return ExecResult(cursor.rowcount, cursor.lastrowid)

    async def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        async with self._check().executemany(sql, rows) as cursor:
            return cursor.rowcount

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        async with self._check().execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        # One trip to the worker thread (execute + fetch + close there), not three.
        return list(await self._check().execute_fetchall(sql, params))

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def executemany_batch(self, statements: Sequence[Statement]) -> list[int]:
        """Run the statements in order in one trip to the worker thread, atomically (a
        SAVEPOINT inside this transaction); returns each statement's rowcount."""
        conn = self._check()
        self._depth += 1
        try:
            return await _on_worker(conn, _in_savepoint, f"sp{self._depth}", statements)
        finally:
            self._depth -= 1


_current: ContextVar[Transaction | None] = ContextVar("storage_transaction", default=None)


class DatabaseUnusable(Exception):
    """The database file cannot be used; ``str()`` is one line naming the file and the cause."""

    def __init__(self, path: str, cause: str) -> None:
        # SQLite's reports span lines ("*** in database main ***\nPage 68: ..."): one line.
        cause = " ".join(cause.split())
        super().__init__(f"{path}: {cause}")
        self.path = path
        self.cause = cause


def _prepare_folder(path: str) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if Path(path).is_dir():
        raise DatabaseUnusable(path, "it is a directory, not a database file")


async def _check(path: str, conn: aiosqlite.Connection) -> None:
    """Refuse a file from a newer schema or with a damaged page, before anything writes to it."""
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    version = int(row[0]) if row else 0
    if version > migrations.LATEST_VERSION:
        raise DatabaseUnusable(
            path,
            f"its schema {version} is newer than this version of the bot knows "
            f"({migrations.LATEST_VERSION}); upgrade the bot",
        )
    # quick_check reads every page (not the index contents): a second or two on a big file.
    rows = await conn.execute_fetchall("PRAGMA quick_check")
    problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
    if problems:
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise DatabaseUnusable(path, f"it is damaged: {problems[0]}{more}")


def _cause(path: str, exc: BaseException) -> str:
    """What went wrong, in words an operator can act on."""
    text = str(exc).strip() or exc.__class__.__name__
    lowered = text.lower()
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return f"a part of its folder path is a file, not a folder ({text})"
    if isinstance(exc, PermissionError):
        return f"no permission ({text})"
    if "not a database" in lowered:
        return "it is not a SQLite database (or it is encrypted or damaged)"
    if "malformed" in lowered:
        return f"it is damaged ({text})"
    if "locked" in lowered or "busy" in lowered:
        return "it is locked by another process (is another copy of the bot running?)"
    if "readonly" in lowered or "read-only" in lowered:
        return f"it or its folder is read-only ({text})"
    if "unable to open" in lowered:
        folder = Path(path).parent
        return f"cannot open it ({text}; does {folder} exist and is it writable?)"
    return text


class Database:
    """Owns one aiosqlite connection; see the module docstring for the locking rules."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self._open_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: str | Path) -> Database:
        db = cls(path)
        await db.connect()
        return db

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    async def connect(self) -> None:
        """Open the connection, check it and migrate; a no-op when already open.

        Raises :class:`DatabaseUnusable` (one line: the file and the cause) when the file cannot
        be used: not a database, corrupted (``PRAGMA quick_check``), from a newer schema, locked,
        read-only, a directory. Those checks only read, so a refused file is left as it was.
        """
        async with self._open_lock:
            if self._conn is not None:
                return
            try:
                await self._connect()
            except DatabaseUnusable:
                raise
            except (sqlite3.Error, OSError, migrations.MigrationError) as exc:
                raise DatabaseUnusable(self.path, _cause(self.path, exc)) from exc

    async def _connect(self) -> None:
        if self.path != ":memory:" and not self.path.startswith("file:"):
            _prepare_folder(self.path)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, sqlite3 must not.
        conn = await aiosqlite.connect(self.path, isolation_level=None, uri=True)
        try:
            conn.row_factory = sqlite3.Row
            await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS:d}")
            # Read-only checks first: switching to WAL writes the header of the file.
            await _check(self.path, conn)
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute(f"PRAGMA cache_size = -{CACHE_SIZE_KIB:d}")
            await conn.execute("PRAGMA temp_store = MEMORY")
            await migrations.apply(conn)
        except BaseException:
            await conn.close()
            raise
        self._conn = conn

    async def close(self) -> None:
        async with self._open_lock, self._lock:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                with contextlib.suppress(sqlite3.Error):
                    await conn.execute("PRAGMA optimize")
                await conn.close()

    async def _connection(self) -> aiosqlite.Connection:
        if self._conn is None:
            await self.connect()
        assert self._conn is not None
        return self._conn

    def _joined(self) -> Transaction | None:
        tx = _current.get()
        if (
            tx is not None
            and tx.db is self
            and not tx.closed
            and tx.owner is asyncio.current_task()
        ):
            return tx
        return None

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; any exception (or cancellation) rolls back."""
        outer = self._joined()
        if outer is not None:
            async with self._savepoint(outer):
                yield outer
            return
        conn = await self._connection()
        task = asyncio.current_task()
        assert task is not None, "db.transaction() needs a running task"
        async with self._lock:
            await conn.execute("BEGIN IMMEDIATE")
            tx = Transaction(self, conn, task)
            token = _current.set(tx)
            try:
                yield tx
            except BaseException:
                tx.closed = True
                await conn.execute("ROLLBACK")
                raise
            else:
                tx.closed = True
                try:
                    await conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        await conn.execute("ROLLBACK")
                    raise
            finally:
                tx.closed = True
                _current.reset(token)

    @contextlib.asynccontextmanager
    async def _savepoint(self, tx: Transaction) -> AsyncIterator[None]:
        tx._depth += 1
        name = f"sp{tx._depth}"
        await tx.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            await tx.execute(f"ROLLBACK TO {name}")
            await tx.execute(f"RELEASE {name}")
            raise
        else:
            await tx.execute(f"RELEASE {name}")
        finally:
            tx._depth -= 1

    # Single statements: join the caller's transaction, else take the lock for one statement.

    async def execute(self, sql: str, params: Params = ()) -> ExecResult:
        tx = self._joined()
        if tx is not None:
            return await tx.execute(sql, params)
        conn = await self._connection()
        async with self._lock, conn.execute(sql, params) as cursor:
            return ExecResult(cursor.rowcount, cursor.lastrowid)

    async def fetchone(self, sql: str, params: Params = ()) -> Row | None:
        tx = self._joined()
        if tx is not None:
            return await tx.fetchone(sql, params)
        conn = await self._connection()
        async with self._lock, conn.execute(sql, params) as cursor:
            row = await cursor.fetchone()
        return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[Row]:
        tx = self._joined()
        if tx is not None:
            return await tx.fetchall(sql, params)
        conn = await self._connection()
        async with self._lock:
            return list(await conn.execute_fetchall(sql, params))

    async def executemany_batch(self, statements: Sequence[Statement]) -> list[int]:
        """Run several ``executemany`` statements as one atomic unit in one trip to the worker
        thread: ``BEGIN IMMEDIATE`` … ``COMMIT`` of its own, or a SAVEPOINT inside the caller's
        transaction. Returns the rowcount of each statement (0 for one without rows)."""
        tx = self._joined()
        if tx is not None:
            return await tx.executemany_batch(statements)
        conn = await self._connection()
        async with self._lock:
            return await _on_worker(conn, _in_transaction, statements)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    async def backup_to(self, path: str | Path) -> Path:
        """Write a consistent copy of the database to ``path`` with SQLite's online backup API.

        The copy is written next to ``path`` and renamed into place, so a crash never leaves a
        half-written file under the final name.
        """
        dest = Path(path)
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")
        partial.unlink(missing_ok=True)
        conn = await self._connection()
        target = sqlite3.connect(partial, check_same_thread=False)
        try:
            # Under the lock no transaction of ours is half done; other processes are handled by
            # the backup API itself (it restarts when they write).
            async with self._lock:
                await conn.backup(target)
        finally:
            target.close()
        partial.replace(dest)
        return dest
