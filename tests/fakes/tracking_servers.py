"""Local fake servers for the tracking vendors (Cainiao, 17TRACK, Russian Post).

Each fake runs an aiohttp server on 127.0.0.1 (port 0), answers in the shapes the vendors really
send (modelled on the captured answers in ../shared/testdata/vendor-captures, not on their docs),
records every request, and has mutable state plus failure modes a test switches on:

    async with FakeCainiao() as fake:
        fake.set_events("LP00068434402473", [FakeEvent(t, "Departed", "LH_DEPART")])
        fake.fail_next(Fail.CAPTCHA)          # the next request answers a captcha page
        fake.send_in_pieces(1400, 0.01)       # answers arrive in 1,400-byte pieces, 10 ms apart
        client = CainiaoClient(session, fake.url)

What the vendors do that the fakes reproduce:
- Cainiao: `time` is the epoch in milliseconds (not always whole seconds) and `timeStr` is that
  epoch in China time whatever `timeZone` says; the labels vary ("GMT+8", "GMT+0800", "",
  "GMT+0", "GMT+2", "GMT+3" for events abroad); several events can share one epoch;
  `originCountry`/`destCountry` are English names ("Mainland China"); `desc` (the carrier's
  words) differs from `standerdDesc`; `realMailNo` carries a label; the module has its own
  `status`/`statusDesc` (SELLER_PREPARING with no events for a label that was never handed over);
  an unknown number is a module with `mailNoSource` EXTERNAL and no `status`.
- Russian Post: records oldest first, `OperDate` in the office's own offset (+03:00, +04:00 ...)
  with milliseconds, records sharing one `OperDate`, faults named `AuthorizationFaultReason` and
  `OperationHistoryFaultReason`, an unknown barcode as an empty `OperationHistoryData`.
- 17TRACK: v2.4-style items (`time_raw`, `description_translation`, ...), events whose
  `time_utc`/`time_iso` are null with only `time_raw`, TRACKING_STOPPED pushes without
  `track_info`, `/retrack` for stopped numbers (once each).

For load tests, `default_events` generates deterministic events for numbers nobody set, so the
fake needs no per-number state (`deterministic_events` is a ready-made rule).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import time
import xml.etree.ElementTree as ET
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any
from xml.sax.saxutils import escape

from aiohttp import web


class Fail(StrEnum):
    CAPTCHA = "captcha"  # HTML captcha page, HTTP 200
    ANTIBOT_JSON = "antibot_json"  # Cainiao's JSON flavour of the captcha
    HTML = "html"  # a maintenance page, HTTP 200
    TOO_MANY = "429"  # with Retry-After
    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    SLOW = "slow"  # sleeps `slow_seconds` (longer than the client's timeout in tests)
    TRUNCATED = "truncated"  # the normal answer cut in half
    EMPTY = "empty"  # HTTP 200, empty body
    GARBAGE = "garbage"  # bytes that are not JSON/XML
    HUGE = "huge"  # HTTP 200 with a body past any client's limit (`huge_bytes`)
    SOAP_FAULT = "soap_fault"  # Russian Post OperationHistoryFaultReason (this barcode)
    SOAP_AUTH = "soap_auth"  # Russian Post AuthorizationFaultReason (wrong login)
    DOCTYPE = "doctype"  # Russian Post answer with a DOCTYPE (must be refused)


CAPTCHA_PAGE = (
    b"<!DOCTYPE html><html><head><title>Captcha Interception</title></head><body>"
    b'<div id="nocaptcha" class="nc-container"></div><script>window._config_={"action":'
    b'"captcha","url":"https://global.cainiao.com//punish?x5secdata=xyz"};</script></body></html>'
)
ANTIBOT_JSON = (
    b'{"ret":["FAIL_SYS_USER_VALIDATE::\\u54ce\\u54df\\u5582"],'
    b'"data":{"url":"https://global.cainiao.com/punish?x5secdata=abc"}}'
)
MAINTENANCE_PAGE = b"<html><body><h1>Service temporarily unavailable</h1></body></html>"
GARBAGE = b"\x00\xff\xfe}{ not what you expected \x13"

CHINA = timezone(timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class FakeEvent:
    """A vendor-neutral event the fakes render into their own shapes."""

    time: datetime  # aware; the instant (Cainiao's epoch, 17TRACK's time_utc)
    description: str  # Cainiao standerdDesc, 17TRACK description
    code: str = ""  # Cainiao actionCode / 17TRACK stage
    location: str = ""
    # Cainiao only: the `timeZone` label. None: the label Cainiao would use for this code (GMT+8
    # at origin, the destination's offset abroad). The label never changes `timeStr`.
    tz: str | None = None
    sub_status: str = ""  # 17TRACK only
    carrier_text: str = ""  # Cainiao `desc` (the carrier's words); "" = Cainiao's usual wording
    raw_time_only: bool = False  # 17TRACK only: time_utc/time_iso null, only time_raw
    local_offset: float = 8.0  # 17TRACK only: the carrier's local offset for time_iso/time_raw


@dataclass(frozen=True, slots=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic()

    def json(self) -> Any:
        return json.loads(self.body)


_CODES_FLOW = (
    ("GWMS_ACCEPT", "Shipment information received by warehouse electronically"),
    ("GWMS_OUTBOUND", "Package shipped out from warehouse"),
    ("PU_PICKUP_SUCCESS", "Received by logistics company"),
    ("SC_INBOUND_SUCCESS", "Processing at sorting center"),
    ("SC_OUTBOUND_SUCCESS", "Departed from sorting center"),
    ("LH_HO_AIRLINE", "Leaving from departure country/region"),
    ("LH_DEPART", "Departed from departure country/region"),
    ("LH_ARRIVE", "Arrived at linehaul office"),
    ("CC_IM_START", "Import customs clearance started"),
    ("CC_IM_SUCCESS", "Import customs clearance complete"),
    ("GTMS_DO_ARRIVE", "Arrived at delivery office"),
    ("GTMS_DO_DEPART", "Out for delivery"),
    ("GTMS_SIGNED", "Delivered"),
)
# Pairs Cainiao reports under one epoch (the pick-up scan is also the sorting centre's inbound).
_SAME_INSTANT_AS_PREVIOUS = frozenset({"SC_INBOUND_SUCCESS", "CC_IM_SUCCESS"})
_EPOCH = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


def deterministic_events(number: str) -> list[FakeEvent]:
    """Newest-first events derived from the number alone (crc32), cheap and repeatable; some
    share an epoch and some carry milliseconds, as Cainiao's do."""
    h = zlib.crc32(number.encode())
    count = 1 + h % len(_CODES_FLOW)
    start = _EPOCH + timedelta(hours=h % 500)
    evs: list[FakeEvent] = []
    for i, (code, desc) in enumerate(_CODES_FLOW[:count]):
        if evs and code in _SAME_INSTANT_AS_PREVIOUS:
            when = evs[-1].time
        else:
            when = start + timedelta(hours=19 * i + (h >> 8) % 7, milliseconds=(h >> i) % 1000)
        evs.append(FakeEvent(when, desc, code))
    evs.reverse()
    return evs


class _FakeServer:
    def __init__(self, *, latency: float = 0.0) -> None:
        self.latency = latency
        self.slow_seconds = 5.0
        self.retry_after = 7
        self.requests: list[Recorded] = []
        self.record_requests = True
        self._next: deque[Fail] = deque()
        self.always: Fail | None = None
        self._runner: web.AppRunner | None = None
        self._closing = asyncio.Event()
        self.url = ""
        # Answers sent in pieces of this many bytes (chunked, no Content-Length), with a pause
        # between pieces: how a few kilobytes really arrive over the internet.
        self.piece_size: int | None = None
        self.piece_pause = 0.0
        self.huge_bytes = 9 * 1024 * 1024

    # failure control ---------------------------------------------------------------------
    def fail_next(self, *modes: Fail) -> None:
        """The next requests fail in these ways, one request each, in order."""
        self._next.extend(modes)

    def fail_always(self, mode: Fail | None) -> None:
        self.always = mode

    def reset_failures(self) -> None:
        self._next.clear()
        self.always = None

    def send_in_pieces(self, size: int | None = 1400, pause: float = 0.01) -> None:
        """Every answer body goes out in `size`-byte pieces `pause` seconds apart (None: whole)."""
        self.piece_size, self.piece_pause = size, pause

    # lifecycle -----------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{port}{self._prefix()}"
        return self.url

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> _FakeServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def _prefix(self) -> str:
        return ""

    # request handling ----------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if self.record_requests:
            self.requests.append(
                Recorded(
                    request.method,
                    request.path,
                    dict(request.query),
                    dict(request.headers),
                    body,
                    time.monotonic(),
                )
            )
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        mode = self._next.popleft() if self._next else self.always
        answer: web.StreamResponse | None = None
        if mode is not None:
            answer = await self._failure(mode, request, body)
        if answer is None:
            answer = await self._answer(request, body)
        if self.piece_size and isinstance(answer, web.Response) and answer.body:
            return await self._in_pieces(request, answer, self.piece_size)
        return answer

    async def _in_pieces(
        self, request: web.Request, answer: web.Response, size: int
    ) -> web.StreamResponse:
        raw = bytes(answer.body)  # type: ignore[arg-type]
        stream = web.StreamResponse(status=answer.status, reason=answer.reason)
        for name, value in answer.headers.items():
            if name.lower() not in ("content-length", "transfer-encoding"):
                stream.headers[name] = value
        stream.enable_chunked_encoding()
        await stream.prepare(request)
        with contextlib.suppress(ConnectionResetError):  # a client that stopped reading
            for i in range(0, len(raw), size):
                await stream.write(raw[i : i + size])
                if self.piece_pause > 0 and i + size < len(raw):
                    await asyncio.sleep(self.piece_pause)
            await stream.write_eof()
        return stream

    async def _failure(
        self, mode: Fail, request: web.Request, body: bytes
    ) -> web.StreamResponse | None:
        if mode is Fail.CAPTCHA:
            return web.Response(body=CAPTCHA_PAGE, content_type="text/html")
        if mode is Fail.ANTIBOT_JSON:
            return web.Response(body=ANTIBOT_JSON, content_type="application/json")
        if mode is Fail.HTML:
            return web.Response(body=MAINTENANCE_PAGE, content_type="text/html")
        if mode is Fail.TOO_MANY:
            return web.Response(
                status=429, text="Too Many Requests", headers={"Retry-After": str(self.retry_after)}
            )
        if mode is Fail.SERVER_ERROR:
            return web.Response(status=500, text="Internal Server Error")
        if mode is Fail.BAD_GATEWAY:
            return web.Response(status=502, body=MAINTENANCE_PAGE, content_type="text/html")
        if mode is Fail.SLOW:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.slow_seconds)
            return None
        if mode is Fail.EMPTY:
            return web.Response(body=b"", content_type="application/json")
        if mode is Fail.GARBAGE:
            return web.Response(body=GARBAGE, content_type="application/json")
        if mode is Fail.HUGE:
            return web.Response(body=b" " * self.huge_bytes, content_type="application/json")
        if mode is Fail.TRUNCATED:
            full = await self._answer(request, body)
            assert isinstance(full, web.Response) and full.body is not None
            raw = bytes(full.body)  # type: ignore[arg-type]
            return web.Response(body=raw[: max(1, len(raw) // 2)], content_type=full.content_type)
        return await self._vendor_failure(mode, request, body)

    async def _vendor_failure(
        self, mode: Fail, request: web.Request, body: bytes
    ) -> web.StreamResponse | None:
        raise AssertionError(f"{type(self).__name__} does not support {mode}")

    async def _answer(self, request: web.Request, body: bytes) -> web.StreamResponse:
        raise NotImplementedError


# ------------------------------------------------------------------------------------------
# Cainiao
# ------------------------------------------------------------------------------------------

# How Cainiao names countries (ISO code → its English name); the test API speaks ISO codes.
CAINIAO_COUNTRY_NAMES = {
    "CN": "Mainland China",
    "RU": "Russian Federation",
    "IL": "Israel",
    "UA": "Ukraine",
    "BE": "Belgium",
    "BR": "Brazil",
    "US": "United States",
    "KZ": "Kazakhstan",
    "BY": "Belarus",
    "HK": "Hong Kong, China",
}
# The `timeZone` label an event abroad gets: the destination's offset (Cainiao's habit).
_DEST_LABELS = {"RU": "GMT+3", "IL": "GMT+2", "UA": "GMT+3", "BE": "GMT+1", "BR": "GMT-3"}
_ABROAD_PREFIXES = ("LH_ARRIVE", "CC_IM", "CC_HO", "CUSTOMS_", "GTMS_", "GSTA_", "LH_POST")
# The carrier's own words (`desc`) where Cainiao's standard text differs, as in the captures.
_CARRIER_WORDS = {
    "GWMS_ACCEPT": "Order received successfully",
    "GWMS_PACKAGE": "Package finished",
    "GWMS_OUTBOUND": "Leave the warehouse",
    "WMS_CONFIRMED": "包裹已出库",
    "PU_PICKUP_SUCCESS": "Accepted by carrier",
    "SC_INBOUND_SUCCESS": "Inbound in sorting center",
    "SC_OUTBOUND_SUCCESS": "Outbound in sorting center",
    "LH_DEPART": "Left from departure country/region",
    "CC_EX_SUCCESS": "Export clearance success",
    "CC_IM_START": "Import clearance start",
    "CC_HO_OUT_SUCCESS": "Leaving customs",
    "CUSTOMS_ARRIVED_IN_AREA_CALLBACK": "到达海关监管仓等待清关",
}
# Module status by the newest event's code, with Cainiao's statusDesc (trailing space included).
_MODULE_STATUS_DESC = {
    "SELLER_PREPARING": "Awaiting seller dispatch",
    "DELIVERING": "Delivering",
    "CLEAR_CUSTOMS": "In customs ",
    "DELIVERED": "Delivered",
}


def _module_status(events: list[FakeEvent]) -> str:
    if not events:
        return "SELLER_PREPARING"
    code = events[0].code
    if code == "GTMS_SIGNED":
        return "DELIVERED"
    if code.startswith(("CC_HO", "CC_IM_START", "CUSTOMS_")):
        return "CLEAR_CUSTOMS"
    return "DELIVERING"


@dataclass
class CainiaoParcel:
    events: list[FakeEvent] = field(default_factory=list)  # newest first, as rendered
    origin: str = "CN"  # ISO codes here; rendered as Cainiao's names
    dest: str = "RU"
    real_mail_no: str = ""  # rendered with Cainiao's label
    status: str = ""  # module-level status; "" = what Cainiao would say for these events
    carrier: str = "Russian Post"
    source: str = "AE"  # mailNoSource; "EXTERNAL" = a number Cainiao does not know
    eta_ms: tuple[int, int] | None = None  # globalEtaInfo min/max; None = the captured fixed one


class FakeCainiao(_FakeServer):
    """`GET /global/detail.json?mailNos=...`. Unknown numbers: mailNoSource EXTERNAL, no details
    (unless `default_events` generates some)."""

    def __init__(
        self,
        *,
        latency: float = 0.0,
        default_events: Callable[[str], list[FakeEvent]] | None = None,
    ) -> None:
        super().__init__(latency=latency)
        self.parcels: dict[str, CainiaoParcel] = {}
        self.default_events = default_events
        self.omitted: set[str] = set()  # numbers left out of the answer entirely

    def set_events(self, number: str, events: Iterable[FakeEvent], **fields: Any) -> None:
        """Events newest first (the vendor's order). Extra fields: origin, dest, real_mail_no,
        status, carrier, source, eta_ms. No events and no status: the seller has not shipped yet."""
        self.parcels[number] = CainiaoParcel(events=list(events), **fields)

    def set_unknown(self, number: str) -> None:
        """A number Cainiao has never heard of."""
        self.parcels[number] = CainiaoParcel(source="EXTERNAL")

    def parcel(self, number: str) -> CainiaoParcel:
        return self.parcels.setdefault(number, CainiaoParcel())

    def add_event(self, number: str, event: FakeEvent) -> None:
        self.parcel(number).events.insert(0, event)

    def reword(self, number: str, index: int, description: str) -> None:
        evs = self.parcel(number).events
        evs[index] = replace(evs[index], description=description, carrier_text=description)

    def duplicate(self, number: str, index: int) -> None:
        evs = self.parcel(number).events
        evs.insert(index + 1, evs[index])

    def reorder(self, number: str) -> None:
        self.parcel(number).events.reverse()

    def relabel(self, number: str, real: str) -> None:
        self.parcel(number).real_mail_no = real

    def asked_numbers(self) -> list[list[str]]:
        return [r.query.get("mailNos", "").split(",") for r in self.requests]

    @staticmethod
    def label_for(ev: FakeEvent, dest: str = "RU") -> str:
        if ev.tz is not None:
            return ev.tz
        if ev.code.startswith(_ABROAD_PREFIXES):
            return _DEST_LABELS.get(dest, "GMT+0")
        if ev.code.startswith(("GWMS_", "WMS_")):
            return "GMT+0800" if ev.code != "WMS_CONFIRMED" else ""
        return "GMT+8"

    @staticmethod
    def render_event(ev: FakeEvent, dest: str = "RU") -> dict[str, Any]:
        epoch_ms = round(ev.time.timestamp() * 1000)
        china = datetime.fromtimestamp(epoch_ms // 1000, CHINA)
        own = ev.carrier_text or _CARRIER_WORDS.get(ev.code, "") or ev.description
        item: dict[str, Any] = {
            "time": epoch_ms,
            "timeStr": china.strftime("%Y-%m-%d %H:%M:%S"),  # China time, whatever the label
            "desc": own,
            "standerdDesc": ev.description,
            "descTitle": "Carrier note:",
            "timeZone": FakeCainiao.label_for(ev, dest),
            "actionCode": ev.code,
        }
        if ev.code:
            item["group"] = {"nodeCode": f"AE_GROUP_{ev.code}", "nodeDesc": "In transit"}
        return item

    def render_module(self, number: str) -> dict[str, Any]:
        p = self.parcels.get(number)
        if p is None and self.default_events is not None:
            p = CainiaoParcel(events=self.default_events(number))
        if p is None or p.source == "EXTERNAL":
            return {"mailNo": number, "mailNoSource": "EXTERNAL", "detailList": []}
        details = [self.render_event(e, p.dest) for e in p.events]
        status = p.status or _module_status(p.events)
        item: dict[str, Any] = {
            "mailNo": number,
            "originCountry": CAINIAO_COUNTRY_NAMES.get(p.origin, p.origin),
            "destCountry": CAINIAO_COUNTRY_NAMES.get(p.dest, p.dest),
            "mailType": "Economy",
            "status": status,
            "statusDesc": _MODULE_STATUS_DESC.get(status, status.title()),
            "mailNoSource": p.source,
            "processInfo": {"progressStatus": "NORMAL", "progressRate": 0.5, "type": "CROSS"},
            "globalEtaInfo": {
                "etaDesc": "Estimated delivery by",
                "deliveryMinTime": p.eta_ms[0] if p.eta_ms else 1787828878899,
                "deliveryMaxTime": p.eta_ms[1] if p.eta_ms else 1787828878899,
            },
            "detailList": details,
        }
        if details:
            item["latestTrace"] = details[0]
            item["destCpInfo"] = {"cpName": p.carrier, "url": "https://example.invalid"}
            item["daysNumber"] = f"{len(details)}\tday(s)"
        else:
            item["noTrackingDataDesc"] = "No tracking updates yet"
        if p.real_mail_no:
            item["realMailNo"] = f"Latest Tracking Number:\t{p.real_mail_no}"
        return item

    async def _answer(self, request: web.Request, body: bytes) -> web.StreamResponse:
        if request.path != "/global/detail.json":
            return web.Response(status=404, text="not found")
        numbers = [n for n in request.query.get("mailNos", "").split(",") if n]
        modules = [self.render_module(n) for n in numbers if n not in self.omitted]
        payload = {"module": modules, "success": True}
        return web.Response(
            body=json.dumps(payload, ensure_ascii=False).encode(),
            content_type="application/json",
            charset="UTF-8",
        )


# ------------------------------------------------------------------------------------------
# 17TRACK v2.2 (items shaped like v2.4's, which adds fields)
# ------------------------------------------------------------------------------------------

ERR_NOT_REGISTERED = -18019902
ERR_RETRACK_NOT_ALLOWED = -18019906


@dataclass
class Track17Parcel:
    events: list[FakeEvent] = field(default_factory=list)  # newest first
    status: str = "InTransit"
    sub_status: str = "InTransit_Other"
    carrier_name: str = "China Post"
    carrier_code: int = 3011
    origin: str = "CN"
    dest: str = "RU"


def _offset_text(hours: float) -> str:
    sign = "-" if hours < 0 else "+"
    minutes = round(abs(hours) * 60)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


class Fake17Track(_FakeServer):
    """POST `/track/v2.2/{register,gettrackinfo,stoptrack,retrack,...}` with header `17token`."""

    def __init__(self, api_key: str = "test-key", *, latency: float = 0.0) -> None:
        super().__init__(latency=latency)
        self.api_key = api_key
        self.parcels: dict[str, Track17Parcel] = {}
        self.registered: set[str] = set()
        self.stopped: set[str] = set()
        self.retracked: set[str] = set()  # 17TRACK restarts a stopped number once
        self.register_count: dict[str, int] = {}
        self.quota: int | None = None  # accepted registrations left; None = unlimited
        self.reject: dict[str, tuple[int, str]] = {}  # number → (code, message), any call
        self.request_error: tuple[int, str] | None = None  # code != 0 for every call

    def _prefix(self) -> str:
        return "/track/v2.2"

    def set_events(self, number: str, events: Iterable[FakeEvent], **fields: Any) -> None:
        self.parcels[number] = Track17Parcel(events=list(events), **fields)

    def parcel(self, number: str) -> Track17Parcel:
        return self.parcels.setdefault(number, Track17Parcel())

    def add_event(self, number: str, event: FakeEvent) -> None:
        self.parcel(number).events.insert(0, event)

    def reword(self, number: str, index: int, description: str) -> None:
        evs = self.parcel(number).events
        evs[index] = replace(evs[index], description=description)

    def stop(self, number: str) -> None:
        """17TRACK stops a number on its own (30 days quiet, 15 days after delivery)."""
        self.stopped.add(number)

    def calls(self, op: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/" + op)]

    @staticmethod
    def render_event(ev: FakeEvent) -> dict[str, Any]:
        local = ev.time.astimezone(timezone(timedelta(hours=ev.local_offset)))
        zone = _offset_text(ev.local_offset)
        return {
            "time_iso": None if ev.raw_time_only else local.isoformat(timespec="seconds"),
            "time_utc": (
                None if ev.raw_time_only else ev.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            ),
            "time_raw": {
                "date": local.strftime("%Y-%m-%d"),
                "time": local.strftime("%H:%M:%S"),
                "timezone": None if ev.raw_time_only else zone,
            },
            "description": ev.description,
            "description_translation": None,
            "location": ev.location or None,
            "stage": ev.code or None,
            "sub_status": ev.sub_status or None,
            "address": {"country": None, "state": None, "city": None, "street": None},
        }

    def render_item(self, number: str) -> dict[str, Any]:
        p = self.parcels.get(number)
        if p is None:  # registered, carrier has nothing yet: no timestamps anywhere
            return {
                "number": number,
                "carrier": 0,
                "param": None,
                "tag": None,
                "track_info": {
                    "latest_status": {"status": "NotFound", "sub_status": "NotFound_Other"},
                    "latest_event": None,
                    "time_metrics": None,
                    "milestone": [],
                    "tracking": {"providers_hash": 0, "providers": []},
                },
            }
        events = [self.render_event(e) for e in p.events]
        return {
            "number": number,
            "carrier": p.carrier_code,
            "param": None,
            "tag": "",
            "track_info": {
                "shipping_info": {
                    "shipper_address": {"country": p.origin, "city": None},
                    "recipient_address": {"country": p.dest, "city": None},
                },
                "latest_status": {
                    "status": p.status,
                    "sub_status": p.sub_status,
                    "sub_status_descr": None,
                },
                "latest_event": events[0] if events else None,
                "time_metrics": {
                    "days_after_order": 12,
                    "days_of_transit": 10,
                    "days_of_transit_done": 10,
                    "days_after_last_update": 1,
                    "estimated_delivery_date": {"source": None, "from": None, "to": None},
                },
                "milestone": [
                    {
                        "key_stage": "InfoReceived",
                        "time_iso": None,
                        "time_utc": None,
                        "time_raw": {"date": None, "time": None, "timezone": None},
                    },
                ],
                "misc_info": {"risk_factor": 0, "service_type": None, "local_number": None},
                "tracking": {
                    "providers_hash": 123,
                    "providers": [
                        {
                            "provider": {
                                "key": p.carrier_code,
                                "name": p.carrier_name,
                                "alias": p.carrier_name,
                                "tel": None,
                                "homepage": None,
                                "country": p.origin,
                            },
                            "service_type": None,
                            "latest_sync_status": "Success",
                            "latest_sync_time": "2026-06-30T18:01:12Z",
                            "provider_lang": None,
                            "provider_tips": None,
                            "events_hash": 456,
                            "events": events,
                        }
                    ],
                },
            },
        }

    def push_body(self, number: str, event: str = "TRACKING_UPDATED") -> tuple[bytes, str]:
        """A webhook body for `number` and its correct `sign` header. TRACKING_STOPPED carries
        no track_info, as 17TRACK sends it."""
        if event == "TRACKING_STOPPED":
            carrier = self.parcels[number].carrier_code if number in self.parcels else 0
            data: dict[str, Any] = {"number": number, "carrier": carrier, "param": None, "tag": ""}
        else:
            data = self.render_item(number)
        raw = json.dumps({"event": event, "data": data}).encode()
        sign = hashlib.sha256(raw + b"/" + self.api_key.encode()).hexdigest()
        return raw, sign

    @staticmethod
    def _envelope(code: int, data: dict[str, Any]) -> web.Response:
        return web.Response(
            body=json.dumps({"code": code, "data": data}).encode(), content_type="application/json"
        )

    @staticmethod
    def _rejected(number: str, code: int, message: str) -> dict[str, Any]:
        return {"number": number, "error": {"code": code, "message": message}}

    def _one(self, op: str, n: str) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """(accepted, rejected) entry for one number of one call."""
        if op == "register":
            self.register_count[n] = self.register_count.get(n, 0) + 1
            if n in self.registered:  # a stopped number too: it is still in the account
                message = f"The tracking number '{n}' has already been registered."
                return None, self._rejected(n, -18019901, message)
            if self.quota is not None and self.quota <= 0:
                return None, self._rejected(n, -18019908, "quota exhausted")
            if self.quota is not None:
                self.quota -= 1
            self.registered.add(n)
            accepted = {"origin": 1, "number": n, "carrier": 3011, "email": None, "tag": None}
            return accepted, None
        if n not in self.registered:
            return None, self._rejected(n, ERR_NOT_REGISTERED, "not registered")
        if op == "gettrackinfo":
            return self.render_item(n), None
        if op == "stoptrack":
            if n in self.stopped:
                message = "only numbers being tracked can be stopped"
                return None, self._rejected(n, ERR_RETRACK_NOT_ALLOWED, message)
            self.stopped.add(n)
            return {"number": n, "carrier": 3011}, None
        if op == "retrack":
            if n not in self.stopped or n in self.retracked:
                return None, self._rejected(n, ERR_RETRACK_NOT_ALLOWED, "retrack is not allowed")
            self.stopped.discard(n)
            self.retracked.add(n)
            return {"number": n, "carrier": 3011}, None
        return {"number": n}, None

    async def _answer(self, request: web.Request, body: bytes) -> web.StreamResponse:
        if request.method != "POST":
            return web.Response(status=405)
        op = request.path.rsplit("/", 1)[-1]
        if request.headers.get("17token") != self.api_key:
            return self._envelope(
                -18010002,
                {"errors": [{"code": -18010002, "message": "Access token is invalid."}]},
            )
        if self.request_error is not None:
            code, msg = self.request_error
            return self._envelope(code, {"errors": [{"code": code, "message": msg}]})
        try:
            items = json.loads(body)
        except ValueError:
            return self._envelope(-18010001, {"errors": [{"code": -18010001, "message": "bad"}]})
        if len(items) > 40:
            return self._envelope(
                -18010014, {"errors": [{"code": -18010014, "message": "more than 40"}]}
            )
        accepted: list[dict[str, Any]] = []
        rejected: list[dict[str, Any]] = []
        for it in items:
            n = it["number"]
            if n in self.reject:
                rejected.append(self._rejected(n, *self.reject[n]))
                continue
            ok, bad = self._one(op, n)
            if ok is not None:
                accepted.append(ok)
            if bad is not None:
                rejected.append(bad)
        return self._envelope(0, {"accepted": accepted, "rejected": rejected})


# ------------------------------------------------------------------------------------------
# Russian Post (SOAP 1.2)
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RPOperation:
    time: datetime  # aware; rendered in the office's own offset (`offset`)
    type_id: int
    type_name: str = ""
    attr_id: int | None = None
    attr_name: str = ""
    index: str = "101000"
    place: str = "Moscow PO 101000"
    dest: str = "RU"
    origin: str = "CN"
    offset: float = 3.0  # hours: +03:00 Moscow, +04:00 Samara, +07:00 Novosibirsk ...


_SOAP_NS = "http://www.w3.org/2003/05/soap-envelope"
_DATA_NS = "http://russianpost.org/operationhistory/data"
_OPER_NS = "http://russianpost.org/operationhistory"
_NAMESPACES = (
    'xmlns:ns2="http://russianpost.org/sms-info/data" '
    f'xmlns:ns3="{_DATA_NS}" '
    'xmlns:ns4="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:ns5="http://www.russianpost.org/custom-duty-info/data" '
    'xmlns:ns6="http://www.russianpost.org/RTM/DataExchangeESPP/Data" '
    f'xmlns:ns7="{_OPER_NS}"'
)


def _soap(body: str) -> web.Response:
    doc = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        f'<S:Envelope xmlns:S="{_SOAP_NS}"><S:Body>{body}</S:Body></S:Envelope>'
    )
    return web.Response(body=doc.encode(), content_type="application/soap+xml", charset="utf-8")


def _fault(reason: str, detail: str, status: int = 500) -> web.Response:
    resp = _soap(
        f'<S:Fault xmlns:ns4="http://schemas.xmlsoap.org/soap/envelope/">'
        "<S:Code><S:Value>S:Receiver</S:Value></S:Code>"
        f'<S:Reason><S:Text xml:lang="en">{escape(reason)}</S:Text></S:Reason>'
        f"<S:Detail>{detail}</S:Detail></S:Fault>"
    )
    resp.set_status(status)
    return resp


def _fault_reason(name: str, text: str) -> str:
    return f'<ns3:{name} xmlns:ns3="{_DATA_NS}">{escape(text)}</ns3:{name}>'


class FakeRussianPost(_FakeServer):
    """POST `/rtm34` SOAP 1.2 getOperationHistory. Unknown barcodes: empty history."""

    def __init__(
        self, login: str = "login", password: str = "secret", *, latency: float = 0.0
    ) -> None:
        super().__init__(latency=latency)
        self.login = login
        self.password = password
        self.histories: dict[str, list[RPOperation]] = {}  # oldest first, as the post answers

    def _prefix(self) -> str:
        return "/rtm34"

    def set_history(self, barcode: str, operations: Iterable[RPOperation]) -> None:
        self.histories[barcode] = list(operations)

    def barcodes_asked(self) -> list[str]:
        out = []
        for r in self.requests:
            root = ET.fromstring(r.body)
            out += [(e.text or "") for e in root.iter() if e.tag.endswith("}Barcode")]
        return out

    @staticmethod
    def _country(tag: str, code: str) -> str:
        numeric = {"RU": "643", "CN": "156"}.get(code, "0")
        return (
            f"<ns3:{tag}><ns3:Id>{numeric}</ns3:Id><ns3:Code2A>{escape(code)}</ns3:Code2A>"
            f"<ns3:Code3A>{escape(code)}X</ns3:Code3A></ns3:{tag}>"
        )

    @classmethod
    def _record(cls, barcode: str, op: RPOperation) -> str:
        attr = (
            f"<ns3:OperAttr><ns3:Id>{op.attr_id}</ns3:Id><ns3:Name>{escape(op.attr_name)}"
            "</ns3:Name></ns3:OperAttr>"
            if op.attr_id is not None
            else ""
        )
        local = op.time.astimezone(timezone(timedelta(hours=op.offset)))
        when = local.isoformat(timespec="milliseconds")
        return (
            "\n\t\t\t<ns3:historyRecord>\n\t\t\t\t<ns3:AddressParameters>"
            f"<ns3:DestinationAddress><ns3:Index>{op.index}</ns3:Index>"
            f"<ns3:Description>{escape(op.place)}</ns3:Description></ns3:DestinationAddress>"
            f"<ns3:OperationAddress><ns3:Index>{op.index}</ns3:Index>"
            f"<ns3:Description>{escape(op.place)}</ns3:Description></ns3:OperationAddress>"
            f"{cls._country('MailDirect', op.dest)}{cls._country('CountryFrom', op.origin)}"
            f"{cls._country('CountryOper', op.dest)}</ns3:AddressParameters>"
            "<ns3:FinanceParameters><ns3:CustomDuty>0</ns3:CustomDuty></ns3:FinanceParameters>"
            f"<ns3:ItemParameters><ns3:Barcode>{escape(barcode)}</ns3:Barcode>"
            "<ns3:ValidRuType>false</ns3:ValidRuType><ns3:ValidEnType>true</ns3:ValidEnType>"
            "<ns3:Mass>291</ns3:Mass></ns3:ItemParameters>"
            "<ns3:OperationParameters>"
            f"<ns3:OperType><ns3:Id>{op.type_id}</ns3:Id><ns3:Name>{escape(op.type_name)}"
            f"</ns3:Name></ns3:OperType>{attr}<ns3:OperDate>{when}</ns3:OperDate>"
            "</ns3:OperationParameters>"
            "<ns3:UserParameters><ns3:Sndr></ns3:Sndr><ns3:Rcpn></ns3:Rcpn></ns3:UserParameters>"
            "\n\t\t\t</ns3:historyRecord>"
        )

    async def _vendor_failure(
        self, mode: Fail, request: web.Request, body: bytes
    ) -> web.StreamResponse | None:
        if mode is Fail.SOAP_FAULT:
            return _fault(
                "Operation history error",
                _fault_reason("OperationHistoryFaultReason", "Invalid barcode"),
            )
        if mode is Fail.SOAP_AUTH:
            return self._auth_fault()
        if mode is Fail.DOCTYPE:
            doc = (
                b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
                b'<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Body>&lol;'
                b"</S:Body></S:Envelope>"
            )
            return web.Response(body=doc, content_type="application/soap+xml")
        return await super()._vendor_failure(mode, request, body)

    @staticmethod
    def _auth_fault() -> web.Response:
        return _fault(
            "Authorization error",
            _fault_reason(
                "AuthorizationFaultReason", "Ошибка авторизации: неверный логин или пароль"
            ),
        )

    async def _answer(self, request: web.Request, body: bytes) -> web.StreamResponse:
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            return _fault("Malformed request", "")

        def find(name: str) -> str:
            el = next((e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == name), None)
            return (el.text or "") if el is not None else ""

        if find("login") != self.login or find("password") != self.password:
            return self._auth_fault()
        barcode = find("Barcode")
        ops = self.histories.get(barcode, [])
        if ops:
            records = "".join(self._record(barcode, op) for op in ops)
            data = f"<ns3:OperationHistoryData>{records}\n\t\t</ns3:OperationHistoryData>"
        else:
            data = "<ns3:OperationHistoryData/>"
        return _soap(
            f"<ns7:getOperationHistoryResponse {_NAMESPACES}>{data}"
            "</ns7:getOperationHistoryResponse>"
        )
