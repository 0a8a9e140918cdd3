"""The HTTP surface under hostile input (issue 14): malformed bodies answer 400 (never 500), slow
clients are cut off, a replayed older 17TRACK push never moves a parcel's state backwards."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from bot.emulator import BotApiEmulator
from tests.fakes.tracking_servers import Fake17Track, FakeEvent
from tests.support import webclient
from tests.support.app import BotHarness
from tests.support.webclient import post

KEY = "17track-test-key-0123456789"
SECRET = "s3cret-token_for-tests"
NUMBER = "LP00123456789012"
NESTED = b"[" * 100_000 + b"]" * 100_000


@pytest_asyncio.fixture
async def served(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    harness = BotHarness(emulator, tmp_path / "bot.db", {"TRACK17_API_KEY": KEY})
    harness.use_webhook("/telegram/hook", secret=SECRET)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


def signed(raw: bytes) -> dict[str, str]:
    return webclient.signed(raw, KEY)


HOOK = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


async def test_malformed_bodies_answer_400_never_500(
    served: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    not_json = [
        NESTED,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b"\xff\xfe not utf-8",
        b'{"event": "TRACKING_UPDATED", "data": ',
    ]
    not_updates = [
        b'{"update_id": 5, "message": {"message_id": 1, "text": "no date, no chat"}}',
        b'{"update_id": "x", "callback_query": 7}',
        b'{"hello": "world"}',
        b"[1, 2, 3]",
    ]
    for body in not_json + not_updates:
        assert await post(served, "/telegram/hook", body, HOOK) == 400, body[:40]
    for body in not_json:
        assert await post(served, "/17track", body, signed(body)) == 400, body[:40]
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    # Still serving.
    replies = await served.user().send("/start")
    assert replies


async def test_slow_clients_are_cut_off(served: BotHarness) -> None:
    served.web.body_timeout = 0.3
    for path, header in (
        ("/17track", "sign: x"),
        ("/telegram/hook", f"X-Telegram-Bot-Api-Secret-Token: {SECRET}"),
    ):
        reader, writer = await asyncio.open_connection("127.0.0.1", served.web.port)
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\n{header}\r\nContent-Length: 1000\r\n\r\n"
        writer.write(head.encode() + b"{")  # one byte of the promised thousand, then nothing
        await writer.drain()
        started = asyncio.get_running_loop().time()
        async with asyncio.timeout(3):
            status_line = await reader.readline()
        assert b" 408 " in status_line, status_line
        assert asyncio.get_running_loop().time() - started < 2
        writer.close()


async def test_an_older_17track_push_after_a_newer_one_never_moves_the_state_back(
    served: BotHarness,
) -> None:
    user = served.user()
    await user.send("/start")
    storage = served.services.storage
    parcel = await storage.parcels.add(user.id, NUMBER)
    fake = Fake17Track(KEY)
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    # The bot's clock after both events: a carrier time over a day ahead counts as impossible.
    served.clock.advance(days=30)
    departed = FakeEvent(t0, "Departed from sorting center", "InTransit")
    delivered = FakeEvent(t0 + timedelta(days=9), "Delivered", "Delivered")
    fake.set_events(NUMBER, [departed])
    older, older_sign = fake.push_body(NUMBER)
    fake.set_events(NUMBER, [delivered, departed], status="Delivered", sub_status="Delivered_Other")
    newer, newer_sign = fake.push_body(NUMBER)

    assert await post(served, "/17track", older, {"sign": older_sign}) == 200
    assert await post(served, "/17track", newer, {"sign": newer_sign}) == 200
    got = await storage.parcels.get(parcel.id)
    assert got is not None and got.status == "delivered"
    queued = len(await storage.outbox.pending_for_user(user.id))
    # The older body replayed (a valid sign: 17TRACK's own, or recorded by someone).
    assert await post(served, "/17track", older, {"sign": older_sign}) == 200
    got = await storage.parcels.get(parcel.id)
    assert got is not None and got.status == "delivered"
    assert len(await storage.outbox.pending_for_user(user.id)) == queued


async def test_17track_pushes_keep_track_numbers_out_of_info_logs(
    served: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    user = served.user()
    await user.send("/start")
    await served.services.storage.parcels.add(user.id, NUMBER)
    fake = Fake17Track(KEY)
    fake.set_events(
        NUMBER, [FakeEvent(datetime(2026, 11, 20, tzinfo=UTC), "Departed", "InTransit")]
    )
    raw, sign = fake.push_body(NUMBER)
    caplog.set_level(logging.INFO)
    assert await post(served, "/17track", raw, {"sign": sign}) == 200
    info = [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]
    assert any("17track push" in line for line in info)
    assert not [line for line in info if NUMBER in line]
