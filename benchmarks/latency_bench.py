"""Reply latency under load: a bare python-telegram-bot echo bot against Parcel Scout.

    .venv/bin/python -m benchmarks.latency_bench [--chats 40] [--rate 12] [--seconds 10]
                                                 [--parcels 100000] [--slow 8]

Every bot runs in its own process (spawned) and long-polls the Bot API emulator that runs here,
next to the load: ``--chats`` chats paste track numbers, ``--rate`` messages a second in all, for
``--seconds``. Latency is from putting a message into the emulator's update queue to the bot's
``sendMessage`` for that chat arriving back (the k-th answer in a chat belongs to its k-th message).
A fake Cainiao runs in a third process on loopback.

1. echo: a bare ptb Application (sequential, no persistence) echoing every text.
2. Parcel Scout (explains every pasted number) while one more user presses "Check now" on a parcel
   whose tracking source answers after ``--slow`` seconds.
3. Parcel Scout during a watch pass of ``--parcels`` due parcels (fake Cainiao, 50 ms a request);
   the bot process also probes how long a one-statement query waits for the database and how late
   the event loop wakes up meanwhile — what a handler feels of the pass.

Only loopback traffic; bounded in time (about a minute and a half with the defaults).
Last line: ``latency: echo p99 A ms; parcel-scout p99 B ms with a slow source; C ms during a watch
pass; ratio R`` with R = B / A.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import math
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from bot.emulator import BotApiEmulator, StoredMessage
from bot.emulator.users import SimulatedUser

SLOW_NUMBER = "LP00068434402473"  # the one parcel whose source is slow
SLOW_USER = 777
FIRST_CHAT = 900_000
STOP_GRACE = 15.0  # seconds a bot process gets to stop before it is killed

# ---------------------------------------------------------------------------- fake Cainiao


def _serve_fake(slow: float, conn: Connection) -> None:
    """The fake Cainiao: 50 ms a request, deterministic events, ``slow`` s for SLOW_NUMBER."""
    from aiohttp import web

    from tests.fakes.tracking_servers import FakeCainiao, deterministic_events

    class SlowForOne(FakeCainiao):
        async def _answer(self, request: web.Request, body: bytes) -> web.StreamResponse:
            if SLOW_NUMBER in request.query.get("mailNos", ""):
                await asyncio.sleep(slow)
            return await super()._answer(request, body)

    async def main() -> None:
        fake = SlowForOne(latency=0.05, default_events=deterministic_events)
        fake.record_requests = False
        await fake.start()
        conn.send(fake.url)
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # wait for "stop"
        await fake.close()

    asyncio.run(main())


# ---------------------------------------------------------------------------- the bots


def _serve_bot(kind: str, api: dict[str, str], options: dict[str, Any], conn: Connection) -> None:
    logging.basicConfig(level=logging.ERROR)
    runner = _run_echo if kind == "echo" else _run_parcel_scout
    asyncio.run(runner(api, options, conn))


async def _ask(conn: Connection) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, conn.recv)


async def _run_echo(api: dict[str, str], options: dict[str, Any], conn: Connection) -> None:
    from telegram import Update
    from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.message is not None and update.message.text:
            await update.message.reply_text(update.message.text)

    app = (
        ApplicationBuilder()
        .token(api["token"])
        .base_url(api["base_url"])
        .base_file_url(api["base_file_url"])
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=10)
        await app.start()
        conn.send("ready")
        while (await _ask(conn)) != "stop":
            conn.send({})
        await app.updater.stop()
        await app.stop()
    conn.send("stopped")


async def _seed(storage: Any, parcels: int) -> None:
    """Due parcels for 10 parcels a user (ids 1..), as ``recheck_bench`` seeds them."""
    rng = random.Random(7)
    users = max(1, parcels // 10)
    async with storage.db.transaction():
        for uid in range(1, users + 1):
            await storage.users.upsert_seen(uid, uid, "en")
    chunk = 5000
    for start in range(0, parcels, chunk):
        async with storage.db.transaction():
            for i in range(start, min(parcels, start + chunk)):
                number = f"LP{rng.randrange(10**13, 10**14)}{i % 10}"
                await storage.parcels.add(1 + i % users, number)


@dataclass(slots=True)
class _Probe:
    """What a handler would feel: waits for the database and late wake-ups of the loop."""

    db_ms: list[float] = field(default_factory=list)
    lag_ms: list[float] = field(default_factory=list)

    async def run(self, storage: Any) -> None:
        while True:
            t0 = time.perf_counter()
            await storage.db.fetchval("SELECT 1")
            self.db_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            await asyncio.sleep(0.02)
            self.lag_ms.append((time.perf_counter() - t0 - 0.02) * 1000)


async def _run_parcel_scout(api: dict[str, str], options: dict[str, Any], conn: Connection) -> None:
    from bot.app import build_application, prepare
    from bot.config import load_settings
    from bot.services import Services

    settings = replace(
        load_settings({}, dotenv=False),
        db_path=Path(options["db"]),
        cainiao_base_url=options["cainiao"],
        check_interval_seconds=3600.0,  # the pass below is started by hand
    )
    if options.get("batch"):
        settings = replace(settings, check_batch_size=options["batch"])
    services = await Services.open(settings)
    seeded = 0.0
    if options["parcels"]:
        t0 = time.perf_counter()
        await _seed(services.storage, options["parcels"])
        seeded = time.perf_counter() - t0
    app = build_application(
        services, token=api["token"], base_url=api["base_url"], base_file_url=api["base_file_url"]
    )
    await prepare(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=10)
    await app.start()
    conn.send("ready")
    passing: asyncio.Task[Any] | None = None
    probe = _Probe()
    probing: asyncio.Task[None] | None = None
    report: dict[str, Any] = {"seed_seconds": seeded}
    while (command := await _ask(conn)) != "stop":
        if command == "pass":
            before = await services.storage.parcels.count_by_status()
            report["due"] = before.get("not_found", 0)
            passing = asyncio.create_task(services.watcher.run_pass())
            probing = asyncio.create_task(probe.run(services.storage))
            conn.send({})
        elif command == "report":
            if passing is not None:
                counts = await services.storage.parcels.count_by_status()
                report["pass_running"] = not passing.done()
                report["checked"] = report["due"] - counts.get("not_found", 0)
            report["db_ms"], report["lag_ms"] = probe.db_ms, probe.lag_ms
            conn.send(report)
    for task in (probing, passing):
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
    await app.updater.stop()
    await app.stop()
    await app.shutdown()
    await services.close()
    conn.send("stopped")


class BotProcess:
    """A bot in a spawned process, polling the emulator; commands go over a pipe."""

    def __init__(self, kind: str, emulator: BotApiEmulator, **options: Any) -> None:
        api = {
            "token": emulator.token,
            "base_url": emulator.base_url,
            "base_file_url": emulator.base_file_url,
        }
        self.conn, child = mp.Pipe()
        self.process = mp.get_context("spawn").Process(
            target=_serve_bot, args=(kind, api, options, child), daemon=True
        )

    async def start(self, within: float) -> None:
        self.process.start()
        if await self.receive(within) != "ready":
            raise SystemExit("latency_bench: the bot did not start")

    async def receive(self, within: float) -> Any:
        loop = asyncio.get_running_loop()
        ready = await loop.run_in_executor(None, self.conn.poll, within)
        if not ready:
            self.process.kill()
            raise SystemExit("latency_bench: the bot process did not answer in time")
        return self.conn.recv()

    async def command(self, name: str, within: float = 30) -> Any:
        self.conn.send(name)
        return await self.receive(within)

    async def stop(self) -> None:
        try:
            await self.command("stop", STOP_GRACE)
        except SystemExit:
            pass
        finally:
            self.process.join(2)
            if self.process.is_alive():
                self.process.kill()


# ---------------------------------------------------------------------------- the load


def _post(emulator: BotApiEmulator, user: SimulatedUser, text: str) -> None:
    """What ``SimulatedUser.send`` does, minus waiting for the bot: the load does not wait."""
    chat = emulator.chat(user.id)
    command = text.split(maxsplit=1)[0] if text.startswith("/") else ""
    message = StoredMessage(
        chat=chat.info,
        message_id=chat.next_message_id(),
        date=int(time.time()),
        sender=user.user_dict,
        from_bot=False,
        text=text,
        entities=[{"type": "bot_command", "offset": 0, "length": len(command)}] if command else [],
    )
    chat.messages.append(message)
    emulator.enqueue_update({"message": message.raw})


def _press(
    emulator: BotApiEmulator, user: SimulatedUser, message: StoredMessage, data: str
) -> None:
    query_id = emulator.register_callback_query(user.id)
    emulator.enqueue_update(
        {
            "callback_query": {
                "id": query_id,
                "from": user.user_dict,
                "message": message.raw,
                "chat_instance": "bench",
                "data": data,
            }
        }
    )


def _texts(rng: random.Random) -> Callable[[], str]:
    shapes = (
        "{n}",
        "where is my parcel {n}?",
        "{n} still nothing",
        "seller gave me {n} a week ago",
    )

    def text() -> str:
        number = f"LP{rng.randrange(10**13, 10**14)}"
        return rng.choice(shapes).format(n=number)

    return text


@dataclass(slots=True)
class Load:
    chats: int
    rate: float
    seconds: float
    sent: dict[int, list[float]] = field(default_factory=dict)  # chat -> monotonic send times

    async def run(
        self,
        emulator: BotApiEmulator,
        during: Callable[[float], Coroutine[Any, Any, None]] | None = None,
    ) -> None:
        rng = random.Random(12)
        text = _texts(rng)
        users = [
            emulator.user(user_id=FIRST_CHAT + i, first_name=f"Load{i}") for i in range(self.chats)
        ]
        self.sent = {user.id: [] for user in users}
        loop = asyncio.get_running_loop()
        start = loop.time()
        side = asyncio.create_task(during(start)) if during is not None else None
        total = int(self.rate * self.seconds)
        for k in range(total):
            await asyncio.sleep(max(0.0, start + k / self.rate - loop.time()))
            user = users[k % len(users)]
            self.sent[user.id].append(time.monotonic())
            _post(emulator, user, text())
        if side is not None:
            await side

    async def latencies(self, emulator: BotApiEmulator, wait: float) -> tuple[list[float], int]:
        """Milliseconds per answered message, and how many were not answered within ``wait``."""
        deadline = time.monotonic() + wait
        while True:
            answers = self._answers(emulator)
            missing = sum(
                max(0, len(times) - len(answers.get(chat, []))) for chat, times in self.sent.items()
            )
            if not missing or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.1)
        result: list[float] = []
        for chat, times in self.sent.items():
            for sent, answered in zip(times, answers.get(chat, []), strict=False):
                result.append((answered - sent) * 1000)
        return result, missing

    def _answers(self, emulator: BotApiEmulator) -> dict[int, list[float]]:
        answers: dict[int, list[float]] = {}
        for request in emulator.requests:
            if request.method.lower() == "sendmessage":
                chat = int(request.params.get("chat_id", 0))
                if chat in self.sent:
                    answers.setdefault(chat, []).append(request.time)
        return answers


def pct(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def _summary(name: str, values: list[float], missing: int) -> str:
    return (
        f"{name}: {len(values)} answers, median {statistics.median(values):.0f} ms, "
        f"p99 {pct(values, 99):.0f} ms, max {max(values):.0f} ms"
        + (f", {missing} NOT ANSWERED" if missing else "")
    )


# ---------------------------------------------------------------------------- the runs


async def run_echo(args: argparse.Namespace) -> float:
    async with BotApiEmulator(settle_timeout=60) as emulator:
        bot = BotProcess("echo", emulator)
        await bot.start(60)
        try:
            load = Load(args.chats, args.rate, args.seconds)
            await load.run(emulator)
            values, missing = await load.latencies(emulator, 20)
        finally:
            await bot.stop()
    print(_summary("echo", values, missing), flush=True)
    return pct(values, 99)


async def _wait_for(what: str, check: Callable[[], Any], within: float) -> Any:
    deadline = time.monotonic() + within
    while not (found := check()):
        if time.monotonic() > deadline:
            raise SystemExit(f"latency_bench: gave up waiting for {what}")
        await asyncio.sleep(0.05)
    return found


async def run_slow_source(args: argparse.Namespace, cainiao: str, tmp: Path) -> float:
    async with BotApiEmulator(settle_timeout=60) as emulator:
        bot = BotProcess("parcel-scout", emulator, db=str(tmp / "slow.db"), cainiao=cainiao,
                         parcels=0)  # fmt: skip
        await bot.start(60)
        try:
            slow = emulator.user(user_id=SLOW_USER, first_name="Slow")
            _post(emulator, slow, f"/add {SLOW_NUMBER}")

            def card() -> StoredMessage | None:
                return next((m for m in slow.messages if "Check now" in repr(m.buttons)), None)

            message = await _wait_for("the parcel card", card, 30)
            data = next(
                b["callback_data"]
                for row in message.inline_keyboard
                for b in row
                if "Check now" in b.get("text", "")
            )
            pressed_at: list[float] = []

            async def press_check(start: float) -> None:
                await asyncio.sleep(1.0)  # the load is running by then
                pressed_at.append(time.monotonic())
                _press(emulator, slow, message, data)

            load = Load(args.chats, args.rate, args.seconds)
            await load.run(emulator, press_check)
            values, missing = await load.latencies(emulator, 20)

            def edits(final: bool) -> list[float]:
                # The card is edited twice: "Checking…" at once (no buttons), then the answer
                # with the card's buttons back.
                return [
                    r.time
                    for r in emulator.requests
                    if r.method == "editMessageText" and bool(r.params.get("reply_markup")) is final
                ]

            done = await _wait_for("the check's answer", lambda: edits(True), args.slow + 15)
            shown = edits(False) or done
        finally:
            await bot.stop()
    print(_summary("parcel-scout, one slow check", values, missing))
    print(
        f"the slow check itself: checking shown after {shown[0] - pressed_at[0]:.1f} s, "
        f"its answer after {done[0] - pressed_at[0]:.1f} s",
        flush=True,
    )
    return pct(values, 99)


async def run_watch_pass(args: argparse.Namespace, cainiao: str, tmp: Path) -> float:
    async with BotApiEmulator(settle_timeout=60) as emulator:
        bot = BotProcess("parcel-scout", emulator, db=str(tmp / "pass.db"), cainiao=cainiao,
                         parcels=args.parcels, batch=args.batch)  # fmt: skip
        await bot.start(120)
        try:
            await bot.command("pass")
            await asyncio.sleep(1.0)  # the pass is under way
            load = Load(args.chats, args.rate, args.seconds)
            await load.run(emulator)
            values, missing = await load.latencies(emulator, 20)
            report = await bot.command("report")
        finally:
            await bot.stop()
    print(f"setup: {args.parcels} due parcels in {report['seed_seconds']:.1f} s")
    print(_summary("parcel-scout, during a watch pass", values, missing))
    state = "still running" if report.get("pass_running") else "FINISHED before the load ended"
    print(f"watch pass: {report.get('checked', 0)} parcels checked by the end of the load, {state}")
    db, lag = report["db_ms"], report["lag_ms"]
    if db:
        print(
            f"meanwhile one-statement queries waited median {statistics.median(db):.1f} ms, "
            f"p99 {pct(db, 99):.1f} ms, max {max(db):.1f} ms ({len(db)} probes); "
            f"event loop woke late by median {statistics.median(lag):.1f} ms, "
            f"p99 {pct(lag, 99):.1f} ms, max {max(lag):.1f} ms",
            flush=True,
        )
    return pct(values, 99)


async def main(args: argparse.Namespace) -> None:
    parent, child = mp.Pipe()
    fake = mp.get_context("spawn").Process(target=_serve_fake, args=(args.slow, child), daemon=True)
    fake.start()
    if not parent.poll(60):
        fake.kill()
        raise SystemExit("latency_bench: the fake Cainiao did not start (run from the repo root)")
    cainiao = parent.recv()
    print(
        f"load: {args.chats} chats pasting track numbers, {args.rate:g} messages/s, "
        f"{args.seconds:g} s per run",
        flush=True,
    )
    try:
        with tempfile.TemporaryDirectory() as tmp:
            echo = await run_echo(args)
            slow = await run_slow_source(args, cainiao, Path(tmp))
            passing = await run_watch_pass(args, cainiao, Path(tmp))
    finally:
        parent.send("stop")
        fake.join(5)
        if fake.is_alive():
            fake.kill()
    print(
        f"latency: echo p99 {echo:.0f} ms; parcel-scout p99 {slow:.0f} ms with a slow source; "
        f"{passing:.0f} ms during a watch pass; ratio {slow / echo:.1f}"
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--chats", type=int, default=40)
    p.add_argument("--rate", type=float, default=12.0, help="messages per second, all chats")
    p.add_argument("--seconds", type=float, default=10.0, help="load per run")
    p.add_argument("--parcels", type=int, default=100_000, help="due parcels in the watch pass")
    p.add_argument(
        "--batch", type=int, default=0, help="CHECK_BATCH_SIZE for the pass (0: the default)"
    )
    p.add_argument("--slow", type=float, default=8.0, help="seconds the slow source takes")
    return p.parse_args(argv)


if __name__ == "__main__":
    asyncio.run(main(parse(sys.argv[1:])))
