import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiolimiter import AsyncLimiter

from bot.tracking import (
    InMemoryRegistrationStore,
    InvalidSignature,
    NumberFailure,
    QuotaExhausted,
    SourceMisconfigured,
    SourceUnavailable,
    Status,
    TrackResult,
    parse_17track_push,
)
from bot.tracking.track17 import Track17Client, map_status, parse_item
from tests.fakes.tracking_servers import Fake17Track, FakeEvent

KEY = "test-key"
N = "RI937765505CN"
T0 = datetime(2025, 3, 1, 4, 0, tzinfo=UTC)


def events() -> list[FakeEvent]:
    return [
        FakeEvent(T0 + timedelta(days=5), "Arrived at destination", "Arrival", "Moscow, RU"),
        FakeEvent(T0 + timedelta(days=2), "Departed", "", "Guangzhou, CN"),
        FakeEvent(T0, "Shipment information received", "InfoReceived", "Shenzhen"),
    ]


@pytest.fixture
async def fake() -> AsyncIterator[Fake17Track]:
    async with Fake17Track(KEY) as f:
        yield f  # type: ignore[misc]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def client(
    session: aiohttp.ClientSession,
    fake: Fake17Track,
    store: InMemoryRegistrationStore | None = None,
    key: str = KEY,
    total: float = 5,
    limiter: AsyncLimiter | None = None,
) -> Track17Client:
    return Track17Client(
        session,
        key,
        store or InMemoryRegistrationStore(),
        fake.url,
        timeout=aiohttp.ClientTimeout(total=total),
        # fast for most tests; the rate-limit test uses the real default
        limiter=limiter or AsyncLimiter(1000, 1),
    )


def ok(r: object) -> TrackResult:
    assert isinstance(r, TrackResult), r
    return r


async def test_registers_once_then_tracks(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    fake.set_events(N, events(), status="InTransit", sub_status="InTransit_Arrival")
    store = InMemoryRegistrationStore()
    c = client(session, fake, store)
    res = ok((await c.track([N]))[N])
    assert res.status is Status.ARRIVED_DESTINATION
    assert res.raw_status == "InTransit/InTransit_Arrival"
    assert (res.carrier, res.origin_country, res.dest_country) == ("China Post", "CN", "RU")
    assert [e.code for e in res.events] == ["Arrival", "", "InfoReceived"]
    assert res.events[0].location == "Moscow, RU"
    assert res.events[0].time == T0 + timedelta(days=5)
    await c.track([N])
    await client(session, fake, store).track([N])  # a new client sharing the store
    assert fake.register_count == {N: 1}
    assert len(fake.calls("register")) == 1
    assert len(fake.calls("gettrackinfo")) == 3
    assert fake.calls("register")[0].headers["17token"] == KEY
    assert fake.calls("register")[0].json() == [{"number": N}]


async def test_already_registered_counts_as_success(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    fake.registered.add(N)
    store = InMemoryRegistrationStore()
    res = ok((await client(session, fake, store).track([N]))[N])
    assert res.status is Status.NOT_FOUND and res.events == ()  # registered, no data, no times
    assert await store.is_registered(N)


async def test_not_registered_registers_and_retries_once(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    fake.set_events(N, events())
    store = InMemoryRegistrationStore()
    await store.mark_registered(N)  # we believe it is registered; 17TRACK forgot it
    res = ok((await client(session, fake, store).track([N]))[N])
    assert res.events
    ops = [r.path.rsplit("/", 1)[-1] for r in fake.requests]
    assert ops == ["gettrackinfo", "register", "gettrackinfo"]


async def test_batches_of_40_under_3_per_second(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    numbers = [f"RB{i:09d}CN" for i in range(85)]
    c = Track17Client(session, KEY, InMemoryRegistrationStore(), fake.url)
    out = await c.track(numbers)
    assert len(out) == 85
    sizes = [(r.path.rsplit("/", 1)[-1], len(r.json())) for r in fake.requests]
    ops = ["register"] * 3 + ["gettrackinfo"] * 3
    assert sizes == list(zip(ops, [40, 40, 5, 40, 40, 5], strict=True))
    times = [r.at for r in fake.requests]
    # no more than 3 requests start inside any 1-second window (small slack for scheduling)
    for i in range(len(times) - 3):
        assert times[i + 3] - times[i] >= 0.9


async def test_stoptrack_after_delivery(fake: Fake17Track, session: aiohttp.ClientSession) -> None:
    fake.set_events(
        N,
        [FakeEvent(T0 + timedelta(days=9), "Delivered", "Delivered"), *events()],
        status="Delivered",
        sub_status="Delivered_Other",
    )
    c = client(session, fake)
    assert ok((await c.track([N]))[N]).status is Status.DELIVERED
    await c.track([N])
    assert fake.stopped == {N}
    assert len(fake.calls("stoptrack")) == 1


@pytest.mark.parametrize(
    ("code", "error"),
    [(-18019908, QuotaExhausted), (-18019907, QuotaExhausted), (-18010002, SourceMisconfigured)],
)
async def test_request_level_errors(
    fake: Fake17Track, session: aiohttp.ClientSession, code: int, error: type[Exception]
) -> None:
    fake.request_error = (code, "nope")
    with pytest.raises(error):
        await client(session, fake).track([N])


async def test_invalid_key(fake: Fake17Track, session: aiohttp.ClientSession) -> None:
    with pytest.raises(SourceMisconfigured):
        await client(session, fake, key="wrong").track([N])


async def test_quota_exhausted_on_register(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    fake.quota = 1
    with pytest.raises(QuotaExhausted):
        await client(session, fake).track([N, "RB000000001CN"])


async def test_carrier_not_detected_is_per_number(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    fake.set_events(N, events())
    fake.reject["XX1"] = (-18019903, "carrier can not be detected")
    out = await client(session, fake).track([N, "XX1"])
    bad = out["XX1"]
    assert isinstance(bad, NumberFailure) and bad.code == "-18019903" and not bad.retryable
    assert ok(out[N]).events


async def test_event_with_only_its_raw_local_time_keeps_its_time(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    delivered = T0 + timedelta(days=9)
    fake.set_events(
        N,
        [
            FakeEvent(delivered, "Delivered", "Delivered", raw_time_only=True, local_offset=-3),
            FakeEvent(T0 + timedelta(days=5), "Out for delivery", "OutForDelivery",
                      local_offset=-3),
            FakeEvent(T0, "Posted", "PickedUp", local_offset=-3),
        ],
        status="Delivered",
        sub_status="Delivered_Other",
    )  # fmt: skip
    res = ok((await client(session, fake).track([N]))[N])
    # time_raw has no zone: the carrier's zone from its other events (-03:00) is used
    assert [e.code for e in res.events] == ["Delivered", "OutForDelivery", "PickedUp"]
    assert res.events[0].time == delivered
    assert res.latest is not None and res.latest.status is res.status is Status.DELIVERED


def test_raw_time_without_any_zone_is_read_as_utc() -> None:
    item = {
        "number": N,
        "track_info": {
            "latest_status": {"status": "InTransit"},
            "tracking": {"providers": [{"events": [{
                "time_iso": None, "time_utc": None, "description": "x",
                "time_raw": {"date": "2026-06-30", "time": "14:23", "timezone": None},
            }]}]},
        },
    }  # fmt: skip
    [event] = parse_item(item).events
    assert event.time == datetime(2026, 6, 30, 14, 23, tzinfo=UTC)


async def test_answer_arriving_in_pieces_is_read_whole(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    numbers = [f"RB{i:09d}CN" for i in range(6)]
    for n in numbers:
        fake.set_events(n, events())
    fake.send_in_pieces(1400, 0.01)
    out = await client(session, fake).track(numbers)
    assert all(len(ok(out[n]).events) == 3 for n in numbers)


async def test_restart_of_a_stopped_number_retracks_it_once(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    fake.set_events(N, events())
    store = InMemoryRegistrationStore()
    c = client(session, fake, store)
    await c.track([N])
    fake.stop(N)  # 17TRACK stopped it on its own
    assert await c.restart([N]) == {}
    assert N not in fake.stopped and fake.register_count == {N: 1}  # no second quota spent
    fake.stop(N)
    failed = await c.restart([N])  # 17TRACK allows one retrack per number
    assert failed[N].code == "-18019906"


async def test_restart_registers_a_number_17track_no_longer_has(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    store = InMemoryRegistrationStore()
    assert await client(session, fake, store).restart([N]) == {}
    assert fake.registered == {N} and await store.is_registered(N)
    assert [r.path.rsplit("/", 1)[-1] for r in fake.requests] == ["retrack", "register"]


def test_status_mapping() -> None:
    assert map_status("InTransit", "InTransit_CustomsProcessing") is Status.IN_CUSTOMS
    assert map_status("Exception", "Exception_Returning") is Status.RETURNING
    assert map_status("Exception", "Exception_Returned") is Status.RETURNED
    assert map_status("Exception", "Exception_Lost") is Status.EXCEPTION
    assert map_status("DeliveryFailure", "DeliveryFailure_InvalidAddress") is Status.DELIVERY_FAILED
    for raw, st in [
        ("NotFound", Status.NOT_FOUND),
        ("InfoReceived", Status.INFO_RECEIVED),
        ("Expired", Status.EXPIRED),
        ("AvailableForPickup", Status.AVAILABLE_FOR_PICKUP),
        ("OutForDelivery", Status.OUT_FOR_DELIVERY),
        ("Delivered", Status.DELIVERED),
        ("SomethingNew", Status.IN_TRANSIT),
    ]:
        assert map_status(raw, "") is st


async def test_webhook_signature(fake: Fake17Track) -> None:
    fake.set_events(N, events(), status="OutForDelivery", sub_status="OutForDelivery_Other")
    raw, sign = fake.push_body(N)
    push = parse_17track_push(raw, KEY, sign)
    assert push.event == "TRACKING_UPDATED" and push.number == N
    assert push.result is not None and push.result.status is Status.OUT_FOR_DELIVERY
    assert parse_17track_push(raw, KEY, sign.upper()).number == N
    with pytest.raises(InvalidSignature):
        parse_17track_push(raw, "other-key", sign)
    with pytest.raises(InvalidSignature):
        parse_17track_push(raw + b" ", KEY, sign)
    with pytest.raises(InvalidSignature):
        parse_17track_push(raw, KEY, "")
    with pytest.raises(InvalidSignature):
        parse_17track_push(raw, KEY, "é" * 64)


def test_webhook_signature_checked_before_parsing() -> None:
    garbage = b"{not json"
    with pytest.raises(InvalidSignature):
        parse_17track_push(garbage, KEY, "0" * 64)
    good = hashlib.sha256(garbage + b"/" + KEY.encode()).hexdigest()
    with pytest.raises(ValueError, match="not JSON"):
        parse_17track_push(garbage, KEY, good)


def test_webhook_stopped_without_track_info(fake: Fake17Track) -> None:
    raw, sign = fake.push_body(N, event="TRACKING_STOPPED")
    assert b"track_info" not in raw
    push = parse_17track_push(raw, KEY, sign)
    assert (push.event, push.number, push.result) == ("TRACKING_STOPPED", N, None)


async def test_stoptrack_batches_and_counts_rejections_as_stopped(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    numbers = [f"RB{i:09d}CN" for i in range(45)]
    fake.registered.update(numbers[:44])  # the last one 17TRACK never heard of
    fake.reject[numbers[0]] = (-18019906, "only numbers being tracked can be stopped")
    c = client(session, fake)
    stopped = await c.stoptrack(numbers)
    assert sorted(stopped) == sorted(numbers)
    assert len(fake.calls("stoptrack")) == 2
    assert fake.stopped == set(numbers[1:44])
    assert await c.stoptrack(numbers[:3]) == numbers[:3]  # remembered: not asked again
    assert len(fake.calls("stoptrack")) == 2


async def test_stoptrack_quota_rejection_is_asked_again(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    fake.registered.update([N, "RB000000001CN"])
    fake.reject[N] = (-18019908, "quota")
    c = client(session, fake)
    assert await c.stoptrack([N, "RB000000001CN"]) == ["RB000000001CN"]
    del fake.reject[N]
    assert await c.stoptrack([N]) == [N]


async def test_stoptrack_whole_call_failure_raises(
    fake: Fake17Track, session: aiohttp.ClientSession
) -> None:
    fake.request_error = (-1, "busy")
    with pytest.raises(SourceUnavailable):
        await client(session, fake).stoptrack([N])
