"""Cainiao global (global.cainiao.com): the default source, no key."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import aiohttp

from bot.tracking.countries import country_code
from bot.tracking.errors import Blocked, SourceUnavailable
from bot.tracking.http import BROWSER_UA, DEFAULT_TIMEOUT, load_json, looks_like_html, request
from bot.tracking.model import (
    ETA_FROM,
    ETA_TO,
    NumberFailure,
    Status,
    TrackEvent,
    TrackOutcome,
    TrackResult,
    normalise_events,
    status_from_events,
)

log = logging.getLogger(__name__)

NAME = "cainiao"
DEFAULT_BASE_URL = "https://global.cainiao.com"
# Numbers per call. The site itself accepts more, but large batches trigger the captcha sooner.
BATCH_SIZE = 15
# `timeStr` is the epoch rendered in China time whatever `timeZone` says; used only without epoch.
CHINA_TZ = timezone(timedelta(hours=8))

ACTION_CODES: Mapping[str, Status] = {
    # Before the hand-over: the seller made the label, a warehouse knows the order.
    "PRE_READY_TO_SHIP": Status.AWAITING_DISPATCH,
    "GWMS_ACCEPT": Status.INFO_RECEIVED,
    "GWMS_PACKAGE": Status.INFO_RECEIVED,
    "WMS_CONFIRMED": Status.INFO_RECEIVED,
    "PU_PRE_PICKUP_SUCCESS": Status.INFO_RECEIVED,  # a pick-up is booked, nothing collected
    # The carrier has it.
    "GWMS_OUTBOUND": Status.IN_TRANSIT,
    "PU_PICKUP_SUCCESS": Status.IN_TRANSIT,
    "CW_OUTBOUND": Status.IN_TRANSIT,
    "SC_INBOUND_SUCCESS": Status.IN_TRANSIT,
    "SC_OUTBOUND_SUCCESS": Status.IN_TRANSIT,
    "COMMON_INTRANSIT": Status.IN_TRANSIT,
    "LH_HO_IN_SUCCESS": Status.IN_TRANSIT,
    "LH_HO_AIRLINE": Status.IN_TRANSIT,
    "LH_BIGBAG_SHELVE": Status.IN_TRANSIT,
    "LH_DEPART": Status.IN_TRANSIT,
    "LH_POST_COLLECTION": Status.IN_TRANSIT,  # accepted by the (destination) postal service
    "LH_ARRIVE": Status.ARRIVED_DESTINATION,
    # Export customs happens in China: the parcel is held by customs, but not yet abroad.
    "CC_EX_START": Status.IN_CUSTOMS,
    "CC_EX_SUCCESS": Status.IN_TRANSIT,
    "CC_HO_IN_SUCCESS": Status.IN_CUSTOMS,
    "CC_HO_OUT_SUCCESS": Status.ARRIVED_DESTINATION,
    "CC_IM_START": Status.IN_CUSTOMS,
    "CC_IM_SUCCESS": Status.ARRIVED_DESTINATION,
    "CUSTOMS_ARRIVED_IN_AREA_CALLBACK": Status.IN_CUSTOMS,
    "TRANSIT_PORT_REROUTE_CALLBACK": Status.IN_TRANSIT,
    "TD_TRANSWH_OUTBOUND": Status.IN_TRANSIT,
    "TD_TRANS_ARRIVE_DCP": Status.IN_TRANSIT,
    "TD_TRANS_DEPART_C": Status.IN_TRANSIT,
    "TD_TRANS_ARRIVE_C": Status.IN_TRANSIT,
    # The last mile.
    "GTMS_ACCEPT": Status.ARRIVED_DESTINATION,
    "GTMS_DO_ARRIVE": Status.ARRIVED_DESTINATION,
    "GTMS_STATION_OUT": Status.ARRIVED_DESTINATION,
    "GTMS_OE_DEPART": Status.ARRIVED_DESTINATION,
    "GTMS_DO_DEPART": Status.OUT_FOR_DELIVERY,
    "GSTA_INBOUND": Status.AVAILABLE_FOR_PICKUP,  # in at a pick-up station
    "GTMS_STA_SIGNED": Status.AVAILABLE_FOR_PICKUP,  # signed for by the station, not the buyer
    "GTMS_SIGNED": Status.DELIVERED,
    "GTMS_DEL_FAILURE": Status.DELIVERY_FAILED,
}

# The module-level `status`: used when no event code is known (or there are no events).
MODULE_STATUS: Mapping[str, Status] = {
    "NOT_FOUND": Status.NOT_FOUND,
    "SELLER_PREPARING": Status.AWAITING_DISPATCH,
    "WAIT_SELLER_SEND": Status.AWAITING_DISPATCH,
    "PICKEDUP": Status.IN_TRANSIT,
    "SHIPPING": Status.IN_TRANSIT,
    "IN_TRANSIT": Status.IN_TRANSIT,
    "DEPART_FROM_ORIGINAL_COUNTRY": Status.IN_TRANSIT,
    "ARRIVED_AT_DEST_COUNTRY": Status.ARRIVED_DESTINATION,
    "CLEAR_CUSTOMS": Status.IN_CUSTOMS,
    "DELIVERING": Status.ARRIVED_DESTINATION,
    "WAIT_SIGNIN": Status.OUT_FOR_DELIVERY,
    "SIGNIN": Status.DELIVERED,
    "DELIVERED": Status.DELIVERED,
    "RETURN": Status.RETURNING,
    "RETURNED": Status.RETURNED,
}
# Sources meaning "we do not know this number" (the rest, "AE" above all, know the parcel).
_UNKNOWN_SOURCES = frozenset({"EXTERNAL", ""})

_BLOCK_MARKERS = (b"captcha", b"punish", b"x5sec", b"slide to verify", b"baxia")
# A labelled number ("Latest Tracking Number:\tRC000000003EE"): the last token that looks like one.
_NUMBER_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9-]{5,}[A-Z0-9]", re.IGNORECASE)
# A hand-over number in the carrier's words: "preMainCode:SINOA00241668IL".
_HANDOVER = re.compile(r"\bpreMainCode\s*[:：]\s*([A-Z0-9]{8,40})\b", re.IGNORECASE)


def handover_numbers(
    texts: Iterable[str], *, exclude: Iterable[str | None] = ()
) -> tuple[str, ...]:
    """The parcel's numbers at the next carrier that ``texts`` (the carrier's words, newest
    first) name, newest first, without repeats and without the ``exclude``d ones: the parse reads
    them from an answer, the card from the stored events."""
    skip = {n.upper() for n in exclude if n}
    found = (m.upper() for text in texts for m in _HANDOVER.findall(text))
    return tuple(n for n in dict.fromkeys(found) if n not in skip)


# Epochs below this are seconds, above milliseconds (1e11 s is the year 5138).
_MS_THRESHOLD = 100_000_000_000


def parse_event_time(item: Mapping[str, Any]) -> datetime | None:
    """The epoch `time` (ms, or s) is the instant; `timeZone` is no more than a hint about where
    it happened. Without an epoch, `timeStr` is China time (that is how Cainiao renders it)."""
    epoch = item.get("time")
    if isinstance(epoch, str) and epoch.strip().isdigit():
        epoch = int(epoch.strip())
    if isinstance(epoch, int | float) and not isinstance(epoch, bool) and epoch > 0:
        seconds = epoch / 1000 if epoch >= _MS_THRESHOLD else float(epoch)
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            pass
    time_str = item.get("timeStr")
    if isinstance(time_str, str) and time_str.strip():
        raw = time_str.strip()
        try:  # the usual "yyyy-MM-dd HH:mm:ss"; fromisoformat is much faster than strptime
            local = datetime.fromisoformat(raw)
        except ValueError:
            local = None
            for fmt in ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M"):
                try:
                    local = datetime.strptime(raw, fmt)
                except ValueError:
                    continue
                break
        if local is not None:
            if local.tzinfo is None:
                local = local.replace(tzinfo=CHINA_TZ)
            return local.astimezone(UTC)
    return None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _epoch(value: object) -> int | None:
    """An epoch in milliseconds (or seconds) as unix seconds; None for blanks and junk."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return int(value // 1000 if value > _MS_THRESHOLD else value)


def clean_number(value: object) -> str:
    """`realMailNo` as a bare number: labels, tabs and spaces around it dropped."""
    text = _text(value)
    if not text:
        return ""
    tokens = [t for t in _NUMBER_TOKEN.findall(text) if any(c.isdigit() for c in t)]
    return tokens[-1].upper() if tokens else ""


def parse_event(item: Mapping[str, Any]) -> TrackEvent:
    code = _text(item.get("actionCode"))
    standard, own = _text(item.get("standerdDesc")), _text(item.get("desc"))
    desc = standard or own or _text(item.get("descTitle"))
    return TrackEvent(
        time=parse_event_time(item),
        description=desc,
        location="",  # Cainiao has no location field; it is inside the text when present
        code=code,
        status=ACTION_CODES.get(code.upper()) if code else None,
        detail=own if own and own != desc else "",
    )


def parse_module(number: str, item: Mapping[str, Any]) -> TrackResult:
    raw_details = item.get("detailList")
    details = raw_details if isinstance(raw_details, list) else []
    latest = item.get("latestTrace")
    if not details and isinstance(latest, Mapping) and latest.get("time"):
        details = [latest]  # an answer with its latest event only: keep that one
    # newest first as sent; the sort is stable, so events sharing an epoch keep this order
    events = normalise_events(parse_event(d) for d in details if isinstance(d, Mapping))
    raw_status = _text(item.get("status"))
    module_status = MODULE_STATUS.get(raw_status.upper())
    source = _text(item.get("mailNoSource")).upper()
    if events:
        status = status_from_events(events) or module_status or Status.IN_TRANSIT
        if module_status is Status.AWAITING_DISPATCH and status is Status.INFO_RECEIVED:
            status = module_status  # warehouse paperwork only: still not handed over
    elif module_status is not None:
        status = module_status
    elif source in _UNKNOWN_SOURCES or not raw_status:
        status = Status.NOT_FOUND
    else:  # a status we do not know yet, on a parcel Cainiao knows: it exists, nothing moved
        status = Status.AWAITING_DISPATCH
    cp = item.get("destCpInfo")
    carrier = _text(cp.get("cpName")) if isinstance(cp, Mapping) else ""
    real = clean_number(item.get("copyRealMailNo")) or clean_number(item.get("realMailNo"))
    extra: dict[str, str] = {}
    for k in ("mailNoSource", "statusDesc", "daysNumber", "mailType"):
        v = item.get(k)
        if isinstance(v, str | int) and not isinstance(v, bool) and str(v).strip():
            extra[k] = " ".join(str(v).split())  # "8\tday(s)", "In customs " → tidy
    eta = item.get("globalEtaInfo")
    if isinstance(eta, Mapping):
        low, high = _epoch(eta.get("deliveryMinTime")), _epoch(eta.get("deliveryMaxTime"))
        if low is not None or high is not None:
            extra[ETA_FROM] = str(low if low is not None else high)
            extra[ETA_TO] = str(high if high is not None else low)
    handover = handover_numbers((e.detail or e.description for e in events), exclude=(number, real))
    return TrackResult(
        number=number,
        status=status,
        events=events,
        source=NAME,
        raw_status=raw_status,
        handover_numbers=tuple(handover),
        origin_country=country_code(item.get("originCountry")),
        dest_country=country_code(item.get("destCountry")),
        carrier=carrier or None,
        real_number=real if real and real != number.upper() else None,
        extra=extra,
    )


def parse_answer(numbers: Sequence[str], body: bytes) -> dict[str, TrackOutcome]:
    """Parse a detail.json body for the numbers asked. Raises Blocked / SourceUnavailable."""
    if looks_like_html(body):
        if any(m in body.lower() for m in _BLOCK_MARKERS):
            raise Blocked(NAME, "captcha page instead of JSON")
        raise SourceUnavailable(NAME, "HTML page instead of JSON")
    data = load_json(NAME, body)
    if not isinstance(data, Mapping):
        raise SourceUnavailable(NAME, "JSON is not an object")
    if "module" not in data and any(m in body[:4096].lower() for m in _BLOCK_MARKERS):
        # the anti-bot layer answers JSON too: {"ret":["FAIL_SYS_USER_VALIDATE"],"url":"…/punish"}
        raise Blocked(NAME, "anti-bot JSON instead of data")
    if data.get("success") is False:
        raise SourceUnavailable(NAME, f"success=false: {str(data)[:200]}")
    modules = data.get("module")
    if not isinstance(modules, list):
        raise SourceUnavailable(NAME, "no module list")
    by_no: dict[str, Mapping[str, Any]] = {}
    for m in modules:
        if not isinstance(m, Mapping):
            continue
        for v in (_text(m.get("mailNo")).upper(), clean_number(m.get("realMailNo"))):
            if v:
                by_no.setdefault(v, m)
    out: dict[str, TrackOutcome] = {}
    for n in numbers:
        item = by_no.get(n.upper())
        if item is None:
            out[n] = NumberFailure(n, NAME, "number missing from the answer")
        else:
            out[n] = parse_module(n, item)
    return out


class CainiaoClient:
    """`GET {base}/global/detail.json?mailNos=N1,N2&lang=en-US&language=en-US`."""

    name = NAME
    max_batch = BATCH_SIZE

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        user_agent: str = BROWSER_UA,
    ) -> None:
        self._session = session
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._headers = {
            "User-Agent": user_agent,
            "Referer": f"{DEFAULT_BASE_URL}/",
            "Accept": "application/json, text/plain, */*",
            "Accept-Language": "en-US,en;q=0.9",
        }

    async def track(self, numbers: Sequence[str]) -> dict[str, TrackOutcome]:
        out: dict[str, TrackOutcome] = {}
        unique = list(dict.fromkeys(numbers))
        for i in range(0, len(unique), self.max_batch):
            out.update(await self._batch(unique[i : i + self.max_batch]))
        return out

    async def _batch(self, numbers: list[str]) -> dict[str, TrackOutcome]:
        answer = await request(
            self._session,
            NAME,
            "GET",
            f"{self._base}/global/detail.json",
            timeout=self._timeout,
            headers=self._headers,
            params={"mailNos": ",".join(numbers), "lang": "en-US", "language": "en-US"},
        )
        if answer.status in (401, 403):
            raise Blocked(NAME, f"HTTP {answer.status}")
        if answer.status != 200:
            raise SourceUnavailable(NAME, f"HTTP {answer.status}")
        return parse_answer(numbers, answer.body)
