"""Issue 14: what Telegram's faults do to the bot's sends, through the real sender and /metrics.

- A send whose answer is slower than ptb's 5 s default read timeout arrives once (it was retried
  and delivered twice); a read that times out all the same is retried and counted in /metrics.
- A push Telegram refuses as unparsable HTML can never succeed: it is dropped, but as our bug:
  an ERROR naming the push's kind and parcel (never its text or number), counted in /metrics.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from bot.app import SEND_READ_TIMEOUT
from bot.emulator import BotApiEmulator
from bot.watch import texts
from handlers.notifications import drain_outbox
from tests.support.app import BotHarness

NUMBER = "LP00123456789012"
NAME = "Secret Lamp"


@pytest_asyncio.fixture
async def served(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    harness = BotHarness(emulator, tmp_path / "bot.db")
    harness.http_server = True
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


async def metric(harness: BotHarness, name: str, **labels: str) -> float:
    url = f"http://127.0.0.1:{harness.web.port}/metrics"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        text = await response.text()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items())
    )


async def _queue_push(harness: BotHarness, user_id: int) -> tuple[int, int]:
    storage = harness.services.storage
    await storage.users.upsert_seen(user_id, user_id, "en")
    parcel = await storage.parcels.add(user_id, NUMBER, nickname=NAME)
    row = await storage.outbox.enqueue(
        user_id,
        texts.KIND_STATUS,
        {"name": NAME, "status": "in_transit"},
        parcel_id=parcel.id,
    )
    assert row is not None
    return parcel.id, row


async def test_an_unparsable_push_is_logged_as_our_bug_and_counted(
    served: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    user = served.user()
    parcel_id, row = await _queue_push(served, user.id)
    before = await metric(served, "parcel_scout_push_unparsable_total", kind=texts.KIND_STATUS)
    served.emulator.fail_next(
        "sendMessage",
        status=400,
        description="Bad Request: can't parse entities: can't find end tag corresponding to \"b\"",
    )
    caplog.set_level(logging.INFO)
    services = served.services
    stats = await drain_outbox(served.app.bot, services.storage, services.clock)
    assert stats.failed == 1 and stats.sent == 0
    # Dropped: retrying the same HTML would fail the same way.
    assert await services.storage.outbox.depth() == 0
    stats = await drain_outbox(served.app.bot, services.storage, services.clock)
    assert stats.sent == 0 and len(served.emulator.calls("sendMessage")) == 1
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in caplog.records]
    said = errors[0].getMessage()
    assert texts.KIND_STATUS in said and f"parcel {parcel_id}" in said and f"outbox {row}" in said
    for record in caplog.records:
        assert NAME not in record.getMessage() and NUMBER not in record.getMessage()
    after = await metric(served, "parcel_scout_push_unparsable_total", kind=texts.KIND_STATUS)
    assert after - before == 1
    reason = await metric(
        served, "parcel_scout_pushes_total", outcome="failed", reason="unparsable"
    )
    assert reason >= 1


async def test_another_bad_request_is_dropped_without_an_error(
    served: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    user = served.user()
    await _queue_push(served, user.id)
    before = await metric(served, "parcel_scout_push_unparsable_total")
    served.emulator.fail_next("sendMessage", status=400, description="Bad Request: chat not found")
    caplog.set_level(logging.INFO)
    services = served.services
    stats = await drain_outbox(served.app.bot, services.storage, services.clock)
    assert stats.failed == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert await metric(served, "parcel_scout_push_unparsable_total") == before


async def test_a_push_slower_than_five_seconds_is_delivered_once(served: BotHarness) -> None:
    user = served.user()
    await _queue_push(served, user.id)
    retries = await metric(served, "parcel_scout_telegram_retries_total")
    assert SEND_READ_TIMEOUT > 6
    served.emulator.delay_next("sendMessage", 6.0)  # Telegram in a slow minute
    services = served.services
    stats = await drain_outbox(served.app.bot, services.storage, services.clock)
    assert stats.sent == 1
    assert len(served.emulator.calls("sendMessage")) == 1
    assert [m.text for m in user.messages if m.from_bot and NAME in (m.text or "")] != []
    assert len([m for m in user.messages if m.from_bot]) == 1
    assert await metric(served, "parcel_scout_telegram_retries_total") == retries


async def test_a_read_that_times_out_is_retried_and_counted(
    emulator: BotApiEmulator, tmp_path: Path
) -> None:
    harness = BotHarness(emulator, tmp_path / "bot.db")
    harness.http_server = True
    harness.app_options = {"read_timeout": 0.4}
    await harness.start()
    try:
        user = harness.user()
        labels = {"method": "sendMessage", "cause": "timed_out"}
        before = await metric(harness, "parcel_scout_telegram_retries_total", **labels)
        emulator.delay_next("sendMessage", 1.0)
        replies = await user.send("/help")
        assert replies and "What I can do" in replies[-1].text
        after = await metric(harness, "parcel_scout_telegram_retries_total", **labels)
        assert after - before == 1
        # Telegram finished the timed-out send too: the physical cost the metric counts.
        assert len(emulator.calls("sendMessage")) == 2
    finally:
        await harness.stop()
