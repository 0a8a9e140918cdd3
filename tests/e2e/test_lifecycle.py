"""`parcel-scout run` as a real process: SIGTERM during activity exits 0 within 10 s, nothing lost.

The Bot API emulator and a slow fake Cainiao run in the test process; the bot talks to them over
HTTP exactly as it talks to Telegram in production.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import aiohttp
import pytest_asyncio

from bot.emulator import BotApiEmulator
from storage import Storage
from tests.fakes.tracking_servers import FakeCainiao, deterministic_events
from tests.support.app import free_port

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7081726354:AAFq3kVYx9T2mZ0pLrQ8sWbN4cHdJ6eGiUo"
USER_ID = 31337
NUMBER = "LP00123456789012"
FUTURE = 4_102_444_800  # 2100-01-01: an outbox row that must still be there after the restarts


@dataclass
class Bot:
    proc: asyncio.subprocess.Process
    port: int
    log: Path


@pytest_asyncio.fixture
async def emulator_for_process() -> AsyncIterator[BotApiEmulator]:
    # A process cannot join our update_queue: settle on quiet instead, a bit longer.
    async with BotApiEmulator(token=TOKEN, quiet_period=0.4, settle_timeout=20) as emu:
        yield emu


async def _seed(db: Path) -> None:
    storage = await Storage.open(db)
    try:
        await storage.users.upsert_seen(USER_ID, USER_ID, "en")
        await storage.parcels.add(USER_ID, NUMBER, next_check_at=0)
        await storage.outbox.enqueue(USER_ID, "test", {"text": "later"}, not_before=FUTURE)
    finally:
        await storage.close()


async def _spawn(tmp_path: Path, emu: BotApiEmulator, cainiao_url: str, run: int) -> Bot:
    port = free_port()
    log = tmp_path / f"run{run}.log"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("WEBHOOK_", "TRACK17_", "RUSSIAN_POST_", "ADMIN_"))
    }
    env.update(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=emu.base_url,
        PARCEL_SCOUT_DB=str(tmp_path / "bot.db"),
        PARCEL_SCOUT_LOCALES=str(ROOT / "locales"),
        HTTP_HOST="127.0.0.1",
        HTTP_PORT=str(port),
        CAINIAO_BASE_URL=cainiao_url,
        CHECK_INTERVAL_SECONDS="1",
        LOG_FORMAT="json",
        LOG_LEVEL="DEBUG",
        PYTHONPATH=str(ROOT),
    )
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    bot = Bot(proc, port, log)
    await _wait_healthy(bot)
    return bot


async def _wait_healthy(bot: Bot) -> None:
    deadline = time.monotonic() + 20
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            assert bot.proc.returncode is None, bot.log.read_text()
            with suppress(aiohttp.ClientError):
                async with session.get(f"http://127.0.0.1:{bot.port}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.1)
    raise AssertionError("the bot did not become healthy:\n" + bot.log.read_text())


async def _terminate(bot: Bot) -> float:
    started = time.monotonic()
    bot.proc.send_signal(signal.SIGTERM)
    try:
        code = await asyncio.wait_for(bot.proc.wait(), 10)
    except TimeoutError:
        bot.proc.kill()
        await bot.proc.wait()
        raise AssertionError("no exit within 10 s:\n" + bot.log.read_text()) from None
    assert code == 0, bot.log.read_text()
    return time.monotonic() - started


async def _until(check: Callable[[], bool], what: str, seconds: float = 15) -> None:
    """The bot is another process: wait for what it does instead of for its update queue."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


def _db_rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql))


async def test_sigterm_during_activity_then_restart_loses_nothing(
    emulator_for_process: BotApiEmulator, tmp_path: Path
) -> None:
    emu = emulator_for_process
    db = tmp_path / "bot.db"
    await _seed(db)
    async with FakeCainiao(latency=1.0) as server:
        cainiao = cast(FakeCainiao, server)
        cainiao.set_events(NUMBER, deterministic_events(NUMBER))
        bot = await _spawn(tmp_path, emu, cainiao.url, 1)
        user = emu.user(user_id=USER_ID, first_name="Term", language_code="en")
        await user.send("/start")
        await _until(lambda: any("Parcel Scout" in m.text for m in user.messages), "/start")
        await user.send("/language")
        await _until(lambda: "Русский" in str(user.messages[-1].buttons), "/language")
        await user.press("Русский")
        await _until(lambda: "по-русски" in user.messages[-1].text, "the language change")
        # Activity in flight: a message on its way and (with 1 s checks against a slow source)
        # a scheduler pass holding leases.
        pending = asyncio.create_task(user.send("/help"))
        await asyncio.sleep(0.05)
        took = await _terminate(bot)
        assert took < 10
        with suppress(AssertionError):  # settling may not finish: the bot went away
            await pending

        # After the stop: no lease is held, the not-yet-due notification is still queued,
        # the language choice was kept.
        now = int(time.time())
        leases = _db_rows(db, "SELECT claimed_until FROM parcels")
        assert leases and all(c is None or int(str(c)) <= now + 1 for (c,) in leases), leases
        assert _db_rows(db, f"SELECT count(*) FROM outbox WHERE not_before = {FUTURE}") == [(1,)]
        assert _db_rows(db, f"SELECT language FROM users WHERE id = {USER_ID}") == [("ru",)]

        # Restart: the /help sent during shutdown is answered (now or after the restart).
        bot = await _spawn(tmp_path, emu, cainiao.url, 2)
        await _until(
            lambda: any("Что я умею" in m.text for m in user.messages),
            "the answer to the /help sent during shutdown (was the update lost?)",
        )
        await user.send("/start")
        await _until(lambda: "не отслеживается" in user.messages[-1].text, "/start in Russian")
        await _terminate(bot)

    assert _db_rows(db, f"SELECT count(*) FROM outbox WHERE not_before = {FUTURE}") == [(1,)]
    # The token never reaches a log line, not even at DEBUG with httpx request logging.
    for run in (1, 2):
        text = (tmp_path / f"run{run}.log").read_text()
        assert TOKEN not in text and TOKEN.split(":")[1] not in text
        assert '"level": "info"' in text  # JSON lines, as configured
