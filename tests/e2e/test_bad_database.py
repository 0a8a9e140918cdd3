"""`parcel-scout run` on a database file it cannot use (issue 14): one clear line naming the file
and the cause, exit code 2, the file untouched; a damaged page is caught at start."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.baddb import (
    damaged_page,
    digest,
    garbage,
    good_database,
    newer_schema,
    text_file,
    truncated,
)
from tests.support.process import TOKEN, bot_env, run_once


async def _run(db: Path) -> tuple[int, str]:
    env = bot_env(
        BOT_TOKEN=TOKEN, TELEGRAM_API_URL="http://127.0.0.1:9/bot", PARCEL_SCOUT_DB=str(db)
    )
    return await run_once(env)


CASES: dict[str, tuple[Callable[[Path], None], str]] = {
    "garbage": (garbage, "not a SQLite database"),
    "text file": (text_file, "not a SQLite database"),
    "truncated": (truncated, "damaged"),
    "damaged page": (damaged_page, "damaged"),
    "newer schema": (newer_schema, "schema 99 is newer"),
}


async def test_unusable_database_files_get_one_line_and_exit_2(tmp_path: Path) -> None:
    paths: dict[str, Path] = {}
    for name, (spoil, _cause) in CASES.items():
        path = tmp_path / name.replace(" ", "_") / "bot.db"
        path.parent.mkdir()
        if spoil not in (garbage, text_file):
            await good_database(path)
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

    before = {name: digest(path) for name, path in paths.items()}
    results = await asyncio.gather(*(_run(path) for path in paths.values()))
    for (name, path), (code, err) in zip(paths.items(), results, strict=True):
        lines = [line for line in err.splitlines() if line.strip()]
        assert code == 2, (name, err[-2000:])
        assert "Traceback" not in err, (name, err[-2000:])
        assert len(lines) == 1, (name, lines)
        assert lines[0].startswith("parcel-scout: database error: "), (name, lines)
        assert str(path) in lines[0] and expected[name] in lines[0], (name, lines)
        assert digest(path) == before[name], f"{name}: the file was changed"


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
    await good_database(path, users=3)
    folder.chmod(0o555)
    try:
        code, err = await _run(path)
    finally:
        folder.chmod(0o755)
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and str(path) in lines[0], err[-2000:]
