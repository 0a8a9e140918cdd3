import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest

from bot.tracking import NumberFailure, SourceMisconfigured, Status, TrackResult
from bot.tracking.russianpost import RussianPostClient, accepts, build_envelope, check_fault
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


async def test_auth_fault_by_its_real_name_is_a_configuration_error(
    fake: FakeRussianPost, session: aiohttp.ClientSession
) -> None:
    fake.set_history(N, history())
    fake.fail_next(Fail.SOAP_AUTH)  # Detail/ns3:AuthorizationFaultReason, HTTP 500
    with pytest.raises(SourceMisconfigured, match="wrong login or password"):
        await client(session, fake).track([N, "80085212345678"])
    assert len(fake.requests) == 1  # the batch stops at the first: no call per number


def test_error_type_3_means_failed_authorisation_not_a_rate_limit() -> None:
    # ErrorTypeID belongs to the batch API, where 3 is "authorisation failed"
    fault = (
        '<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Body><S:Fault>'
        '<S:Reason><S:Text>Error</S:Text></S:Reason><S:Detail><x:Fault xmlns:x="urn:x">'
        "<x:ErrorTypeID>3</x:ErrorTypeID></x:Fault></S:Detail></S:Fault></S:Body></S:Envelope>"
    )
    with pytest.raises(SourceMisconfigured):
        check_fault(ET.fromstring(fault), N)


def test_soap_11_fault_names_are_read_too() -> None:
    fault = (
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault>'
        "<faultcode>S:Server</faultcode><faultstring>Authorization error</faultstring><detail>"
        '<ns3:AuthorizationFaultReason xmlns:ns3="http://russianpost.org/operationhistory/data">'
        "bad login</ns3:AuthorizationFaultReason></detail></S:Fault></S:Body></S:Envelope>"
    )
    with pytest.raises(SourceMisconfigured, match="Authorization error — bad login"):
        check_fault(ET.fromstring(fault), N)


async def test_records_sharing_a_time_keep_the_posts_order(
    fake: FakeRussianPost, session: aiohttp.ClientSession
) -> None:
    t = T0 + timedelta(days=1)
    fake.set_history(
        N,
        [  # oldest first: arrived at the sorting centre, then left it, in the same minute
            RPOperation(T0, 1, "Accepted", 1, "Single"),
            RPOperation(t, 8, "Processing", 3, "Arrived at sorting centre", "443960", "Samara"),
            RPOperation(t, 8, "Processing", 4, "Left sorting centre", "443960", "Samara"),
        ],
    )
    res = (await client(session, fake).track([N]))[N]
    assert isinstance(res, TrackResult)
    assert [e.code for e in res.events] == ["8.4", "8.3", "1.1"]  # newest first


async def test_local_offsets_are_one_timeline(
    fake: FakeRussianPost, session: aiohttp.ClientSession
) -> None:
    samara, moscow = T0, T0 + timedelta(hours=2)
    fake.set_history(
        N,
        [
            RPOperation(samara, 8, "Processing", 4, "Left", "443960", "Samara", offset=4),
            RPOperation(moscow, 8, "Processing", 0, "Sorting", "140983", "Moscow", offset=3),
        ],
    )
    res = (await client(session, fake).track([N]))[N]
    assert isinstance(res, TrackResult)
    assert [e.time for e in res.events] == [moscow, samara]


async def test_answer_arriving_in_pieces_is_read_whole(
    fake: FakeRussianPost, session: aiohttp.ClientSession
) -> None:
    fake.set_history(N, history() * 3)  # some 8 kB of SOAP
    fake.send_in_pieces(1400, 0.01)
    res = (await client(session, fake).track([N]))[N]
    assert isinstance(res, TrackResult) and len(res.events) == 4


async def test_operation_fault_is_per_number(
    fake: FakeRussianPost, session: aiohttp.ClientSession
) -> None:
    fake.set_history(N, history())
    fake.fail_next(Fail.SOAP_FAULT)
    out = await client(session, fake).track(["80085212345678", N])
    bad = out["80085212345678"]
    assert isinstance(bad, NumberFailure) and "Invalid barcode" in bad.reason
    assert bad.code == "OperationHistoryFaultReason"
    assert isinstance(out[N], TrackResult)


def test_accepts() -> None:
    assert accepts("80085212345678")
    assert accepts("RA644000001RU")
    assert accepts("ra644000001ru")
    assert not accepts("RI937765505CN")
    assert accepts("RI937765505CN", dest_country="RU")
    assert not accepts("LP00068434402473", dest_country="RU")
