import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.tracking import NumberFailure, Status, TrackResult
from bot.tracking.cainiao import (
    ACTION_CODES,
    BATCH_SIZE,
    CainiaoClient,
    clean_number,
    parse_answer,
    parse_event_time,
)
from bot.tracking.countries import country_code
from tests.fakes.tracking_servers import FakeCainiao, FakeEvent, deterministic_events

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


def ok(r: object) -> TrackResult:
    assert isinstance(r, TrackResult), r
    return r


async def test_unknown_number_is_not_found(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    fake.set_unknown("RI937765505CN")
    out = await client(session, fake).track([N, "RI937765505CN"])  # N: never set, unknown too
    for n in (N, "RI937765505CN"):
        res = ok(out[n])
        assert res.status is Status.NOT_FOUND and res.events == ()
        assert res.extra["mailNoSource"] == "EXTERNAL"


async def test_label_not_handed_over_is_awaiting_dispatch_not_unknown(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    fake.set_events(N, [], dest="IL")  # Cainiao knows it (AE), SELLER_PREPARING, no events
    res = ok((await client(session, fake).track([N]))[N])
    assert res.status is Status.AWAITING_DISPATCH and res.events == ()
    assert res.raw_status == "SELLER_PREPARING"
    assert res.extra["statusDesc"] == "Awaiting seller dispatch"
    assert (res.origin_country, res.dest_country) == ("CN", "IL")


async def test_warehouse_paperwork_under_seller_preparing_is_still_awaiting_dispatch(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    fake.set_events(N, [FakeEvent(T0, "Order received", "GWMS_ACCEPT")], status="SELLER_PREPARING")
    assert ok((await client(session, fake).track([N]))[N]).status is Status.AWAITING_DISPATCH


def test_latest_trace_kept_when_the_list_is_empty() -> None:
    latest = {"time": 1674796980000, "actionCode": "LH_ARRIVE", "standerdDesc": "Arrived"}
    module = {"mailNo": N, "mailNoSource": "AE", "status": "DELIVERING", "detailList": [],
              "latestTrace": latest}  # fmt: skip
    body = json.dumps({"success": True, "module": [module]}).encode()
    res = ok(parse_answer([N], body)[N])
    assert [e.code for e in res.events] == ["LH_ARRIVE"]
    assert res.status is Status.ARRIVED_DESTINATION


async def test_module_status_used_when_no_event_code_is_known(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    fake.set_events(N, [FakeEvent(T0, "Something new", "BRAND_NEW")], status="CLEAR_CUSTOMS")
    res = ok((await client(session, fake).track([N]))[N])
    assert res.status is Status.IN_CUSTOMS
    assert res.extra["statusDesc"] == "In customs"  # Cainiao's trailing space tidied


async def test_missing_number_is_per_number_failure(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    fake.set_events(N, flow())
    fake.omitted.add("RI937765505CN")
    out = await client(session, fake).track([N, "RI937765505CN"])
    assert isinstance(out["RI937765505CN"], NumberFailure)
    assert not isinstance(out[N], NumberFailure)


async def test_labelled_real_number_yields_the_number(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    fake.set_events(N, flow())
    fake.relabel(N, "RU123456789NL")  # sent as "Latest Tracking Number:\tRU123456789NL"
    res = ok((await client(session, fake).track([N]))[N])
    assert res.real_number == "RU123456789NL"
    # an answer that lists the parcel under its new number only still answers the one asked
    body = json.dumps({"success": True, "module": [fake.render_module(N) | {"mailNo": "X"}]})
    assert ok(parse_answer(["RU123456789NL"], body.encode())["RU123456789NL"]).events


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("Latest Tracking Number:\tRC000000003EE", "RC000000003EE"),
        ("  rc000000003ee ", "RC000000003EE"),
        ("Latest Tracking Number:", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_number(raw: object, number: str) -> None:
    assert clean_number(raw) == number


@pytest.mark.parametrize("label", ["GMT+8", "", "GMT+0800", "GMT+0", "GMT+2", "GMT-3", "junk"])
async def test_the_epoch_is_the_time_whatever_the_label(
    fake: FakeCainiao, session: aiohttp.ClientSession, label: str
) -> None:
    # the fake writes timeStr in China time under every label, as Cainiao does
    when = T0 + timedelta(milliseconds=862)
    fake.set_events(N, [FakeEvent(when, "Import clearance started", "CC_IM_START", tz=label)])
    assert ok((await client(session, fake).track([N]))[N]).events[0].time == when


def test_event_time_epoch_in_ms_or_s_then_china_time_string() -> None:
    ms = {"time": 1674697620000, "timeStr": "2023-01-26 09:47:00", "timeZone": "GMT+0"}
    s = {"time": 1674697620, "timeStr": "garbage"}
    text_only = {"timeStr": "2023-01-26 09:47:00", "timeZone": "GMT+0"}
    expected = datetime(2023, 1, 26, 1, 47, tzinfo=UTC)
    assert parse_event_time(ms) == parse_event_time(s) == parse_event_time(text_only) == expected
    assert parse_event_time({"time": None, "timeStr": ""}) is None
    assert parse_event_time({"time": 10**30}) is None  # out of range: no time, no crash


async def test_events_sharing_an_epoch_are_one_instant_in_vendor_order(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    t = T0 + timedelta(days=3)
    fake.set_events(
        N,
        [  # newest first; three labels, one instant
            FakeEvent(t, "Import customs clearance complete", "CC_IM_SUCCESS", tz="GMT+0"),
            FakeEvent(t, "Departed from customs", "CC_HO_OUT_SUCCESS", tz="GMT+3"),
            FakeEvent(t, "Customs", "CUSTOMS_ARRIVED_IN_AREA_CALLBACK", tz="GMT+8"),
            FakeEvent(T0, "Received by logistics company", "PU_PICKUP_SUCCESS"),
        ],
    )
    res = ok((await client(session, fake).track([N]))[N])
    assert [e.code for e in res.events] == [
        "CC_IM_SUCCESS",
        "CC_HO_OUT_SUCCESS",
        "CUSTOMS_ARRIVED_IN_AREA_CALLBACK",
        "PU_PICKUP_SUCCESS",
    ]
    assert {e.time for e in res.events[:3]} == {t}


async def test_carrier_words_kept_next_to_the_standard_text(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    fake.set_events(
        N,
        [
            FakeEvent(T0 + timedelta(hours=2), "Carrier update", "TRANSIT_PORT_REROUTE_CALLBACK",
                      carrier_text="preMainCode:SINOA00241668IL"),
            FakeEvent(T0 + timedelta(hours=1), "Carrier update", "WMS_CONFIRMED"),  # 包裹已出库
            FakeEvent(T0, "Same words", "CC_EX_START", carrier_text="Same words"),
        ],
    )  # fmt: skip
    res = ok((await client(session, fake).track([N]))[N])
    assert [(e.description, e.detail) for e in res.events] == [
        ("Carrier update", "preMainCode:SINOA00241668IL"),
        ("Carrier update", "包裹已出库"),
        ("Same words", ""),
    ]
    assert res.handover_numbers == ("SINOA00241668IL",)


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Mainland China", "CN"),
        ("Israel", "IL"),
        ("Russian Federation", "RU"),
        ("Russia", "RU"),
        ("Hong Kong, China", "HK"),
        ("Czech Republic", "CZ"),
        ("Côte d’Ivoire", "CI"),  # Babel's English name, accents folded
        ("United Kingdom", "GB"),
        ("UK", "GB"),
        ("ru", "RU"),
        ("Atlantis", None),
        ("", None),
        (None, None),
    ],
)
def test_country_names(name: object, code: str | None) -> None:
    assert country_code(name) == code


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


SEEN_IN_REAL_DATA = [  # the captures, and codes other projects recorded (tracking-apis.md)
    "GWMS_ACCEPT", "GWMS_PACKAGE", "GWMS_OUTBOUND", "WMS_CONFIRMED", "PU_PICKUP_SUCCESS",
    "SC_INBOUND_SUCCESS", "SC_OUTBOUND_SUCCESS", "LH_HO_IN_SUCCESS", "LH_HO_AIRLINE", "LH_DEPART",
    "LH_ARRIVE", "CC_EX_START", "CC_EX_SUCCESS", "CC_HO_IN_SUCCESS", "CC_HO_OUT_SUCCESS",
    "CC_IM_START", "CC_IM_SUCCESS", "CUSTOMS_ARRIVED_IN_AREA_CALLBACK",
    "TRANSIT_PORT_REROUTE_CALLBACK", "LH_POST_COLLECTION", "COMMON_INTRANSIT", "GTMS_OE_DEPART",
    "GTMS_STA_SIGNED", "TD_TRANS_ARRIVE_DCP", "TD_TRANS_DEPART_C", "TD_TRANS_ARRIVE_C",
    "PU_PRE_PICKUP_SUCCESS", "PRE_READY_TO_SHIP", "GSTA_INBOUND", "LH_BIGBAG_SHELVE",
]  # fmt: skip


def test_every_code_seen_in_real_data_is_mapped() -> None:
    assert [c for c in SEEN_IN_REAL_DATA if c not in ACTION_CODES] == []
    assert ACTION_CODES["GTMS_DO_DEPART"] is Status.OUT_FOR_DELIVERY
    assert ACTION_CODES["GTMS_SIGNED"] is Status.DELIVERED
    assert ACTION_CODES["GTMS_DEL_FAILURE"] is Status.DELIVERY_FAILED
    assert ACTION_CODES["CC_IM_START"] is Status.IN_CUSTOMS
    assert ACTION_CODES["PRE_READY_TO_SHIP"] is Status.AWAITING_DISPATCH


async def test_answer_arriving_in_pieces_is_read_whole(
    fake: FakeCainiao, session: aiohttp.ClientSession
) -> None:
    events = deterministic_events("LP00000000000013")
    numbers = [f"LP{i:014d}" for i in range(8)]
    for n in numbers:
        fake.set_events(n, events)
    fake.send_in_pieces(1400, 0.01)
    out = await client(session, fake).track(numbers)
    assert all(len(ok(out[n]).events) == len(events) for n in numbers)
    assert len(fake.requests) == 1


async def test_default_events_factory(session: aiohttp.ClientSession) -> None:
    async with FakeCainiao(default_events=deterministic_events, latency=0.01) as fake:
        c = client(session, fake)
        a = await c.track(["LP00000000000001", "LP00000000000002"])
        b = await c.track(["LP00000000000001"])
        assert a["LP00000000000001"] == b["LP00000000000001"]
        assert all(not isinstance(r, NumberFailure) and r.events for r in a.values())
