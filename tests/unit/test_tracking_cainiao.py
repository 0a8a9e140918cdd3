from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.tracking import Blocked, NumberFailure, RateLimited, SourceUnavailable, Status
from bot.tracking.cainiao import ACTION_CODES, BATCH_SIZE, CainiaoClient, parse_tz
from tests.fakes.tracking_servers import Fail, FakeCainiao, FakeEvent, deterministic_events

N = "LP00068434402473"
T0 = datetime(2025, 3, 1, 4, 0, tzinfo=UTC)


def flow() -> list[FakeEvent]:
    return [
        FakeEvent(T0 + timedelta(days=9), "Arrived at delivery office", "GTMS_DO_ARRIVE"),
        FakeEvent(T0 + timedelta(days=3), "Departed from departure country", "LH_DEPART"),
        FakeEvent(T0 + timedelta(days=1), "Left the warehouse", "GWMS_OUTBOUND"),
        FakeEvent(T0, "Order received", "GWMS_ACCEPT"),
    ]


@pytest.fixture
async def fake() -> AsyncIterator[FakeCainiao]:
    async with FakeCainiao() as f:
        yield f  # type: ignore[misc]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def client(session: aiohttp.ClientSession, fake: FakeCainiao, total: float = 5) -> CainiaoClient:
    return CainiaoClient(session, fake.url, timeout=aiohttp.ClientTimeout(total=total))


async def test_parses_answer(fake: FakeCainiao, session: aiohttp.ClientSession) -> None:
    fake.set_events(N, flow(), dest="RU", carrier="Russian Post")
    res = (await client(session, fake).track([N]))[N]
    assert not isinstance(res, NumberFailure)
    assert res.status is Status.ARRIVED_DESTINATION
    assert res.source == "cainiao"
    assert (res.origin_country, res.dest_country, res.carrier) == ("CN", "RU", "Russian Post")
    assert [e.code for e in res.events] == [
        "GTMS_DO_ARRIVE",
        "LH_DEPART",
        "GWMS_OUTBOUND",
        "GWMS_ACCEPT",
    ]
    assert res.events[-1].time == T0
    assert res.events[0].description == "Arrived at delivery office"


async def test_request_shape_and_headers(fake: FakeCainiao, session: aiohttp.ClientSession) -> None:
    await client(session, fake).track([N, "RI937765505CN"])
    [req] = fake.requests
    assert req.path == "/global/detail.json"
    assert req.query == {"mailNos": f"{N},RI937765505CN", "lang": "en-US", "language": "en-US"}
    assert "Mozilla/5.0" in req.headers["User-Agent"]
    assert req.headers["Referer"] == "https://global.cainiao.com/"


async def test_batches(fake: FakeCainiao, session: aiohttp.ClientSession) -> None:
    numbers = [f"LP{i:014d}" for i in range(2 * BATCH_SIZE + 3)]
    out = await client(session, fake).track(numbers + numbers[:2])
    assert set(out) == set(numbers)
    sizes = [len(b) for b in fake.asked_numbers()]
    assert sizes == [BATCH_SIZE, BATCH_SIZE, 3]


async def test_unknown_and_empty_details_are_not_found(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    fake.set_events("RI937765505CN", [])
    out = await client(session, fake).track([N, "RI937765505CN"])
    for n in (N, "RI937765505CN"):
        res = out[n]
        assert not isinstance(res, NumberFailure)
        assert res.status is Status.NOT_FOUND and res.events == ()
    assert out[N].extra["mailNoSource"] == "EXTERNAL"  # type: ignore[union-attr]


async def test_missing_number_is_per_number_failure(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    fake.set_events(N, flow())
    fake.omitted.add("RI937765505CN")
    out = await client(session, fake).track([N, "RI937765505CN"])
    assert isinstance(out["RI937765505CN"], NumberFailure)
    assert not isinstance(out[N], NumberFailure)


async def test_relabel_kept(fake: FakeCainiao, session: aiohttp.ClientSession) -> None:
    fake.set_events(N, flow())
    fake.relabel(N, "RU123456789NL")
    res = (await client(session, fake).track([N]))[N]
    assert res.real_number == "RU123456789NL"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("tz", "expected"),
    [("GMT+8", T0), ("", T0), ("GMT-3", T0), ("GMT+05:30", T0), ("GMT", T0)],
)
async def test_time_zones(
    fake: FakeCainiao, session: aiohttp.ClientSession, tz: str, expected: datetime
) -> None:
    # the fake writes local time in `tz`; blank means GMT+8 for both sides
    fake.set_events(N, [FakeEvent(T0, "Order received", "GWMS_ACCEPT", tz=tz)])
    res = (await client(session, fake).track([N]))[N]
    assert res.events[0].time == expected  # type: ignore[union-attr]


def test_parse_tz_no_dst_and_fallback() -> None:
    assert parse_tz("").utcoffset(None) == timedelta(hours=8)
    assert parse_tz(None).utcoffset(None) == timedelta(hours=8)
    assert parse_tz("nonsense").utcoffset(None) == timedelta(hours=8)
    assert parse_tz("GMT-3").utcoffset(None) == timedelta(hours=-3)
    # fixed offset: the same in July as in January
    july = datetime(2025, 7, 1, 12, tzinfo=parse_tz("GMT+8"))
    jan = datetime(2025, 1, 1, 12, tzinfo=parse_tz("GMT+8"))
    assert july.utcoffset() == jan.utcoffset() == timedelta(hours=8)


async def test_keys_stable_when_reworded_reordered_duplicated(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    c = client(session, fake)
    fake.set_events(N, flow())
    before = (await c.track([N]))[N].event_keys  # type: ignore[union-attr]
    fake.reword(N, 1, "Flight   departed  (reworded by the carrier)")
    fake.duplicate(N, 0)
    fake.duplicate(N, 2)
    fake.reorder(N)
    res = (await c.track([N]))[N]
    assert res.event_keys == before  # type: ignore[union-attr]
    assert len(res.events) == 4  # type: ignore[union-attr]
    fake.add_event(N, FakeEvent(T0 + timedelta(days=10), "Out for delivery", "GTMS_DO_DEPART"))
    after = (await c.track([N]))[N]
    assert after.event_keys[1:] == before  # type: ignore[union-attr]
    assert after.status is Status.OUT_FOR_DELIVERY  # type: ignore[union-attr]


async def test_unknown_action_code_kept(fake: FakeCainiao, session: aiohttp.ClientSession) -> None:
    fake.set_events(
        N,
        [
            FakeEvent(T0 + timedelta(days=2), "Something new", "BRAND_NEW_CODE"),
            FakeEvent(T0, "Departed", "LH_DEPART"),
        ],
    )
    res = (await client(session, fake).track([N]))[N]
    assert res.events[0].code == "BRAND_NEW_CODE" and res.events[0].status is None  # type: ignore[union-attr]
    assert res.status is Status.IN_TRANSIT  # type: ignore[union-attr]


def test_mapping_covers_every_documented_code() -> None:
    documented = [
        "GWMS_ACCEPT",
        "GWMS_PACKAGE",
        "GWMS_OUTBOUND",
        "WMS_CONFIRMED",
        "PU_PICKUP_SUCCESS",
        "CW_OUTBOUND",
        "SC_INBOUND_SUCCESS",
        "SC_OUTBOUND_SUCCESS",
        "LH_HO_IN_SUCCESS",
        "LH_HO_AIRLINE",
        "LH_DEPART",
        "LH_ARRIVE",
        "CC_EX_START",
        "CC_EX_SUCCESS",
        "CC_HO_IN_SUCCESS",
        "CC_HO_OUT_SUCCESS",
        "CC_IM_START",
        "CC_IM_SUCCESS",
        "CUSTOMS_ARRIVED_IN_AREA_CALLBACK",
        "TRANSIT_PORT_REROUTE_CALLBACK",
        "TD_TRANSWH_OUTBOUND",
        "GTMS_ACCEPT",
        "GTMS_DO_ARRIVE",
        "GTMS_STATION_OUT",
        "GTMS_DO_DEPART",
        "GTMS_SIGNED",
        "GTMS_DEL_FAILURE",
    ]
    assert set(documented) == set(ACTION_CODES)
    assert ACTION_CODES["GTMS_DO_DEPART"] is Status.OUT_FOR_DELIVERY
    assert ACTION_CODES["GTMS_SIGNED"] is Status.DELIVERED
    assert ACTION_CODES["GTMS_DEL_FAILURE"] is Status.DELIVERY_FAILED
    assert ACTION_CODES["CC_IM_START"] is Status.IN_CUSTOMS


@pytest.mark.parametrize(
    ("mode", "error"),
    [
        (Fail.CAPTCHA, Blocked),
        (Fail.ANTIBOT_JSON, Blocked),
        (Fail.HTML, SourceUnavailable),
        (Fail.TOO_MANY, RateLimited),
        (Fail.SERVER_ERROR, SourceUnavailable),
        (Fail.BAD_GATEWAY, SourceUnavailable),
        (Fail.SLOW, SourceUnavailable),
        (Fail.TRUNCATED, SourceUnavailable),
        (Fail.EMPTY, SourceUnavailable),
        (Fail.GARBAGE, SourceUnavailable),
    ],
)
async def test_failure_modes(
    fake: FakeCainiao, session: aiohttp.ClientSession, mode: Fail, error: type[Exception]
) -> None:
    fake.set_events(N, flow())
    fake.fail_next(mode)
    c = client(session, fake, total=0.3)
    with pytest.raises(error) as info:
        await c.track([N])
    if mode is Fail.TOO_MANY:
        assert info.value.retry_after == 7  # type: ignore[attr-defined]
    # the next call works again
    assert (await c.track([N]))[N].status is Status.ARRIVED_DESTINATION  # type: ignore[union-attr]


async def test_default_events_factory(session: aiohttp.ClientSession) -> None:
    async with FakeCainiao(default_events=deterministic_events, latency=0.01) as fake:
        c = client(session, fake)
        a = await c.track(["LP00000000000001", "LP00000000000002"])
        b = await c.track(["LP00000000000001"])
        assert a["LP00000000000001"] == b["LP00000000000001"]
        assert all(not isinstance(r, NumberFailure) and r.events for r in a.values())
