import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.tracking import (
    NumberFailure,
    RateLimited,
    SourceMisconfigured,
    SourceUnavailable,
    Status,
    TrackResult,
)
from bot.tracking.russianpost import RussianPostClient, accepts, build_envelope
from tests.fakes.tracking_servers import Fail, FakeRussianPost, RPOperation

N = "RA644000001RU"
T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)


def history() -> list[RPOperation]:  # oldest first, as the post answers
    return [
        RPOperation(T0, 9, "Import", None, "", "102977", "Moscow sorting"),
        RPOperation(T0 + timedelta(days=1), 11, "Handed to customs", 1, "Accepted by customs"),
        RPOperation(T0 + timedelta(days=2), 14, "Customs clearance", 1, "Released"),
        RPOperation(T0 + timedelta(days=4), 8, "Processing", 2, "Arrived at delivery office"),
    ]


@pytest.fixture
async def fake() -> AsyncIterator[FakeRussianPost]:
    async with FakeRussianPost("user", "p<&>ss") as f:
        yield f  # type: ignore[misc]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def client(
    session: aiohttp.ClientSession,
    fake: FakeRussianPost,
    password: str = "p<&>ss",
    total: float = 5,
) -> RussianPostClient:
    return RussianPostClient(
        session, "user", password, fake.url, timeout=aiohttp.ClientTimeout(total=total)
    )


async def test_history(fake: FakeRussianPost, session: aiohttp.ClientSession) -> None:
    fake.set_history(N, history())
    res = (await client(session, fake).track([N]))[N]
    assert isinstance(res, TrackResult)
    assert res.status is Status.AVAILABLE_FOR_PICKUP
    assert [e.code for e in res.events] == ["8.2", "14.1", "11.1", "9"]  # newest first
    assert res.events[0].time == T0 + timedelta(days=4)  # +03:00 on the wire, UTC here
    assert res.events[-1].location == "102977 Moscow sorting"
    assert res.events[1].status is Status.IN_CUSTOMS
    assert (res.origin_country, res.dest_country, res.carrier) == ("CN", "RU", "Russian Post")


async def test_envelope_escapes_and_is_soap12(
    fake: FakeRussianPost, session: aiohttp.ClientSession
) -> None:
    await client(session, fake).track([N])  # the password has <&>; the fake accepted it
    [req] = fake.requests
    assert req.headers["Content-Type"].startswith("application/soap+xml")
    assert fake.barcodes_asked() == [N]
    root = ET.fromstring(build_envelope("A<B", "l&", "p>"))
    assert root.tag == "{http://www.w3.org/2003/05/soap-envelope}Envelope"
    assert [e.text for e in root.iter() if e.tag.endswith("}Barcode")] == ["A<B"]


async def test_unknown_barcode_not_found(
    fake: FakeRussianPost, session: aiohttp.ClientSession
) -> None:
    res = (await client(session, fake).track(["80085212345678"]))["80085212345678"]
    assert isinstance(res, TrackResult) and res.status is Status.NOT_FOUND


@pytest.mark.parametrize(
    ("ops", "status"),
    [
        ([(1, None)], Status.IN_TRANSIT),
        ([(2, 1)], Status.DELIVERED),
        ([(2, 2)], Status.RETURNED),
        ([(3, 1)], Status.RETURNING),
        ([(5, 1)], Status.DELIVERY_FAILED),
        ([(6, 1)], Status.AVAILABLE_FOR_PICKUP),
        ([(8, 13)], Status.ARRIVED_DESTINATION),
        ([(8, 15)], Status.OUT_FOR_DELIVERY),
        ([(10, None)], Status.IN_TRANSIT),
        ([(12, 1)], Status.DELIVERY_FAILED),
        ([(16, None)], Status.EXCEPTION),
        ([(9, None), (99, 1)], Status.ARRIVED_DESTINATION),  # unknown type kept, status from older
    ],
)
async def test_oper_type_mapping(
    fake: FakeRussianPost,
    session: aiohttp.ClientSession,
    ops: list[tuple[int, int | None]],
    status: Status,
) -> None:
    fake.set_history(
        N, [RPOperation(T0 + timedelta(hours=i), t, f"type {t}", a) for i, (t, a) in enumerate(ops)]
    )
    res = (await client(session, fake).track([N]))[N]
    assert isinstance(res, TrackResult) and res.status is status


async def test_auth_fault(fake: FakeRussianPost, session: aiohttp.ClientSession) -> None:
    with pytest.raises(SourceMisconfigured):
        await client(session, fake, password="wrong").track([N])


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        (Fail.SOAP_LIMIT, RateLimited),
        (Fail.DOCTYPE, SourceUnavailable),
        (Fail.SERVER_ERROR, SourceUnavailable),
        (Fail.TOO_MANY, RateLimited),
        (Fail.SLOW, SourceUnavailable),
        (Fail.TRUNCATED, SourceUnavailable),
        (Fail.EMPTY, SourceUnavailable),
        (Fail.GARBAGE, SourceUnavailable),
        (Fail.HTML, SourceUnavailable),
    ],
)
async def test_failure_modes(
    fake: FakeRussianPost, session: aiohttp.ClientSession, mode: Fail, error: type[Exception]
) -> None:
    fake.set_history(N, history())
    fake.fail_next(mode)
    c = client(session, fake, total=0.3)
    with pytest.raises(error):
        await c.track([N])
    assert isinstance((await c.track([N]))[N], TrackResult)


async def test_operation_fault_is_per_number(
    fake: FakeRussianPost, session: aiohttp.ClientSession
) -> None:
    fake.set_history(N, history())
    fake.fail_next(Fail.SOAP_FAULT)
    out = await client(session, fake).track(["80085212345678", N])
    assert isinstance(out["80085212345678"], NumberFailure)
    assert isinstance(out[N], TrackResult)


def test_accepts() -> None:
    assert accepts("80085212345678")
    assert accepts("RA644000001RU")
    assert accepts("ra644000001ru")
    assert not accepts("RI937765505CN")
    assert accepts("RI937765505CN", dest_country="RU")
    assert not accepts("LP00068434402473", dest_country="RU")
