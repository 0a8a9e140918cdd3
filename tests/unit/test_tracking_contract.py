"""One contract for every tracking source: how a client meets a vendor having a bad day.

Each source runs against its fake server. A broken answer (captcha, anti-bot JSON, HTML, 429,
5xx, a slow answer, a truncated, empty or garbage body) raises the typed whole-call error the
router knows how to back off from (never a crash, never a wrong result), and the next call works.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiolimiter import AsyncLimiter

from bot.tracking import (
    Blocked,
    InMemoryRegistrationStore,
    RateLimited,
    SourceError,
    SourceMisconfigured,
    SourceUnavailable,
    TrackResult,
)
from bot.tracking.cainiao import CainiaoClient
from bot.tracking.http import MAX_BODY
from bot.tracking.model import Source
from bot.tracking.russianpost import RussianPostClient
from bot.tracking.track17 import Track17Client
from tests.fakes.tracking_servers import (
    Fail,
    Fake17Track,
    FakeCainiao,
    FakeEvent,
    FakeRussianPost,
    RPOperation,
    _FakeServer,
)

N_CN = "LP00068434402473"
N_RU = "RA644000001RU"
T0 = datetime(2025, 3, 1, 4, 0, tzinfo=UTC)
TIMEOUT = aiohttp.ClientTimeout(total=0.5)


@dataclass
class Vendor:
    name: str
    fake: _FakeServer
    client: Source
    number: str


async def _cainiao(session: aiohttp.ClientSession, stack: AsyncExitStack) -> Vendor:
    fake = FakeCainiao()
    await stack.enter_async_context(fake)
    fake.set_events(
        N_CN,
        [
            FakeEvent(T0 + timedelta(days=3), "Departed from departure country", "LH_DEPART"),
            FakeEvent(T0, "Received by logistics company", "PU_PICKUP_SUCCESS"),
        ],
    )
    return Vendor("cainiao", fake, CainiaoClient(session, fake.url, timeout=TIMEOUT), N_CN)


async def _track17(session: aiohttp.ClientSession, stack: AsyncExitStack) -> Vendor:
    fake = Fake17Track("key")
    await stack.enter_async_context(fake)
    fake.set_events(N_CN, [FakeEvent(T0, "Departed", "Departure", "Guangzhou")])
    client = Track17Client(
        session,
        "key",
        InMemoryRegistrationStore(),
        fake.url,
        timeout=TIMEOUT,
        limiter=AsyncLimiter(1000, 1),
    )
    return Vendor("17track", fake, client, N_CN)


async def _russianpost(session: aiohttp.ClientSession, stack: AsyncExitStack) -> Vendor:
    fake = FakeRussianPost("user", "secret")
    await stack.enter_async_context(fake)
    fake.set_history(N_RU, [RPOperation(T0, 1, "Accepted", 1, "Single")])
    client = RussianPostClient(session, "user", "secret", fake.url, timeout=TIMEOUT)
    return Vendor("russianpost", fake, client, N_RU)


SOURCES: dict[str, Callable[[aiohttp.ClientSession, AsyncExitStack], Awaitable[Vendor]]] = {
    "cainiao": _cainiao,
    "17track": _track17,
    "russianpost": _russianpost,
}


@pytest.fixture(params=list(SOURCES))
async def vendor(request: pytest.FixtureRequest) -> AsyncIterator[Vendor]:
    async with aiohttp.ClientSession() as session, AsyncExitStack() as stack:
        yield await SOURCES[request.param](session, stack)


# What every source raises for each broken answer. Blocked is a SourceUnavailable: the contract
# asks for the more precise one only where the vendor really sends that page.
CONTRACT: list[tuple[Fail, type[SourceError]]] = [
    (Fail.CAPTCHA, SourceUnavailable),
    (Fail.ANTIBOT_JSON, SourceUnavailable),
    (Fail.HTML, SourceUnavailable),
    (Fail.TOO_MANY, RateLimited),
    (Fail.SERVER_ERROR, SourceUnavailable),
    (Fail.BAD_GATEWAY, SourceUnavailable),
    (Fail.SLOW, SourceUnavailable),
    (Fail.TRUNCATED, SourceUnavailable),
    (Fail.EMPTY, SourceUnavailable),
    (Fail.GARBAGE, SourceUnavailable),
]
PRECISE: dict[tuple[str, Fail], type[SourceError]] = {
    ("cainiao", Fail.CAPTCHA): Blocked,
    ("cainiao", Fail.ANTIBOT_JSON): Blocked,
}


async def _works(vendor: Vendor) -> TrackResult:
    res = (await vendor.client.track([vendor.number]))[vendor.number]
    assert isinstance(res, TrackResult), res
    assert res.events
    return res


@pytest.mark.parametrize(("mode", "error"), CONTRACT, ids=[m.value for m, _ in CONTRACT])
async def test_broken_answer_is_a_typed_error_and_the_next_call_works(
    vendor: Vendor, mode: Fail, error: type[SourceError]
) -> None:
    vendor.fake.fail_next(mode)
    expected = PRECISE.get((vendor.name, mode), error)
    with pytest.raises(expected) as info:
        await vendor.client.track([vendor.number])
    if mode is Fail.TOO_MANY:
        assert isinstance(info.value, RateLimited) and info.value.retry_after == 7
    await _works(vendor)


async def test_answers_in_small_pieces_are_read_whole(vendor: Vendor) -> None:
    whole = await _works(vendor)
    vendor.fake.send_in_pieces(64, 0.002)
    assert await _works(vendor) == whole


@pytest.mark.parametrize("chunked", [False, True], ids=["with-length", "chunked"])
async def test_an_answer_past_the_limit_is_refused(vendor: Vendor, chunked: bool) -> None:
    vendor.fake.huge_bytes = MAX_BODY + 1
    if chunked:  # no Content-Length: the running count stops it
        vendor.fake.send_in_pieces(256 * 1024, 0)
    vendor.fake.fail_next(Fail.HUGE)
    with pytest.raises(SourceUnavailable, match="answer too large"):
        await vendor.client.track([vendor.number])
    vendor.fake.send_in_pieces(None)
    await _works(vendor)


async def test_a_refused_login_is_a_configuration_error(vendor: Vendor) -> None:
    if isinstance(vendor.fake, FakeRussianPost):
        vendor.fake.password = "changed"
    elif isinstance(vendor.fake, Fake17Track):
        vendor.fake.api_key = "changed"
    else:
        pytest.skip("Cainiao needs no credentials")
    with pytest.raises(SourceMisconfigured):
        await vendor.client.track([vendor.number])
