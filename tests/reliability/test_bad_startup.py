"""Start-up on a database the bot cannot use (issue 14, item 5), as a counted loop with random
damage: a corrupted file (garbage, text, truncated anywhere, one random page overwritten), a
database from a newer schema (random version), a path that is a folder and, when the tests do
not run as root, a read-only data folder. Each start must end with one clear line naming the
file, exit code 2, and the file untouched. (The one-case tests: tests/e2e/test_bad_database.py.)
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support import soak
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

PREFIX = "parcel-scout: database error: "
ROOT_USER = os.geteuid() == 0  # root writes into read-only folders anyway

Spoil = Callable[[Path, random.Random], None]
CASES: dict[str, tuple[Spoil | None, bool]] = {  # name: (spoil, needs a good database first)
    "garbage": (garbage, False),
    "text file": (text_file, False),
    "truncated": (truncated, True),
    "damaged page": (damaged_page, True),
    "newer schema": (newer_schema, True),
    "a folder": (None, False),
}


async def _case(root: Path, name: str, rng: random.Random, template: Path) -> tuple[Path, str]:
    folder = root / name.replace(" ", "_")
    folder.mkdir()
    path = folder / "bot.db"
    spoil, needs_good = CASES.get(name, (None, True))
    if name == "a folder":
        path.mkdir()
    elif needs_good:
        shutil.copyfile(template, path)
    if spoil is not None:
        spoil(path, rng)
    if name == "read-only folder":
        folder.chmod(0o555)
    return path, name


@pytest.mark.parametrize("rounds", [soak.sized(1, 10)])
async def test_bad_database_at_start(tmp_path: Path, rounds: int) -> None:
    rng = soak.seeded("startup")
    tally = soak.Tally("bad_startup")
    template = tmp_path / "good.db"
    await good_database(template)
    names = [*CASES, *([] if ROOT_USER else ["read-only folder"])]
    for round_ in range(rounds):
        root = tmp_path / f"round{round_}"
        root.mkdir()
        cases = [await _case(root, name, rng, template) for name in names]
        before = {path: digest(path) for path, _name in cases}
        env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "http://127.0.0.1:9/bot"}
        try:
            results = await asyncio.gather(
                *(run_once(bot_env(**env, PARCEL_SCOUT_DB=str(path))) for path, _n in cases)
            )
        finally:
            for path, _name in cases:
                path.parent.chmod(0o755)
        for (path, name), (code, err) in zip(cases, results, strict=True):
            tally.inputs += 1
            lines = [line for line in err.splitlines() if line.strip()]
            if code != 2 or "Traceback" in err or len(lines) != 1:
                tally.fail(f"{name}: exit {code}, {len(lines)} lines: {err[-300:]!r}")
            elif not lines[0].startswith(PREFIX) or str(path) not in lines[0]:
                tally.fail(f"{name}: {lines[0]!r}")
            if digest(path) != before[path]:
                tally.lost += 1
                tally.notes.append(f"{name}: the file was changed")
    tally.report()
    assert tally.clean, (tally.line, tally.notes)
