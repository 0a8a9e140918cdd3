"""The HTTP surface under hostile requests (issue 14, item 5), randomized and counted: webhook
without or with a wrong secret, 10 MB bodies (plain and chunked), malformed JSON and JSON that is
not an Update, slow bodies, /17track with bad and replayed signatures, and /metrics and /healthz
checked for secrets. The one-case tests are in tests/e2e/test_http_surface.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import sqlite3
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.emulator import BotApiEmulator
from tests.fakes.tracking_servers import Fake17Track, FakeEvent
from tests.support import soak
from tests.support.app import BotHarness
from tests.support.webclient import get, post, signed

KEY = "17track-test-key-0123456789"
SECRET = "s3cret-token_for-tests"
HOOK_PATH = "/telegram/hook-5f2c9a"
NUMBER = "LP00123456789012"
TEN_MB = 10 * 1024 * 1024
HOOK = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


@pytest_asyncio.fixture
async def served(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    harness = BotHarness(emulator, tmp_path / "bot.db", {"TRACK17_API_KEY": KEY})
    harness.use_webhook(HOOK_PATH, secret=SECRET)
    await harness.start()
    harness.web.body_timeout = 0.3
    try:
        yield harness
    finally:
        await harness.stop()


def _malformed(rng: random.Random) -> bytes:
    update = json.dumps({"update_id": 1, "message": {"message_id": 1, "date": 0}}).encode()
    depth = rng.randint(1_000, 100_000)
    return rng.choice(
        (
            b"[" * depth + b"]" * depth,
            b'{"a":' * depth + b"1" + b"}" * depth,
            bytes(rng.randrange(256) for _ in range(rng.randint(1, 500))),
            update[: rng.randint(1, len(update) - 1)],
            b"\xff\xfe not utf-8",
            b"",
            b"NaN",
        )
    )


def _not_update(rng: random.Random) -> bytes:
    pick: Any = rng.choice(
        (
            {"hello": "world"},
            [1, 2, 3],
            {"update_id": "x", "callback_query": 7},
            {"update_id": 5, "message": {"message_id": 1, "text": "no date, no chat"}},
            {"update_id": "1", "message": []},
            {"update_id": 1, "message": {"message_id": "x", "date": [], "chat": 5}},
            "a string",
            12,
            None,
        )
    )
    return json.dumps(pick).encode()


async def _slow(harness: BotHarness, path: str, header: str) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", harness.web.port)
    try:
        head = f"POST {path} HTTP/1.1\r\nHost: x\r\n{header}\r\nContent-Length: 1000\r\n\r\n"
        writer.write(head.encode() + b"{")  # one byte of the promised thousand, then nothing
        await writer.drain()
        async with asyncio.timeout(5):
            status = await reader.readline()
        return int(status.split()[1])
    finally:
        writer.close()


async def _chunked_huge(harness: BotHarness, path: str, headers: dict[str, str]) -> int:
    async def chunks() -> AsyncIterator[bytes]:
        piece = b"x" * 65536
        for _ in range(TEN_MB // len(piece)):
            yield piece

    import aiohttp

    url = f"http://127.0.0.1:{harness.web.port}{path}"
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.post(url, data=chunks(), headers=headers) as response,
        ):
            return response.status
    except aiohttp.ClientError:  # the server may close while we still send: refused all the same
        return 413


@pytest.mark.parametrize("n", [soak.sized(40, 1_000)])
async def test_http_surface(served: BotHarness, caplog: pytest.LogCaptureFixture, n: int) -> None:
    caplog.set_level(logging.WARNING)
    rng = soak.seeded("http")
    tally = soak.Tally("http_surface")
    user = served.user()
    await user.send("/start")
    storage = served.services.storage
    parcel = await storage.parcels.add(user.id, NUMBER)
    fake = Fake17Track(KEY)
    t0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    bodies: list[tuple[bytes, str]] = []  # signed 17TRACK pushes, oldest first
    for k in range(4):
        fake.add_event(NUMBER, FakeEvent(t0 + timedelta(days=k), f"Step {k}", "InTransit"))
        bodies.append(fake.push_body(NUMBER))
    fake.add_event(NUMBER, FakeEvent(t0 + timedelta(days=9), "Delivered", "Delivered"))
    fake.parcel(NUMBER).status = "Delivered"
    newest = fake.push_body(NUMBER)
    assert await post(served, "/17track", *_with_sign(newest)) == 200
    got = await storage.parcels.get(parcel.id)
    assert got is not None and got.status == "delivered"
    db = served.settings.db_path
    queued = _outbox_rows(db, user.id)
    huge_left = max(2, n // 100)

    def hook(body: bytes, secret: str | None = SECRET) -> Coroutine[Any, Any, int]:
        headers = dict(HOOK)
        if secret is None:
            del headers["X-Telegram-Bot-Api-Secret-Token"]
        else:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        return post(served, HOOK_PATH, body, headers)

    # (what, the answers that are right, the request): built first, sent in order below.
    cases: list[tuple[str, set[int], Callable[[], Coroutine[Any, Any, int]]]] = []
    track17 = partial(post, served, "/17track")
    for _ in range(n):
        roll = rng.randrange(11)
        if roll == 0:
            cases.append(("no secret", {403}, partial(hook, _not_update(rng), None)))
        elif roll == 1:
            wrong = rng.choice(("", "x", SECRET[:-1], SECRET + "x", SECRET.upper(), "Ω" * 9))
            cases.append(("wrong secret", {403}, partial(hook, b"{}", wrong)))
        elif roll == 2 and huge_left > 0:
            huge_left -= 1
            if rng.random() < 0.5:
                cases.append(("10 MB", {413}, partial(hook, b"{" + b" " * TEN_MB + b"}")))
            else:
                chunked = partial(_chunked_huge, served, HOOK_PATH, HOOK)
                cases.append(("10 MB chunked", {413}, chunked))
        elif roll in (3, 4):
            cases.append(("malformed JSON", {400}, partial(hook, _malformed(rng))))
        elif roll == 5:
            cases.append(("not an Update", {400}, partial(hook, _not_update(rng))))
        elif roll == 6:
            header = rng.choice((f"X-Telegram-Bot-Api-Secret-Token: {SECRET}", "sign: x"))
            path = HOOK_PATH if "Secret" in header else "/17track"
            cases.append(("slow body", {408}, partial(_slow, served, path, header)))
        elif roll == 7:
            body = _malformed(rng) if rng.random() < 0.5 else rng.choice(bodies)[0]
            sign = rng.choice(("", "0" * 64, signed(body, KEY + "x")["sign"], "zz"))
            cases.append(("17track bad sign", {401}, partial(track17, body, {"sign": sign})))
        elif roll == 8:
            body = _malformed(rng)
            cases.append(("17track malformed", {400}, partial(track17, body, signed(body, KEY))))
        else:
            replay = rng.choice([*bodies, newest])
            cases.append(("17track replay", {200}, partial(track17, *_with_sign(replay))))

    for what, expected, request in cases:
        tally.inputs += 1
        try:
            status = await request()
        except Exception as exc:  # a refused connection is a failure too, counted not raised
            tally.fail(f"{what}: {exc!r}")
            continue
        if status not in expected:
            tally.fail(f"{what}: {status}, expected {sorted(expected)}")
    # Replays never moved the delivered parcel back nor pushed anything again.
    got = await storage.parcels.get(parcel.id)
    if got is None or got.status != "delivered":
        tally.fail(f"replays moved the parcel to {got and got.status}")
    tally.duplicated = _outbox_rows(db, user.id) - queued
    # /metrics and /healthz hold no secret, key, token or track number.
    for path in ("/metrics", "/healthz"):
        tally.inputs += 1
        status, text = await get(served, path)
        for secret in (SECRET, KEY, served.emulator.token, HOOK_PATH, NUMBER):
            if secret in text:
                tally.fail(f"{path} shows {secret[:6]}…")
    for record in soak.error_records(caplog.records):
        tally.fail(f"logged: {record.getMessage()[:200]}")
    # Still serving.
    if not await user.send("/help"):
        tally.fail("no answer to /help after the attack")
    tally.report()
    assert tally.clean and tally.duplicated == 0, (tally.line, tally.notes)


def _outbox_rows(db: Path, user_id: int) -> int:
    """Pushes ever queued for the user (sent or not): a replay must add none."""
    conn = sqlite3.connect(db)
    try:
        return int(
            conn.execute("SELECT count(*) FROM outbox WHERE user_id = ?", (user_id,)).fetchone()[0]
        )
    finally:
        conn.close()


def _with_sign(pushed: tuple[bytes, str]) -> tuple[bytes, dict[str, str]]:
    body, sign = pushed
    return body, {"sign": sign}
