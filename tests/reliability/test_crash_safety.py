"""Crash safety (issue 14, item 5): ``parcel-scout run`` on a SQLite file, killed with SIGKILL at
random moments (start-up included) while the fake 17TRACK pushes new events, restarted each time.
Counted: events accepted but not stored, pushes never sent (lost) or sent twice (duplicated; a
kill between Telegram's answer and the outbox commit may do that once, and only that is allowed),
and ``PRAGMA integrity_check`` after every kill.
"""

from __future__ import annotations

import asyncio
import bisect
import sqlite3
import time
from collections import Counter
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.emulator import BotApiEmulator
from storage import Storage
from tests.fakes.tracking_servers import Fake17Track, FakeCainiao, FakeEvent
from tests.support import soak
from tests.support.process import TOKEN, BotProcess, bot_env, spawn_bot, until

KEY = "17track-test-key-0123456789"
FUTURE = 4_102_444_800  # 2100-01-01
OUTBOX_LEASE = 120  # storage/repositories/outbox.py: a killed sender's rows wait this long


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


class Producer:
    """17TRACK producing events: one new event at a time, pushed to the bot's /17track until the
    bot answers 200 (17TRACK retries too); events are told apart by a marker in their text."""

    def __init__(self, fake: Fake17Track, numbers: list[str], seed: str) -> None:
        self.fake, self.numbers = fake, numbers
        self.rng = soak.seeded(seed)
        self.bot: BotProcess | None = None
        self.accepted: list[str] = []
        self.posted = 0
        self._start = datetime.now(UTC) - timedelta(days=5)
        self._k = 0

    async def run(self, stop: asyncio.Event) -> None:
        async with aiohttp.ClientSession() as session:
            pending: tuple[bytes, str, str] | None = None
            while not stop.is_set():
                if pending is None:
                    number = self.rng.choice(self.numbers)
                    self._k += 1
                    marker = f"EV{self._k}Z"
                    when = self._start + timedelta(minutes=self._k)
                    self.fake.add_event(number, FakeEvent(when, f"{marker} departed", "InTransit"))
                    body, sign = self.fake.push_body(number)
                    pending = (body, sign, marker)
                bot = self.bot
                if bot is not None:
                    self.posted += 1
                    with suppress(aiohttp.ClientError, TimeoutError):
                        async with session.post(
                            f"{bot.url}/17track",
                            data=pending[0],
                            headers={"sign": pending[1]},
                            timeout=aiohttp.ClientTimeout(total=3),
                        ) as response:
                            if response.status == 200:
                                self.accepted.append(pending[2])
                                pending = None
                await asyncio.sleep(self.rng.uniform(0.02, 0.12))


@pytest.mark.parametrize("kills", [soak.sized(3, 30)])
async def test_crash_safety(tmp_path: Path, kills: int) -> None:
    rng = soak.seeded("crash")
    tally = soak.Tally("crash_safety")
    db = tmp_path / "bot.db"
    people, per_user = soak.sized(4, 60), soak.sized(2, 5)
    users = list(range(40_001, 40_001 + people))
    numbers: list[str] = []
    storage = await Storage.open(db)
    try:
        for uid in users:
            await storage.users.upsert_seen(uid, uid, "en")
            for k in range(per_user):
                number = f"LP{uid:08d}{k:06d}"
                numbers.append(number)
                # Events come only from 17TRACK's pushes: no scheduler check races the last
                # run's bookkeeping.
                await storage.parcels.add(uid, number, next_check_at=FUTURE)
    finally:
        await storage.close()

    emu = BotApiEmulator(token=TOKEN, quiet_period=0.4, settle_timeout=20)
    fake17, cainiao = Fake17Track(KEY), FakeCainiao()
    async with emu, fake17, cainiao:
        for uid in users:
            emu.user(user_id=uid)
        env = bot_env(
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=emu.base_url,
            PARCEL_SCOUT_DB=str(db),
            CAINIAO_BASE_URL=cainiao.url,
            TRACK17_API_KEY=KEY,
            TRACK17_BASE_URL=fake17.url,
            CHECK_INTERVAL_SECONDS="1",
            LOG_FORMAT="json",
        )
        producer = Producer(fake17, numbers, "crash-producer")
        stop = asyncio.Event()
        producing = asyncio.create_task(producer.run(stop))
        spawns: list[float] = []  # when each run started: a request belongs to the run before
        killed_at = int(time.time())
        try:
            for run in range(kills):
                during_start = rng.random() < 0.2
                spawns.append(time.monotonic())
                bot = await spawn_bot(tmp_path, env, f"run{run}", healthy=not during_start)
                producer.bot = bot
                await asyncio.sleep(rng.uniform(0.1, 0.8) if during_start else rng.uniform(0.3, 3))
                producer.bot = None
                await bot.kill()
                killed_at = int(time.time())
                tally.inputs += 1
                (check,) = _rows(db, "PRAGMA integrity_check")
                if check != ("ok",):
                    tally.fail(f"integrity_check after kill {run}: {check}")
        finally:
            stop.set()
            await producing
        # The last run, left alone: everything accepted is stored and every push goes out
        # (rows leased by a killed sender wait for their lease; the short form does not).
        spawns.append(time.monotonic())
        final = await spawn_bot(tmp_path, env, "final")
        # A lease ending by then was taken by a killed process (the final one claims later).
        killed_lease = killed_at + OUTBOX_LEASE

        def settled() -> bool:
            waiting = _rows(
                db,
                "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL "
                f"AND (claimed_until IS NULL OR claimed_until < {int(time.time())} "
                f"OR claimed_until > {killed_lease})",
            )
            return waiting == [(0,)]

        try:
            await until(settled, "the outbox to drain", 60)
            if soak.LONG:
                lease_end = _rows(db, "SELECT max(claimed_until) FROM outbox WHERE sent_at IS NULL")
                wait = max(0, int(str(lease_end[0][0] or 0)) - time.time()) + 5
                await asyncio.sleep(wait)
                await until(
                    lambda: (
                        _rows(
                            db,
                            "SELECT count(*) FROM outbox WHERE sent_at IS NULL "
                            "AND failed_at IS NULL",
                        )
                        == [(0,)]
                    ),
                    "leased rows",
                    60,
                )
            else:
                await asyncio.sleep(2)
        finally:
            code = await final.terminate()
        if code != 0:
            tally.fail(f"SIGTERM exit code {code}")

    # Accepted events are stored.
    stored = " ".join(str(d) for (d,) in _rows(db, "SELECT description FROM tracking_events"))
    tally.lost += sum(1 for marker in producer.accepted if marker not in stored)
    # Push rows never sent (a lease still held by a killed process is a delay, not a loss).
    now = int(time.time())
    unsent = _rows(
        db,
        "SELECT id, claimed_until FROM outbox WHERE sent_at IS NULL AND kind LIKE 'watch.%'",
    )
    delayed = [row for row in unsent if row[1] is not None and int(str(row[1])) > now]
    tally.lost += len(unsent) - len(delayed)
    failed = _rows(db, "SELECT id, last_error FROM outbox WHERE failed_at IS NOT NULL")
    for row in failed:
        tally.fail(f"outbox row dropped: {row}")
    # Pushes as Telegram received them: each distinct text once per chat.
    sends = [
        (r.params.get("chat_id"), str(r.params.get("text")), r.time)
        for r in emu.requests
        if r.method == "sendMessage" and "EV" in str(r.params.get("text"))
    ]
    copies = Counter((chat, text) for chat, text, _t in sends)
    sent_rows = _rows(
        db,
        "SELECT user_id, count(*) FROM outbox WHERE sent_at IS NOT NULL AND kind LIKE 'watch.%' "
        "GROUP BY user_id",
    )
    for user_id, count in sent_rows:
        distinct = sum(1 for (chat, _text) in copies if chat == user_id)
        tally.lost += max(0, int(str(count)) - distinct)
    for (chat, text), count in copies.items():
        if count < 2:
            continue
        runs = [bisect.bisect_right(spawns, t) for c, x, t in sends if (c, x) == (chat, text)]
        # Allowed: each copy from another run, the earlier ones from runs that were killed
        # (every run but the last), which Telegram had answered before the kill could let the
        # run note the push as sent. (Runs never overlap: a request arriving after a kill, still
        # in the socket, belongs to the killed run until the next one starts.) A repeat within
        # one run is a bug.
        in_window = len(set(runs)) == len(runs)
        if in_window:
            tally.duplicated += count - 1
        else:
            tally.fail(f"sent {count}× to {chat} within one run: {text[:60]!r}")
    tally.notes.append(
        f"accepted {len(producer.accepted)} of {producer.posted} posts, {len(sends)} pushes, "
        f"{len(delayed)} waiting for a killed sender's lease"
    )
    tally.report()
    assert producer.accepted and sends, "no event accepted or pushed: the test proved nothing"
    assert tally.clean, (tally.line, tally.notes)
    assert tally.duplicated <= kills  # at most one per crash: Telegram has no idempotency key
