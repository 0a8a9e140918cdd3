"""`parcel-scout run` on a database file it cannot use (issue 14): one clear line naming the file
and the cause, exit code 2, the file untouched; a damaged page is caught at start."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sqlite3
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from storage import Storage
from tests.support.app import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7081726354:AAFq3kVYx9T2mZ0pLrQ8sWbN4cHdJ6eGiUo"
PAGE = 4096


async def _good_database(path: Path, users: int = 400) -> None:
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


async def _run(db: Path) -> tuple[int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "TRACK17_"))}
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL="http://127.0.0.1:9/bot",
        PARCEL_SCOUT_DB=str(db),
        HTTP_PORT=str(free_port()),
        PYTHONPATH=str(ROOT),
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(60):
        _out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, err.decode()


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(8 * PAGE))


def _text_file(path: Path) -> None:
    path.write_text("these are not the parcels you are looking for\n" * 100)


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3 + 1000])


def _damaged_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    pages = len(data) // PAGE
    assert pages > 8
    middle = (pages // 2) * PAGE
    data[middle : middle + PAGE] = os.urandom(PAGE)
    path.write_bytes(bytes(data))


def _newer_schema(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "garbage": (_garbage, "not a SQLite database"),
    "text file": (_text_file, "not a SQLite database"),
    "truncated": (_truncated, "damaged"),
    "damaged page": (_damaged_page, "damaged"),
    "newer schema": (_newer_schema, "schema 99 is newer"),
}


async def test_unusable_database_files_get_one_line_and_exit_2(tmp_path: Path) -> None:
    paths: dict[str, Path] = {}
    for name, (spoil, _cause) in CASES.items():
        path = tmp_path / name.replace(" ", "_") / "bot.db"
        path.parent.mkdir()
        if spoil not in (_garbage, _text_file):
            await _good_database(path)
        spoil(path)
        paths[name] = path
    directory = tmp_path / "is_a_dir" / "bot.db"
    directory.mkdir(parents=True)
    paths["a directory"] = directory
    parent_file = tmp_path / "parent_is_a_file"
    parent_file.write_text("x")
    paths["parent is a file"] = parent_file / "bot.db"
    expected = {
        **{name: cause for name, (_spoil, cause) in CASES.items()},
        "a directory": "is a directory",
        "parent is a file": "is a file, not a folder",
    }

    before = {name: _digest(path) for name, path in paths.items()}
    results = await asyncio.gather(*(_run(path) for path in paths.values()))
    for (name, path), (code, err) in zip(paths.items(), results, strict=True):
        lines = [line for line in err.splitlines() if line.strip()]
        assert code == 2, (name, err[-2000:])
        assert "Traceback" not in err, (name, err[-2000:])
        assert len(lines) == 1, (name, lines)
        assert lines[0].startswith("parcel-scout: database error: "), (name, lines)
        assert str(path) in lines[0] and expected[name] in lines[0], (name, lines)
        assert _digest(path) == before[name], f"{name}: the file was changed"


async def test_locked_database_is_one_line_too(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("CREATE TABLE t (x)")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("INSERT INTO t VALUES (1)")
        code, err = await _run(path)
    finally:
        holder.close()
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1, err[-2000:]
    assert "locked" in lines[0] and str(path) in lines[0]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders anyway")
async def test_read_only_folder_is_one_line_too(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "bot.db"
    await _good_database(path, users=3)
    folder.chmod(0o555)
    try:
        code, err = await _run(path)
    finally:
        folder.chmod(0o755)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and str(path) in lines[0], err[-2000:]
