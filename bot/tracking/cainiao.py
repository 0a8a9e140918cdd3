"""Cainiao global (global.cainiao.com): the default source, no key."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import aiohttp

from bot.tracking.errors import Blocked, SourceUnavailable
from bot.tracking.http import BROWSER_UA, DEFAULT_TIMEOUT, load_json, looks_like_html, request
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

NAME = "cainiao"
DEFAULT_BASE_URL = "https://global.cainiao.com"
# Numbers per call. The site itself accepts more, but large batches trigger the captcha sooner.
BATCH_SIZE = 15
# Cainiao reports local China time; a blank timeZone means this.
DEFAULT_TZ = timezone(timedelta(hours=8))

ACTION_CODES: Mapping[str, Status] = {
    "GWMS_ACCEPT": Status.INFO_RECEIVED,
    "GWMS_PACKAGE": Status.INFO_RECEIVED,
    "WMS_CONFIRMED": Status.INFO_RECEIVED,
    "GWMS_OUTBOUND": Status.IN_TRANSIT,
    "PU_PICKUP_SUCCESS": Status.IN_TRANSIT,
    "CW_OUTBOUND": Status.IN_TRANSIT,
    "SC_INBOUND_SUCCESS": Status.IN_TRANSIT,
    "SC_OUTBOUND_SUCCESS": Status.IN_TRANSIT,
    "LH_HO_IN_SUCCESS": Status.IN_TRANSIT,
    "LH_HO_AIRLINE": Status.IN_TRANSIT,
    "LH_DEPART": Status.IN_TRANSIT,
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
    "GTMS_ACCEPT": Status.ARRIVED_DESTINATION,
    "GTMS_DO_ARRIVE": Status.ARRIVED_DESTINATION,
    "GTMS_STATION_OUT": Status.ARRIVED_DESTINATION,
    "GTMS_DO_DEPART": Status.OUT_FOR_DELIVERY,
    "GTMS_SIGNED": Status.DELIVERED,
    "GTMS_DEL_FAILURE": Status.DELIVERY_FAILED,
}

# The module-level `status` is undocumented; only used when no event code is known.
_MODULE_STATUS: Mapping[str, Status] = {
    "NOT_FOUND": Status.NOT_FOUND,
    "SIGNIN": Status.DELIVERED,
    "DELIVERED": Status.DELIVERED,
    "WAIT_SIGNIN": Status.OUT_FOR_DELIVERY,
    "RETURN": Status.RETURNING,
    "RETURNED": Status.RETURNED,
}

_TZ_RE = re.compile(r"^(?:GMT|UTC)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_BLOCK_MARKERS = (b"captcha", b"punish", b"x5sec", b"slide to verify", b"baxia")


def parse_tz(value: object) -> timezone:
    return _parse_tz(value) if isinstance(value, str) else DEFAULT_TZ


@functools.lru_cache(maxsize=256)
def _parse_tz(value: str) -> timezone:
    """ "GMT+8", "GMT-03:00", "UTC+0530", "GMT" → fixed offset; blank or junk → GMT+8."""
    if not value.strip():
        return DEFAULT_TZ
    v = value.strip()
    if v.upper() in ("GMT", "UTC", "Z"):
        return UTC
    m = _TZ_RE.match(v)
    if not m:
        return DEFAULT_TZ
    sign = -1 if m.group(1) == "-" else 1
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes > 59:
        return DEFAULT_TZ
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def parse_event_time(item: Mapping[str, Any]) -> datetime | None:
    """Prefer the local `timeStr` in its `timeZone` (blank → GMT+8); fall back to epoch ms."""
    time_str = item.get("timeStr")
    if isinstance(time_str, str) and time_str.strip():
        try:  # the usual "yyyy-MM-dd HH:mm:ss"; fromisoformat is much faster than strptime
            local = datetime.fromisoformat(time_str.strip())
        except ValueError:
            pass
        else:
            if local.tzinfo is None:
                local = local.replace(tzinfo=parse_tz(item.get("timeZone")))
            return local.astimezone(UTC)
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S"):
            try:
                local = datetime.strptime(time_str.strip(), fmt)
            except ValueError:
                continue
            return local.replace(tzinfo=parse_tz(item.get("timeZone"))).astimezone(UTC)
    epoch = item.get("time")
    if isinstance(epoch, int | float) and not isinstance(epoch, bool) and epoch > 0:
        try:
            return datetime.fromtimestamp(epoch / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def parse_event(item: Mapping[str, Any]) -> TrackEvent:
    code = _text(item.get("actionCode"))
    desc = (
        _text(item.get("standerdDesc")) or _text(item.get("desc")) or _text(item.get("descTitle"))
    )
    return TrackEvent(
        time=parse_event_time(item),
        description=desc,
        location="",  # Cainiao has no location field; it is inside the text when present
        code=code,
        status=ACTION_CODES.get(code.upper()) if code else None,
    )


def parse_module(number: str, item: Mapping[str, Any]) -> TrackResult:
    raw_details = item.get("detailList")
    details = raw_details if isinstance(raw_details, list) else []
    events = normalise_events(parse_event(d) for d in details if isinstance(d, Mapping))
    raw_status = _text(item.get("status"))
    if not events:
        status = Status.NOT_FOUND
    else:
        status = (
            status_from_events(events)
            or _MODULE_STATUS.get(raw_status.upper())
            or Status.IN_TRANSIT
        )
    cp = item.get("destCpInfo")
    carrier = _text(cp.get("cpName")) if isinstance(cp, Mapping) else ""
    real = _text(item.get("realMailNo"))
    extra: dict[str, str] = {}
    for k in ("mailNoSource", "statusDesc", "daysNumber"):
        v = item.get(k)
        if isinstance(v, str | int) and not isinstance(v, bool) and str(v):
            extra[k] = str(v)
    return TrackResult(
        number=number,
        status=status,
        events=events,
        source=NAME,
        raw_status=raw_status,
        origin_country=clean_country(item.get("originCountry")),
        dest_country=clean_country(item.get("destCountry")),
        carrier=carrier or None,
        real_number=real if real and real.upper() != number.upper() else None,
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
        for k in ("mailNo", "realMailNo"):
            v = _text(m.get(k)).upper()
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
