"""Re-check throughput of the watch engine, then the outbox sender's pace.

    .venv/bin/python -m benchmarks.recheck_bench [--parcels 100000] [--latency 0.05] [--batch 500]

Part 1: N parcels due in a real SQLite file (temp dir), checked through TrackingService against the
fake Cainiao on loopback (its own process, deterministic default_events, 50 ms latency per
request), change detection and the batched writes of the Watcher. Prints parcels/s, peak RSS and
where the time went (db / network / diff, summed over the concurrent workers).

Part 2: outbox rows for many distinct chats sent through ptb's real Bot + our ResilientRateLimiter
to the Bot API emulator with Telegram's limits switched on; counts 429 answers.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import random
import resource
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path

from telegram import LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.clock import SystemClock
from bot.emulator import BotApiEmulator
from bot.tracking import TrackingService
from bot.watch import Watcher
from bot.watch.texts import KIND_STATUS
from handlers.notifications import drain_outbox
from storage import Storage, ts


def _serve_fake(latency: float, conn: Connection) -> None:
    from tests.fakes.tracking_servers import FakeCainiao, deterministic_events

    async def main() -> None:
        fake = FakeCainiao(latency=latency, default_events=deterministic_events)
        fake.record_requests = False
        await fake.start()
        conn.send(fake.url)
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # wait for "stop"
        await fake.close()

    asyncio.run(main())


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def _fill(storage: Storage, parcels: int, users: int) -> None:
    rng = random.Random(7)
    async with storage.db.transaction():
        for uid in range(1, users + 1):
            await storage.users.upsert_seen(uid, uid, "en")
    chunk = 5000
    for start in range(0, parcels, chunk):
        async with storage.db.transaction():
            for i in range(start, min(parcels, start + chunk)):
                number = f"LP{rng.randrange(10**13, 10**14)}{i % 10:d}"
                await storage.parcels.add(1 + i % users, number)


async def recheck(args: argparse.Namespace, url: str, tmp: Path) -> tuple[float, float]:
    clock = SystemClock()
    storage = await Storage.open(tmp / "bench.db", clock=lambda: ts(clock.now()))
    t0 = time.perf_counter()
    await _fill(storage, args.parcels, max(1, min(args.parcels, args.parcels // 10)))
    print(f"setup: {args.parcels} parcels in {time.perf_counter() - t0:.1f} s", flush=True)
    tracking = TrackingService(
        cainiao_base_url=url,
        concurrency_per_source=args.concurrency,
        connection_limit=args.concurrency * 2,
    )
    await tracking.start()
    watcher = Watcher(
        storage, tracking, clock, batch_size=args.batch, concurrency=args.workers,
        rng=random.Random(1),
    )  # fmt: skip
    t0 = time.perf_counter()
    cpu0, main0 = time.process_time(), time.thread_time()
    stats = await watcher.run_pass()
    elapsed = time.perf_counter() - t0
    cpu, main_cpu = time.process_time() - cpu0, time.thread_time() - main0
    await tracking.close()
    depth = await storage.outbox.depth()
    await storage.close()
    rate = stats.claimed / elapsed if elapsed else 0.0
    print(
        f"pass: claimed {stats.claimed}, checked {stats.checked}, failed {stats.failed}, "
        f"new events {stats.new_events}, queued {stats.pushes} (outbox {depth})"
    )
    print(
        f"time (summed over {args.workers} workers): db {stats.db_seconds:.1f} s, "
        f"network {stats.network_seconds:.1f} s, diff {stats.diff_seconds:.1f} s; "
        f"wall {elapsed:.1f} s"
    )
    # db/network are waits (lock, db thread, event loop) more than work; this is the work.
    print(
        f"cpu during the pass: this process {cpu:.1f} s, of which event loop thread "
        f"{main_cpu:.1f} s (database thread and others {cpu - main_cpu:.1f} s); "
        "the fake Cainiao runs in its own process"
    )
    print(f"recheck: {rate:.0f} parcels/s, peak RSS {_peak_rss_mb():.0f} MB", flush=True)
    return elapsed, rate


async def sender(args: argparse.Namespace, tmp: Path) -> tuple[float, int]:
    clock = SystemClock()
    storage = await Storage.open(tmp / "sender.db", clock=lambda: ts(clock.now()))
    async with storage.db.transaction():
        for uid in range(1, args.messages + 1):
            await storage.users.upsert_seen(10_000 + uid, 10_000 + uid, "en")
            await storage.outbox.enqueue(
                10_000 + uid, KIND_STATUS, {"name": f"Parcel {uid}", "status": "in_transit"}
            )
    from bot.telegram_io import ResilientRateLimiter

    async with BotApiEmulator(rate_limit=True) as emulator:
        bot: ExtBot[int] = ExtBot(
            emulator.token,
            base_url=emulator.base_url,
            base_file_url=emulator.base_file_url,
            rate_limiter=ResilientRateLimiter(),
            defaults=Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            ),
        )
        async with bot:
            t0 = time.perf_counter()
            stats = await drain_outbox(bot, storage, clock)
            elapsed = time.perf_counter() - t0
        too_many = emulator.too_many_requests_count
    await storage.close()
    rate = stats.sent / elapsed if elapsed else 0.0
    print(
        f"sender: {stats.sent} sent in {elapsed:.1f} s, {stats.retried} retried, {too_many} x 429"
    )
    return rate, too_many


async def main(args: argparse.Namespace) -> None:
    parent, child = mp.Pipe()
    fake = mp.get_context("fork").Process(
        target=_serve_fake, args=(args.latency, child), daemon=True
    )
    fake.start()
    if not parent.poll(30):  # the child died (e.g. an import error): say so, don't hang
        fake.kill()
        raise SystemExit("recheck_bench: the fake Cainiao did not start (run from the repo root)")
    url = parent.recv()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            elapsed, rate = await recheck(args, url, Path(tmp))
            rss = _peak_rss_mb()
            msg_rate, too_many = await sender(args, Path(tmp))
    finally:
        parent.send("stop")
        fake.join(5)
    print(
        f"recheck: {args.parcels} parcels in {elapsed:.1f} s = {rate:.0f} parcels/s; "
        f"peak RSS {rss:.0f} MB; sender {msg_rate:.1f} msg/s, {too_many} x 429"
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--parcels", type=int, default=100_000)
    p.add_argument("--latency", type=float, default=0.05, help="seconds per fake request")
    p.add_argument("--batch", type=int, default=1000, help="parcels claimed per batch")
    p.add_argument("--workers", type=int, default=4, help="batches in flight")
    p.add_argument("--concurrency", type=int, default=16, help="requests in flight to Cainiao")
    p.add_argument("--messages", type=int, default=300, help="sender: messages to distinct chats")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse(sys.argv[1:])))
