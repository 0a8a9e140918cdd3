"""Issue 14: track numbers and what users type stay out of INFO logs (DEBUG only)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date

import aiohttp
import pytest
from aiolimiter import AsyncLimiter

from bot.core.advice.interview import Interview
from bot.tracking import InMemoryRegistrationStore
from bot.tracking.track17 import Track17Client
from tests.fakes.tracking_servers import Fake17Track

KEY = "test-key"
NUMBER = "RB000000007CN"
TYPED = "my secret 12345 answer"


@pytest.fixture
async def fake() -> AsyncIterator[Fake17Track]:
    async with Fake17Track(KEY) as f:
        yield f  # type: ignore[misc]


def info_and_above(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.INFO]


async def test_a_rejected_stoptrack_logs_no_number_at_info(
    fake: Fake17Track, caplog: pytest.LogCaptureFixture
) -> None:
    fake.registered.add(NUMBER)
    fake.reject[NUMBER] = (-18019906, "only numbers being tracked can be stopped")
    caplog.set_level(logging.DEBUG)
    async with aiohttp.ClientSession() as session:
        client = Track17Client(
            session, KEY, InMemoryRegistrationStore(), fake.url, limiter=AsyncLimiter(1000, 1)
        )
        assert await client.stoptrack([NUMBER]) == [NUMBER]
    said = info_and_above(caplog)
    assert any("stoptrack rejected" in line for line in said), said
    assert not any(NUMBER in line for line in said), said
    assert any(NUMBER in r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG)


@pytest.mark.parametrize(("name", "raw"), [("order_finished_days_ago", TYPED),
                                           ("price_usd", f"~{TYPED}")])  # fmt: skip
def test_an_odd_typed_answer_is_not_logged_at_info(
    name: str, raw: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    interview = Interview()
    interview.asking = name
    interview.take(name, raw, date(2026, 12, 1))
    said = info_and_above(caplog)
    assert any("odd" in line for line in said), [r.getMessage() for r in caplog.records]
    assert not any(TYPED in line for line in said), said
