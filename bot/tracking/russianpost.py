"""Russian Post tracking (SOAP 1.2 getOperationHistory): the last mile for Russia."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import escape

import aiohttp

from bot.tracking.errors import SourceMisconfigured, SourceUnavailable
from bot.tracking.http import DEFAULT_TIMEOUT, looks_like_html, request
from bot.tracking.model import (
    NumberFailure,
    Status,
    TrackEvent,
    TrackOutcome,
    TrackResult,
    clean_country,
    normalise_events,
    status_from_events,
)

log = logging.getLogger(__name__)

NAME = "russianpost"
DEFAULT_URL = "https://tracking.russianpost.ru/rtm34"
# One barcode per SOAP call; the client walks a batch sequentially.
BATCH_SIZE = 10

_S10 = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")
_RPO = re.compile(r"^\d{14}$")

# OperType Id → status. Some types need the attribute (OperAttr Id) to tell more.
OPER_TYPES: Mapping[int, Status] = {
    1: Status.IN_TRANSIT,  # accepted (the post has the parcel)
    2: Status.DELIVERED,
    3: Status.RETURNING,
    4: Status.IN_TRANSIT,  # forwarded
    5: Status.DELIVERY_FAILED,  # not delivered
    6: Status.AVAILABLE_FOR_PICKUP,  # storage
    8: Status.IN_TRANSIT,  # processing
    9: Status.ARRIVED_DESTINATION,  # import
    10: Status.IN_TRANSIT,  # export
    11: Status.IN_CUSTOMS,  # handed to customs
    12: Status.DELIVERY_FAILED,  # failed delivery attempt
    14: Status.IN_CUSTOMS,  # customs clearance
    16: Status.EXCEPTION,  # destroyed
}
OPER_ATTRS: Mapping[tuple[int, int], Status] = {
    (2, 2): Status.RETURNED,  # handed back to the sender
    (8, 2): Status.AVAILABLE_FOR_PICKUP,  # arrived at the delivery office
    (8, 9): Status.AVAILABLE_FOR_PICKUP,  # arrived in a parcel locker
    (8, 13): Status.ARRIVED_DESTINATION,  # arrived in Russia
    (8, 15): Status.OUT_FOR_DELIVERY,  # handed to a courier
    (8, 16): Status.AVAILABLE_FOR_PICKUP,  # delivered to a parcel locker
    (8, 17): Status.AVAILABLE_FOR_PICKUP,  # waiting at the pickup point
}


def accepts(number: str, dest_country: str | None = None) -> bool:
    """14-digit domestic numbers; S10 numbers issued in or bound for Russia."""
    n = number.strip().upper()
    if _RPO.match(n):
        return True
    return bool(_S10.match(n)) and (n.endswith("RU") or (dest_country or "").upper() == "RU")


def build_envelope(barcode: str, login: str, password: str, language: str = "ENG") -> bytes:
    e = escape
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:oper="http://russianpost.org/operationhistory" '
        'xmlns:data="http://russianpost.org/operationhistory/data">'
        "<soap:Header/><soap:Body><oper:getOperationHistory>"
        "<data:OperationHistoryRequest>"
        f"<data:Barcode>{e(barcode)}</data:Barcode>"
        "<data:MessageType>0</data:MessageType>"
        f"<data:Language>{e(language)}</data:Language>"
        "</data:OperationHistoryRequest>"
        '<data:AuthorizationHeader soap:mustUnderstand="1">'
        f"<data:login>{e(login)}</data:login><data:password>{e(password)}</data:password>"
        "</data:AuthorizationHeader>"
        "</oper:getOperationHistory></soap:Body></soap:Envelope>"
    ).encode()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(el: ET.Element | None, *path: str) -> ET.Element | None:
    for name in path:
        if el is None:
            return None
        el = next((c for c in el if _local(c.tag) == name), None)
    return el


def _text(el: ET.Element | None, *path: str) -> str:
    found = _child(el, *path) if path else el
    return (found.text or "").strip() if found is not None else ""


def _iter(el: ET.Element, name: str) -> Iterator[ET.Element]:
    return (x for x in el.iter() if _local(x.tag) == name)


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        return None  # a local time without zone: the office's zone is unknown
    return t.astimezone(UTC)


def parse_xml(body: bytes) -> ET.Element:
    if not body.strip():
        raise SourceUnavailable(NAME, "empty body")
    head = body[:2048].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in body.upper():
        raise SourceUnavailable(NAME, "DOCTYPE/ENTITY in answer refused")
    if looks_like_html(body):
        raise SourceUnavailable(NAME, "HTML page instead of SOAP")
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise SourceUnavailable(NAME, f"bad XML: {exc}") from None


# Fault details by their real names (element `Detail/<name>`, namespace .../operationhistory/data).
AUTH_FAULT = "AuthorizationFaultReason"  # wrong login or password: the whole source is down
LANGUAGE_FAULT = "LanguageFaultReason"  # our request names a language the service refuses
HISTORY_FAULT = "OperationHistoryFaultReason"  # about this barcode (malformed and the like)
# In the *batch* API ErrorTypeID 3 means failed authorisation; never a rate limit.
_AUTH_ERROR_TYPE = "3"


def check_fault(root: ET.Element, number: str) -> NumberFailure | None:
    """Raise for whole-call faults (credentials, our request); a per-barcode fault becomes a
    NumberFailure."""
    fault = next(_iter(root, "Fault"), None)
    if fault is None:
        return None
    # SOAP 1.2 names (Detail, Reason/Text); SOAP 1.1 ones (detail, faultstring) just in case
    detail = _child(fault, "Detail")
    if detail is None:
        detail = _child(fault, "detail")
    names = {_local(x.tag) for x in detail.iter()} if detail is not None else set()
    reason = _text(fault, "Reason", "Text") or _text(fault, "faultstring")
    said = " ".join(t.strip() for t in (detail.itertext() if detail is not None else ()))
    text = " — ".join(x for x in (reason, said.strip()) if x)[:300] or "SOAP fault"
    error_ids = {(x.text or "").strip() for x in _iter(fault, "ErrorTypeID")}
    if AUTH_FAULT in names or "AuthorizationFault" in names or _AUTH_ERROR_TYPE in error_ids:
        raise SourceMisconfigured(NAME, f"wrong login or password ({text})")
    if LANGUAGE_FAULT in names:
        raise SourceMisconfigured(NAME, f"language refused ({text})")
    return NumberFailure(number, NAME, f"SOAP fault: {text}", code=HISTORY_FAULT)


def parse_history(number: str, root: ET.Element) -> TrackResult:
    events: list[TrackEvent] = []
    origin: str | None = None
    dest: str | None = None
    for rec in _iter(root, "historyRecord"):
        op = _child(rec, "OperationParameters")
        type_id = _int(_text(op, "OperType", "Id"))
        attr_id = _int(_text(op, "OperAttr", "Id"))
        type_name, attr_name = _text(op, "OperType", "Name"), _text(op, "OperAttr", "Name")
        status = None
        if type_id is not None:
            status = OPER_ATTRS.get((type_id, attr_id or 0)) or OPER_TYPES.get(type_id)
        addr = _child(rec, "AddressParameters")
        index = _text(addr, "OperationAddress", "Index")
        place = _text(addr, "OperationAddress", "Description")
        origin = clean_country(_text(addr, "CountryFrom", "Code2A")) or origin
        dest = clean_country(_text(addr, "MailDirect", "Code2A")) or dest
        code = f"{type_id}" + (f".{attr_id}" if attr_id is not None else "") if type_id else ""
        events.append(
            TrackEvent(
                time=_parse_date(_text(op, "OperDate")),
                description=" — ".join(x for x in (type_name, attr_name) if x),
                location=" ".join(x for x in (index, place) if x),
                code=code,
                status=status,
            )
        )
    # Records come oldest first; reversed, the stable newest-first sort keeps the post's order
    # among records that share one OperDate (arrived, then left, in the same minute).
    events.reverse()
    normal = normalise_events(events)
    status = (status_from_events(normal) or Status.IN_TRANSIT) if normal else Status.NOT_FOUND
    latest_code = normal[0].code if normal else ""
    return TrackResult(
        number=number,
        status=status,
        events=normal,
        source=NAME,
        raw_status=latest_code,
        origin_country=origin,
        dest_country=dest,
        carrier="Russian Post",
    )


class RussianPostClient:
    name = NAME
    max_batch = BATCH_SIZE

    def __init__(
        self,
        session: aiohttp.ClientSession,
        login: str,
        password: str,
        url: str = DEFAULT_URL,
        *,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        language: str = "ENG",
    ) -> None:
        self._session = session
        self._login = login
        self._password = password
        self._url = url
        self._timeout = timeout
        self._language = language

    async def track(self, numbers: Sequence[str]) -> dict[str, TrackOutcome]:
        out: dict[str, TrackOutcome] = {}
        for n in dict.fromkeys(numbers):
            out[n] = await self._one(n)
        return out

    async def _one(self, number: str) -> TrackOutcome:
        answer = await request(
            self._session,
            NAME,
            "POST",
            self._url,
            timeout=self._timeout,
            headers={"Content-Type": "application/soap+xml; charset=utf-8"},
            data=build_envelope(number.upper(), self._login, self._password, self._language),
            xml_errors=True,
        )
        root = parse_xml(answer.body)
        failure = check_fault(root, number)
        if failure is not None:
            return failure
        if answer.status != 200:
            raise SourceUnavailable(NAME, f"HTTP {answer.status}")
        return parse_history(number, root)
