"""`parcel-scout run` as a real process: SIGTERM during activity exits 0 within 10 s, nothing lost.

The Bot API emulator and a slow fake Cainiao run in the test process; the bot talks to them over
HTTP exactly as it talks to Telegram in production.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path
from typing import cast

import pytest_asyncio

from bot.emulator import BotApiEmulator
from storage import Storage
from tests.fakes.tracking_servers import FakeCainiao, deterministic_events
from tests.support.process import TOKEN, BotProcess, bot_env, spawn_bot, until

USER_ID = 31337
NUMBER = "LP00123456789012"
FUTURE = 4_102_444_800  # 2100-01-01: an outbox row that must still be there after the restarts


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


async def _spawn(tmp_path: Path, emu: BotApiEmulator, cainiao_url: str, run: int) -> BotProcess:
    env = bot_env(
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=emu.base_url,
        PARCEL_SCOUT_DB=str(tmp_path / "bot.db"),
        CAINIAO_BASE_URL=cainiao_url,
        CHECK_INTERVAL_SECONDS="1",
        LOG_FORMAT="json",
        LOG_LEVEL="DEBUG",
    )
    return await spawn_bot(tmp_path, env, f"run{run}")


async def _terminate(bot: BotProcess) -> float:
    started = time.monotonic()
    code = await bot.terminate(10)
    assert code == 0, bot.log.read_text()
    return time.monotonic() - started


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
        await until(lambda: any("Parcel Scout" in m.text for m in user.messages), "/start")
        await user.send("/language")
        await until(lambda: "Русский" in str(user.messages[-1].buttons), "/language")
        await user.press("Русский")
        await until(lambda: "по-русски" in user.messages[-1].text, "the language change")
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
        await until(
            lambda: any("Что я умею" in m.text for m in user.messages),
            "the answer to the /help sent during shutdown (was the update lost?)",
        )
        await user.send("/start")
        await until(lambda: "не отслеживается" in user.messages[-1].text, "/start in Russian")
        await _terminate(bot)

    assert _db_rows(db, f"SELECT count(*) FROM outbox WHERE not_before = {FUTURE}") == [(1,)]
    # The token never reaches a log line, not even at DEBUG with httpx request logging.
    for run in (1, 2):
        text = (tmp_path / f"run{run}.log").read_text()
        assert TOKEN not in text and TOKEN.split(":")[1] not in text
        assert '"level": "info"' in text  # JSON lines, as configured
