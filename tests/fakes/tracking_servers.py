"""Local fake servers for the tracking vendors (Cainiao, 17TRACK, Russian Post).

Each fake runs an aiohttp server on 127.0.0.1 (port 0), answers in the vendor's documented shape,
records every request, and has mutable state plus failure modes a test switches on:

    async with FakeCainiao() as fake:
        fake.set_events("LP00068434402473", [FakeEvent(t, "Departed", "LH_DEPART")])
        fake.fail_next(Fail.CAPTCHA)          # the next request answers a captcha page
        client = CainiaoClient(session, fake.url)

For load tests, `default_events` generates deterministic events for numbers nobody set, so the
fake needs no per-number state (`deterministic_events` is a ready-made rule).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import json
import re
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
    SOAP_FAULT = "soap_fault"  # Russian Post OperationHistoryFault
    SOAP_LIMIT = "soap_limit"  # Russian Post request limit (ErrorTypeID=3)
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


@dataclass(frozen=True, slots=True)
class FakeEvent:
    """A vendor-neutral event the fakes render into their own shapes."""

    time: datetime  # aware
    description: str
    code: str = ""  # Cainiao actionCode / 17TRACK stage
    location: str = ""
    tz: str = "GMT+8"  # Cainiao only: the zone the local timeStr is written in ("" = blank)
    sub_status: str = ""  # 17TRACK only


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


@functools.lru_cache(maxsize=64)
def _tz_offset(tz: str) -> timezone:
    if tz.strip().upper() in ("GMT", "UTC"):
        return UTC
    m = re.match(r"^(?:GMT|UTC)([+-])(\d{1,2})(?::?(\d{2}))?$", tz.strip())
    if not m:
        return timezone(timedelta(hours=8))
    sign = -1 if m.group(1) == "-" else 1
    return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3) or 0)))


_CODES_FLOW = (
    ("GWMS_ACCEPT", "Order received by the warehouse"),
    ("GWMS_OUTBOUND", "Left the warehouse"),
    ("SC_INBOUND_SUCCESS", "Arrived at sorting center"),
    ("SC_OUTBOUND_SUCCESS", "Departed from sorting center"),
    ("LH_HO_AIRLINE", "Handed over to the airline"),
    ("LH_DEPART", "Departed from departure country/region"),
    ("LH_ARRIVE", "Arrived at destination airport"),
    ("CC_IM_START", "Import customs clearance started"),
    ("CC_IM_SUCCESS", "Import customs clearance complete"),
    ("GTMS_DO_ARRIVE", "Arrived at delivery office"),
    ("GTMS_DO_DEPART", "Out for delivery"),
    ("GTMS_SIGNED", "Delivered"),
)
_EPOCH = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)


def deterministic_events(number: str) -> list[FakeEvent]:
    """Newest-first events derived from the number alone (crc32), cheap and repeatable."""
    h = zlib.crc32(number.encode())
    count = 1 + h % len(_CODES_FLOW)
    start = _EPOCH + timedelta(hours=h % 500)
    evs = [
        FakeEvent(start + timedelta(hours=19 * i + (h >> 8) % 7), desc, code)
        for i, (code, desc) in enumerate(_CODES_FLOW[:count])
    ]
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

    # failure control ---------------------------------------------------------------------
    def fail_next(self, *modes: Fail) -> None:
        """The next requests fail in these ways, one request each, in order."""
        self._next.extend(modes)

    def fail_always(self, mode: Fail | None) -> None:
        self.always = mode

    def reset_failures(self) -> None:
        self._next.clear()
        self.always = None

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
        if mode is not None:
            early = await self._failure(mode, request, body)
            if early is not None:
                return early
        return await self._answer(request, body)

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


@dataclass
class CainiaoParcel:
    events: list[FakeEvent] = field(default_factory=list)  # newest first, as rendered
    origin: str = "CN"
    dest: str = "RU"
    real_mail_no: str = ""
    status: str = ""  # module-level status, undocumented
    carrier: str = "Russian Post"
    source: str = "AE"


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
        status, carrier, source."""
        self.parcels[number] = CainiaoParcel(events=list(events), **fields)

    def parcel(self, number: str) -> CainiaoParcel:
        return self.parcels.setdefault(number, CainiaoParcel())

    def add_event(self, number: str, event: FakeEvent) -> None:
        self.parcel(number).events.insert(0, event)

    def reword(self, number: str, index: int, description: str) -> None:
        evs = self.parcel(number).events
        evs[index] = replace(evs[index], description=description)

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
    def render_event(ev: FakeEvent) -> dict[str, Any]:
        local = ev.time.astimezone(_tz_offset(ev.tz or "GMT+8"))
        return {
            "time": int(ev.time.timestamp() * 1000),
            "timeStr": local.replace(tzinfo=None, microsecond=0).isoformat(sep=" "),
            "timeZone": ev.tz,
            "desc": ev.description,
            "standerdDesc": ev.description,
            "descTitle": ev.description.split(" ")[0] if ev.description else "",
            "actionCode": ev.code,
            "group": {"nodeCode": "ANY", "nodeDesc": "any"},
        }

    def render_module(self, number: str) -> dict[str, Any]:
        p = self.parcels.get(number)
        if p is None and self.default_events is not None:
            p = CainiaoParcel(events=self.default_events(number))
        if p is None:
            return {
                "mailNo": number,
                "mailNoSource": "EXTERNAL",
                "status": "",
                "detailList": [],
                "daysNumber": "0",
            }
        details = [self.render_event(e) for e in p.events]
        item: dict[str, Any] = {
            "mailNo": number,
            "mailNoSource": p.source,
            "status": p.status or ("IN_TRANSIT" if details else ""),
            "statusDesc": p.events[0].description if p.events else "",
            "originCountry": p.origin,
            "destCountry": p.dest,
            "daysNumber": "12",
            "latestTrace": details[0] if details else None,
            "destCpInfo": {"cpName": p.carrier, "url": "https://example.invalid"},
            "detailList": details,
            "someFutureField": {"nested": [1, 2, 3]},
        }
        if p.real_mail_no:
            item["realMailNo"] = p.real_mail_no
        return item

    async def _answer(self, request: web.Request, body: bytes) -> web.StreamResponse:
        if request.path != "/global/detail.json":
            return web.Response(status=404, text="not found")
        numbers = [n for n in request.query.get("mailNos", "").split(",") if n]
        modules = [self.render_module(n) for n in numbers if n not in self.omitted]
        payload = {"success": True, "module": modules}
        return web.Response(body=json.dumps(payload).encode(), content_type="application/json")


# ------------------------------------------------------------------------------------------
# 17TRACK v2.2
# ------------------------------------------------------------------------------------------


@dataclass
class Track17Parcel:
    events: list[FakeEvent] = field(default_factory=list)  # newest first
    status: str = "InTransit"
    sub_status: str = "InTransit_Other"
    carrier_name: str = "China Post"
    carrier_code: int = 3011
    origin: str = "CN"
    dest: str = "RU"


class Fake17Track(_FakeServer):
    """POST `/track/v2.2/{register,gettrackinfo,stoptrack,...}` with header `17token`."""

    def __init__(self, api_key: str = "test-key", *, latency: float = 0.0) -> None:
        super().__init__(latency=latency)
        self.api_key = api_key
        self.parcels: dict[str, Track17Parcel] = {}
        self.registered: set[str] = set()
        self.stopped: set[str] = set()
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

    def calls(self, op: str) -> list[Recorded]:
        return [r for r in self.requests if r.path.endswith("/" + op)]

    @staticmethod
    def render_event(ev: FakeEvent) -> dict[str, Any]:
        local = ev.time.astimezone(timezone(timedelta(hours=8)))
        return {
            "time_iso": local.isoformat(),
            "time_utc": ev.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "time_raw": {"date": local.strftime("%Y-%m-%d"), "time": local.strftime("%H:%M")},
            "description": ev.description,
            "location": ev.location or None,
            "stage": ev.code or None,
            "sub_status": ev.sub_status or None,
            "address": {"country": None, "city": None},
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
                    "shipper_address": {"country": p.origin},
                    "recipient_address": {"country": p.dest},
                },
                "latest_status": {"status": p.status, "sub_status": p.sub_status},
                "latest_event": events[0] if events else None,
                "time_metrics": {
                    "days_after_order": 12,
                    "days_of_transit": 10,
                    "days_after_last_update": 1,
                    "estimated_delivery_date": {"from": None, "to": None},
                },
                "milestone": [{"key_stage": "InfoReceived", "time_utc": None}],
                "tracking": {
                    "providers_hash": 123,
                    "providers": [
                        {
                            "provider": {
                                "key": p.carrier_code,
                                "name": p.carrier_name,
                                "country": p.origin,
                            },
                            "events_hash": 456,
                            "events": events,
                        }
                    ],
                },
            },
        }

    def push_body(self, number: str, event: str = "TRACKING_UPDATED") -> tuple[bytes, str]:
        """A webhook body for `number` and its correct `sign` header."""
        raw = json.dumps({"event": event, "data": self.render_item(number)}).encode()
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
            if op == "register":
                self.register_count[n] = self.register_count.get(n, 0) + 1
                if n in self.registered:
                    rejected.append(self._rejected(n, -18019901, "already registered"))
                elif self.quota is not None and self.quota <= 0:
                    rejected.append(self._rejected(n, -18019908, "quota exhausted"))
                else:
                    if self.quota is not None:
                        self.quota -= 1
                    self.registered.add(n)
                    accepted.append({"origin": 1, "number": n, "carrier": 3011})
            elif op == "gettrackinfo":
                if n not in self.registered:
                    rejected.append(self._rejected(n, -18019902, "not registered"))
                else:
                    accepted.append(self.render_item(n))
            elif op == "stoptrack":
                if n not in self.registered:
                    rejected.append(self._rejected(n, -18019902, "not registered"))
                else:
                    self.stopped.add(n)
                    accepted.append({"number": n, "carrier": 3011})
            else:
                accepted.append({"number": n})
        return self._envelope(0, {"accepted": accepted, "rejected": rejected})


# ------------------------------------------------------------------------------------------
# Russian Post (SOAP 1.2)
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RPOperation:
    time: datetime  # aware; rendered in Moscow time (+03:00)
    type_id: int
    type_name: str = ""
    attr_id: int | None = None
    attr_name: str = ""
    index: str = "101000"
    place: str = "Moscow PO 101000"
    dest: str = "RU"
    origin: str = "CN"


_SOAP_NS = "http://www.w3.org/2003/05/soap-envelope"
_MSK = timezone(timedelta(hours=3))


def _soap(body: str) -> web.Response:
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<S:Envelope xmlns:S="{_SOAP_NS}"><S:Body>{body}</S:Body></S:Envelope>'
    )
    return web.Response(body=doc.encode(), content_type="application/soap+xml", charset="utf-8")


def _fault(reason: str, detail: str, status: int = 500) -> web.Response:
    resp = _soap(
        "<S:Fault><S:Code><S:Value>S:Receiver</S:Value></S:Code>"
        f'<S:Reason><S:Text xml:lang="en">{escape(reason)}</S:Text></S:Reason>'
        f"<S:Detail>{detail}</S:Detail></S:Fault>"
    )
    resp.set_status(status)
    return resp


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
    def _record(op: RPOperation) -> str:
        attr = (
            f"<ns3:OperAttr><ns3:Id>{op.attr_id}</ns3:Id><ns3:Name>{escape(op.attr_name)}"
            "</ns3:Name></ns3:OperAttr>"
            if op.attr_id is not None
            else ""
        )
        when = op.time.astimezone(_MSK).isoformat(timespec="milliseconds")
        return (
            "<ns3:historyRecord><ns3:AddressParameters>"
            f"<ns3:DestinationAddress><ns3:Index>{op.index}</ns3:Index>"
            f"<ns3:Description>{escape(op.place)}</ns3:Description></ns3:DestinationAddress>"
            f"<ns3:OperationAddress><ns3:Index>{op.index}</ns3:Index>"
            f"<ns3:Description>{escape(op.place)}</ns3:Description></ns3:OperationAddress>"
            f"<ns3:MailDirect><ns3:Id>643</ns3:Id><ns3:Code2A>{op.dest}</ns3:Code2A>"
            "</ns3:MailDirect>"
            f"<ns3:CountryFrom><ns3:Id>156</ns3:Id><ns3:Code2A>{op.origin}</ns3:Code2A>"
            "</ns3:CountryFrom></ns3:AddressParameters>"
            "<ns3:OperationParameters>"
            f"<ns3:OperType><ns3:Id>{op.type_id}</ns3:Id><ns3:Name>{escape(op.type_name)}"
            f"</ns3:Name></ns3:OperType>{attr}<ns3:OperDate>{when}</ns3:OperDate>"
            "</ns3:OperationParameters><ns3:UnknownFutureBlock>x</ns3:UnknownFutureBlock>"
            "</ns3:historyRecord>"
        )

    async def _vendor_failure(
        self, mode: Fail, request: web.Request, body: bytes
    ) -> web.StreamResponse | None:
        if mode is Fail.SOAP_FAULT:
            return _fault(
                "Operation history error",
                '<ns2:OperationHistoryFault xmlns:ns2="http://russianpost.org/operationhistory">'
                "Invalid barcode</ns2:OperationHistoryFault>",
            )
        if mode is Fail.SOAP_LIMIT:
            return _fault(
                "Request limit exceeded",
                '<ns2:OperationHistoryFault xmlns:ns2="http://russianpost.org/operationhistory">'
                "<ns2:ErrorTypeID>3</ns2:ErrorTypeID>"
                "<ns2:ErrorName>Request limit exceeded</ns2:ErrorName>"
                "</ns2:OperationHistoryFault>",
            )
        if mode is Fail.DOCTYPE:
            doc = (
                b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
                b'<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Body>&lol;'
                b"</S:Body></S:Envelope>"
            )
            return web.Response(body=doc, content_type="application/soap+xml")
        return await super()._vendor_failure(mode, request, body)

    async def _answer(self, request: web.Request, body: bytes) -> web.StreamResponse:
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            return _fault("Malformed request", "")

        def find(name: str) -> str:
            el = next((e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == name), None)
            return (el.text or "") if el is not None else ""

        if find("login") != self.login or find("password") != self.password:
            return _fault(
                "Authorization error",
                '<ns2:AuthorizationFault xmlns:ns2="http://russianpost.org/operationhistory">'
                "Invalid login or password</ns2:AuthorizationFault>",
            )
        records = "".join(self._record(op) for op in self.histories.get(find("Barcode"), []))
        return _soap(
            '<ns7:getOperationHistoryResponse xmlns:ns3="http://russianpost.org/operationhistory/data"'
            ' xmlns:ns7="http://russianpost.org/operationhistory">'
            f"<ns3:OperationHistoryData>{records}</ns3:OperationHistoryData>"
            "</ns7:getOperationHistoryResponse>"
        )
