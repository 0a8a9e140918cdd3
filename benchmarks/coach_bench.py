"""How long one coach pass takes over N active parcels (it runs on every watch tick).

Prints the figures; no assertions. Run: PYTHONPATH=. .venv/bin/python benchmarks/coach_bench.py
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.watch import coach
from storage import Storage, ts

USERS = 200
PER_USER = 10


async def main() -> None:
    clock = ManualClock(datetime(2026, 11, 1, 12, tzinfo=UTC))
    with tempfile.TemporaryDirectory() as tmp:
        storage = await Storage.open(Path(tmp) / "bench.sqlite", clock=lambda: ts(clock.now()))
        try:
            for u in range(USERS):
                uid = 10_000 + u
                await storage.users.upsert_seen(uid, uid, "en")
                for i in range(PER_USER):
                    p = await storage.parcels.add(uid, f"RB{u:04d}{i:05d}CN")
                    shipped = clock.now().date() - timedelta(days=(u + i) % 60)
                    await storage.parcels.update_facts(uid, p.id, shipped_on=shipped)
                    await storage.parcels.update_tracking(
                        p.id, status="not_found", last_checked_at=ts(clock.now())
                    )
            for label in ("first pass (queues new steps)", "second pass (nothing new)"):
                start = time.perf_counter()
                queued = await coach.coach_pass(storage, ts(clock.now()))
                took = time.perf_counter() - start
                n = USERS * PER_USER
                print(f"{label}: {n} parcels, {queued} queued, {took:.2f} s "
                      f"({1000 * took / n:.2f} ms per parcel)")  # fmt: skip
        finally:
            await storage.close()


if __name__ == "__main__":
    asyncio.run(main())
