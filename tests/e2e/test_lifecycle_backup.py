"""`parcel-scout backup <path>` while the bot's database is being written: a consistent copy."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from pathlib import Path

from storage import Storage

ROOT = Path(__file__).resolve().parents[2]


async def test_backup_while_writing(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    storage = await Storage.open(db)
    await storage.users.upsert_seen(1, 1, "en")
    stop, enough = asyncio.Event(), asyncio.Event()
    written = 0

    async def writer() -> None:
        nonlocal written
        while not stop.is_set():
            async with storage.db.transaction():
                parcel = await storage.parcels.add(1, f"LP{written:014d}")
                await storage.outbox.enqueue(1, "event", {"n": written}, parcel_id=parcel.id)
            written += 1
            if written >= 50:
                enough.set()
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    try:
        await asyncio.wait_for(enough.wait(), 30)
        copy = tmp_path / "copy.db"
        env = dict(os.environ, PARCEL_SCOUT_DB=str(db), PYTHONPATH=str(ROOT))
        env.pop("BOT_TOKEN", None)
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "backup",
            str(copy),
            cwd=tmp_path,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, output.decode()
        assert written > 50  # the writer kept going during the backup
    finally:
        stop.set()
        await task
        await storage.close()

    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        parcels = conn.execute("SELECT count(*) FROM parcels").fetchone()[0]
        outbox = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    # Every transaction is in the copy whole or not at all.
    assert parcels == outbox >= 50
