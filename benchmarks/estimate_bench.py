"""The card's delivery estimate with 1,000,000 delivered parcels in the statistics.

Fills ``delivery_stats`` (and its per-day histogram, as the watcher does: same statements, one
transaction per chunk) with 1,000,000 anonymous deliveries over 60 routes x 8 services, then
times the card's read, ``Stats.route`` (one indexed query) plus ``bot.core.estimates.estimate``, for
random routes through the real repository (aiosqlite's thread hop included). Prints the median
and p99 in milliseconds; the last line is the summary.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.estimates import Delivery, estimate
from storage import Storage

ROWS = 1_000_000
CHUNK = 50_000
READS = 2_000
COUNTRIES = ["CN", "HK", "SG", "DE", "PL", "ES"]
DESTS = ["RU", "IL", "BY", "KZ", "UA", "US", "BR", "FR", "IT", "ES"]
SERVICES = ["cainiao", "china-post", "yanwen", "4px", "cdek", "russian-post", "sunyou", ""]


async def main() -> None:
    rng = random.Random(16)
    routes = [(o, d) for o in COUNTRIES for d in DESTS]
    with tempfile.TemporaryDirectory() as folder:
        store = await Storage.open(Path(folder) / "bench.sqlite")
        try:
            t0 = time.perf_counter()
            for _chunk in range(ROWS // CHUNK):
                rows = []
                for _ in range(CHUNK):
                    origin, dest = rng.choice(routes)
                    days = max(3, int(rng.gauss(24, 8)))
                    rows.append(
                        asdict(
                            Delivery(origin, dest, rng.choice(SERVICES), "2026-11", days, 2, None)
                        )
                    )
                await store.stats.record(rows, now=1_793_491_200)
            fill = time.perf_counter() - t0
            count = await store.stats.count()
            print(f"filled {count:,} deliveries in {fill:.1f} s")
            timings: list[float] = []
            for _ in range(READS):
                origin, dest = rng.choice(routes)
                service = rng.choice(SERVICES)
                t1 = time.perf_counter()
                guess = estimate(await store.stats.route(origin, dest, service), service)
                timings.append((time.perf_counter() - t1) * 1000)
                assert guess.basis == "pooled"
            timings.sort()
            median = statistics.median(timings)
            p99 = timings[int(len(timings) * 0.99) - 1]
            print(f"card estimate, {READS} random routes: median {median:.3f} ms, p99 {p99:.3f} ms")
            print(f"estimate: {count:,} rows, median {median:.3f} ms, p99 {p99:.3f} ms per card")
        finally:
            await store.close()


if __name__ == "__main__":
    asyncio.run(main())
