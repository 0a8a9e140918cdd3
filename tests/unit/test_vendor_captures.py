"""The vendors' own answers, recorded by other projects, through our real clients.

A local aiohttp server replays each development capture (../shared/testdata/vendor-captures)
verbatim on the vendor's path; the real client asks for the capture's number and must keep every
event, give every event the vendor's own instant, and reach the right status. Skipped with a
reason when the shared folder is absent (the captures are not copied into the project).
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiolimiter import AsyncLimiter

from bot.tracking import InMemoryRegistrationStore, Status, TrackResult, parse_17track_push
from bot.tracking.cainiao import CainiaoClient
from bot.tracking.russianpost import RussianPostClient
from bot.tracking.track17 import Track17Client

CAPTURES = Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata" / "vendor-captures"
pytestmark = pytest.mark.skipif(
    not CAPTURES.is_dir(), reason=f"vendor captures absent: {CAPTURES} (../shared not mounted)"
)


def _read(vendor: str, name: str) -> bytes:
    return (CAPTURES / vendor / name).read_bytes()


@dataclass
class Replay:
    """Serves recorded bodies on the vendors' paths, byte for byte."""

    cainiao: dict[str, bytes] = field(default_factory=dict)  # number → detail.json body
    track17: dict[str, bytes] = field(default_factory=dict)  # op → body
    russianpost: dict[str, bytes] = field(default_factory=dict)  # barcode → SOAP body
    russianpost_default: bytes = b""
    url: str = ""

    async def handle(self, request: web.Request) -> web.Response:
        if request.path == "/global/detail.json":
            body = self.cainiao[request.query["mailNos"]]
            return web.Response(body=body, content_type="application/json", charset="UTF-8")
        if request.path.startswith("/track/v2.2/"):
            body = self.track17[request.path.rsplit("/", 1)[-1]]
            return web.Response(body=body, content_type="application/json")
        if request.path == "/rtm34":
            asked = re.search(rb"<data:Barcode>([^<]*)</data:Barcode>", await request.read())
            barcode = asked.group(1).decode() if asked else ""
            body = self.russianpost.get(barcode, self.russianpost_default)
            return web.Response(body=body, content_type="application/soap+xml", charset="utf-8")
        return web.Response(status=404)


@pytest.fixture
async def replay() -> AsyncIterator[Replay]:
    server = Replay()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def ok(r: object) -> TrackResult:
    assert isinstance(r, TrackResult), r
    return r


# ------------------------------------------------------------------------------------- Cainiao

CAINIAO = [
    # file, number asked, status, (origin, dest), real number
    ("dir01_AE010698498_2023-01-28_delivering.json", "AE010698498",
     Status.ARRIVED_DESTINATION, ("CN", "IL"), None),
    ("dir01_AE010698498_2023-01-29_clear_customs.json", "AE010698498",
     Status.ARRIVED_DESTINATION, ("CN", "IL"), None),
    ("dir01_UZ0556033196Y_seller_preparing_no_events.json", "UZ0556033196Y",
     Status.AWAITING_DISPATCH, ("CN", "IL"), None),
    ("pyfixture_RC000000002EE_labelled_realMailNo_module.json", "RC000000002EE",
     Status.ARRIVED_DESTINATION, ("CN", "UA"), "RC000000003EE"),
]  # fmt: skip


def _cainiao_body(name: str) -> tuple[bytes, list[dict[str, Any]]]:
    raw = _read("cainiao", name)
    data = json.loads(raw)
    if "module" not in data:  # a module saved on its own: wrapped, the module bytes untouched
        raw = b'{"module":[' + raw + b'],"success":true}'
        data = json.loads(raw)
    [module] = data["module"]
    return raw, module["detailList"]


@pytest.mark.parametrize(
    ("name", "number", "status", "countries", "real"), CAINIAO, ids=[c[0] for c in CAINIAO]
)
async def test_cainiao_capture(
    replay: Replay,
    session: aiohttp.ClientSession,
    name: str,
    number: str,
    status: Status,
    countries: tuple[str, str],
    real: str | None,
) -> None:
    body, details = _cainiao_body(name)
    replay.cainiao[number] = body
    res = ok((await CainiaoClient(session, replay.url).track([number]))[number])
    assert res.status is status
    assert (res.origin_country, res.dest_country) == countries
    assert res.real_number == real
    # every event kept, in the vendor's order (newest first, shared epochs as sent)
    assert [e.code for e in res.events] == [d["actionCode"] for d in details]
    for event, item in zip(res.events, details, strict=True):
        assert event.time == datetime.fromtimestamp(item["time"] / 1000, UTC)
        assert event.description == item["standerdDesc"]
        assert event.detail in ("", item["desc"])
        assert event.status is not None, f"unmapped action code {item['actionCode']}"
        # timeStr is the epoch in China time, whatever timeZone says
        china = event.time.astimezone(timezone(timedelta(hours=8)))
        assert china.strftime("%Y-%m-%d %H:%M:%S") == item["timeStr"]


async def test_cainiao_capture_keeps_the_carriers_own_words(
    replay: Replay, session: aiohttp.ClientSession
) -> None:
    body, _ = _cainiao_body("dir01_AE010698498_2023-01-28_delivering.json")
    replay.cainiao["AE010698498"] = body
    res = ok((await CainiaoClient(session, replay.url).track(["AE010698498"]))["AE010698498"])
    details = {e.detail for e in res.events}
    assert {"preMainCode:SINOA00241668IL", "包裹已出库"} <= details
    assert sum(1 for e in res.events if e.detail) == 11  # desc ≠ standerdDesc in 11 events
    assert res.handover_numbers == ("SINOA00241668IL",)  # the number at the next carrier


# -------------------------------------------------------------------------------- Russian Post


def _records(raw: bytes) -> list[tuple[str, datetime]]:
    out = []
    for rec in ET.fromstring(raw).iter(
        "{http://russianpost.org/operationhistory/data}historyRecord"
    ):
        ns = "{http://russianpost.org/operationhistory/data}"
        op = rec.find(f"{ns}OperationParameters")
        assert op is not None
        code = f"{op.findtext(f'{ns}OperType/{ns}Id')}.{op.findtext(f'{ns}OperAttr/{ns}Id')}"
        out.append((code, datetime.fromisoformat(op.findtext(f"{ns}OperDate") or "")))
    return out


async def test_russianpost_capture(replay: Replay, session: aiohttp.ClientSession) -> None:
    raw = _read("russianpost", "drzhnin_go-russianpost_44334455667733_delivered.xml")
    replay.russianpost["44334455667733"] = raw
    replay.russianpost_default = _read(
        "russianpost", "reconstructed_empty_history_unknown_barcode.xml"
    )
    client = RussianPostClient(session, "login", "password", f"{replay.url}/rtm34")
    out = await client.track(["44334455667733", "RA999999999RU"])
    res = ok(out["44334455667733"])
    assert res.status is Status.DELIVERED
    records = _records(raw)
    assert len(records) == 8
    # every record kept, newest first, at the post's own instant (+04:00 and +03:00 offsets)
    assert [(e.code, e.time) for e in res.events] == list(reversed(records))
    assert res.events[0].location == "170100 Тверь 100"
    unknown = ok(out["RA999999999RU"])
    assert unknown.status is Status.NOT_FOUND and unknown.events == ()


# ------------------------------------------------------------------------------------- 17TRACK


async def test_track17_capture(replay: Replay, session: aiohttp.ClientSession) -> None:
    replay.track17["register"] = _read("track17", "aio17track_register_mixed.json")
    replay.track17["gettrackinfo"] = _read("track17", "aio17track_gettrackinfo_correios_2151.json")
    replay.track17["stoptrack"] = b'{"code":0,"data":{"accepted":[],"rejected":[]}}'
    client = Track17Client(
        session,
        "key",
        InMemoryRegistrationStore(),
        f"{replay.url}/track/v2.2",
        limiter=AsyncLimiter(1000, 1),
    )
    out = await client.track(["AA123456789BR"])
    assert list(out) == ["AA123456789BR"]  # the rejected "1234" of the capture is not ours
    res = ok(out["AA123456789BR"])
    assert res.status is Status.DELIVERED
    assert (res.carrier, res.origin_country, res.dest_country) == ("Correios", "BR", "BR")
    assert [e.code for e in res.events] == ["Delivered", "OutForDelivery", "PickedUp"]
    brazil = timezone(timedelta(hours=-3))
    # the delivery has only time_raw (no zone): read in the carrier's zone, -03:00
    assert [e.time for e in res.events] == [
        datetime(2026, 6, 30, 14, 23, tzinfo=brazil),
        datetime(2026, 6, 28, 11, 40, tzinfo=UTC),
        datetime(2026, 6, 25, 13, 12, tzinfo=UTC),
    ]
    assert res.latest is not None and res.latest.status is Status.DELIVERED


def test_track17_stopped_push_capture() -> None:
    raw = _read("track17", "aio17track_webhook_tracking_stopped.json")
    sign = hashlib.sha256(raw + b"/key").hexdigest()
    push = parse_17track_push(raw, "key", sign)
    assert (push.event, push.number, push.result) == ("TRACKING_STOPPED", "AA123456789BR", None)
