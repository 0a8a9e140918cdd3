"""17TRACK API v2.2 (key in header `17token`). Used only when an API key is configured."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol

import aiohttp
from aiolimiter import AsyncLimiter

from bot.tracking.errors import (
    InvalidSignature,
    QuotaExhausted,
    RateLimited,
    SourceMisconfigured,
    SourceUnavailable,
)
from bot.tracking.http import DEFAULT_TIMEOUT, load_json, looks_like_html, request
from bot.tracking.model import (
    ETA_FROM,
    ETA_TO,
    NumberFailure,
    Status,
    TrackEvent,
    TrackOutcome,
    TrackResult,
    clean_country,
    normalise_events,
)

log = logging.getLogger(__name__)

NAME = "17track"
DEFAULT_BASE_URL = "https://api.17track.net/track/v2.2"
MAX_BATCH = 40
REQUESTS_PER_SECOND = 3

ERR_ALREADY_REGISTERED = -18019901
ERR_NOT_REGISTERED = -18019902
ERR_CARRIER_NOT_DETECTED = -18019903
ERR_DAILY_LIMIT = -18019907
ERR_QUOTA_EXHAUSTED = -18019908
ERR_INVALID_KEY = -18010002
ERR_TOO_MANY_NUMBERS = -18010014
_QUOTA_CODES = frozenset({ERR_DAILY_LIMIT, ERR_QUOTA_EXHAUSTED})

MAIN_STATUS: Mapping[str, Status] = {
    "NotFound": Status.NOT_FOUND,
    "InfoReceived": Status.INFO_RECEIVED,
    "InTransit": Status.IN_TRANSIT,
    "Expired": Status.EXPIRED,
    "AvailableForPickup": Status.AVAILABLE_FOR_PICKUP,
    "OutForDelivery": Status.OUT_FOR_DELIVERY,
    "DeliveryFailure": Status.DELIVERY_FAILED,
    "Delivered": Status.DELIVERED,
    "Exception": Status.EXCEPTION,
}
SUB_STATUS: Mapping[str, Status] = {
    "InTransit_CustomsProcessing": Status.IN_CUSTOMS,
    "InTransit_CustomsRequiringInformation": Status.IN_CUSTOMS,
    "InTransit_CustomsReleased": Status.IN_TRANSIT,
    "InTransit_Arrival": Status.ARRIVED_DESTINATION,
    "Exception_Returning": Status.RETURNING,
    "Exception_Returned": Status.RETURNED,
}
# Event `stage` / milestone key_stage values.
STAGE: Mapping[str, Status] = {
    "InfoReceived": Status.INFO_RECEIVED,
    "PickedUp": Status.IN_TRANSIT,
    "Departure": Status.IN_TRANSIT,
    "Arrival": Status.ARRIVED_DESTINATION,
    "AvailableForPickup": Status.AVAILABLE_FOR_PICKUP,
    "OutForDelivery": Status.OUT_FOR_DELIVERY,
    "Delivered": Status.DELIVERED,
    "Returning": Status.RETURNING,
    "Returned": Status.RETURNED,
    "Exception": Status.EXCEPTION,
    "DeliveryFailure": Status.DELIVERY_FAILED,
}


def map_status(status: str, sub_status: str) -> Status:
    return SUB_STATUS.get(sub_status) or MAIN_STATUS.get(status) or Status.IN_TRANSIT


class RegistrationStore(Protocol):
    """Remembers which numbers were registered with 17TRACK (each costs quota once)."""

    async def is_registered(self, number: str) -> bool: ...

    async def mark_registered(self, number: str) -> None: ...


class InMemoryRegistrationStore:
    def __init__(self) -> None:
        self.numbers: set[str] = set()

    async def is_registered(self, number: str) -> bool:
        return number in self.numbers

    async def mark_registered(self, number: str) -> None:
        self.numbers.add(number)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _zone(value: object) -> tzinfo | None:
    """ "-03:00", "+0800", "Z" → a fixed offset; None when absent or unreadable."""
    raw = _text(value)
    if not raw:
        return None
    try:
        return datetime.fromisoformat(f"2000-01-01T00:00:00{raw}").tzinfo
    except ValueError:
        return None


def _raw_time(ev: Mapping[str, Any], zone: tzinfo | None) -> datetime | None:
    """`time_raw {date, time, timezone}`: the carrier's local time. Without its zone, the zone
    its other events show (`zone`), else UTC: a time a few hours off beats no time at all."""
    raw = ev.get("time_raw")
    if not isinstance(raw, Mapping):
        return None
    day, clock = _text(raw.get("date")), _text(raw.get("time")) or "00:00:00"
    if not day:
        return None
    try:
        local = datetime.fromisoformat(f"{day}T{clock}")
    except ValueError:
        return None
    if local.tzinfo is None:
        local = local.replace(tzinfo=_zone(raw.get("timezone")) or zone or UTC)
    return local.astimezone(UTC)


def _iso_epoch(value: object) -> int | None:
    """An ISO date or time (no zone: UTC) as unix seconds; None for null and junk."""
    text = _text(value)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def _parse_time(ev: Mapping[str, Any], zone: tzinfo | None = None) -> datetime | None:
    for field, naive_is_utc in (("time_utc", True), ("time_iso", False)):
        raw = _text(ev.get(field))
        if not raw:
            continue
        try:
            t = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        except ValueError:
            continue
        if t.tzinfo is None:
            if not naive_is_utc:
                continue  # a local time without its zone: unusable, try the next field
            t = t.replace(tzinfo=UTC)
        return t.astimezone(UTC)
    return _raw_time(ev, zone)


def _provider_zone(events: list[Any]) -> tzinfo | None:
    """The carrier's zone as its own events state it (`time_iso` offset, `time_raw.timezone`)."""
    for ev in events:
        if not isinstance(ev, Mapping):
            continue
        raw = ev.get("time_raw")
        zone = _zone(raw.get("timezone")) if isinstance(raw, Mapping) else None
        if zone is None:
            try:
                zone = datetime.fromisoformat(_text(ev.get("time_iso"))).tzinfo
            except ValueError:
                zone = None
        if zone is not None:
            return zone
    return None


def _parse_event(ev: Mapping[str, Any], zone: tzinfo | None = None) -> TrackEvent:
    stage = _text(ev.get("stage"))
    sub = _text(ev.get("sub_status"))
    code = stage or sub
    loc = ev.get("location")
    if isinstance(loc, Mapping):  # some answers give an address object
        parts = (_text(loc.get(k)) for k in ("city", "state", "country"))
        loc = ", ".join(p for p in parts if p)
    return TrackEvent(
        time=_parse_time(ev, zone),
        description=_text(ev.get("description")),
        location=_text(loc),
        code=code,
        status=STAGE.get(stage) or SUB_STATUS.get(sub) or None,
    )


def parse_item(item: Mapping[str, Any]) -> TrackResult:
    """One accepted item (gettrackinfo or a webhook `data`) → TrackResult. Lenient."""
    number = _text(item.get("number"))
    info = item.get("track_info")
    info = info if isinstance(info, Mapping) else {}
    latest = info.get("latest_status")
    latest = latest if isinstance(latest, Mapping) else {}
    st, sub = _text(latest.get("status")), _text(latest.get("sub_status"))
    events: list[TrackEvent] = []
    carrier: str | None = None
    origin: str | None = None
    tracking = info.get("tracking")
    providers = tracking.get("providers") if isinstance(tracking, Mapping) else None
    for prov in providers if isinstance(providers, list) else []:
        if not isinstance(prov, Mapping):
            continue
        p = prov.get("provider")
        if isinstance(p, Mapping):
            carrier = carrier or _text(p.get("name")) or None
            origin = origin or clean_country(p.get("country"))
        evs = prov.get("events")
        evs = evs if isinstance(evs, list) else []
        zone = _provider_zone(evs)
        for ev in evs:
            if isinstance(ev, Mapping):
                events.append(_parse_event(ev, zone))
    normal = normalise_events(events)
    status = map_status(st, sub) if st else (Status.IN_TRANSIT if normal else Status.NOT_FOUND)
    dest: str | None = None
    ship = info.get("shipping_info")
    if isinstance(ship, Mapping):
        for key, setter in (("shipper_address", "o"), ("recipient_address", "d")):
            addr = ship.get(key)
            if isinstance(addr, Mapping):
                c = clean_country(addr.get("country"))
                if setter == "o":
                    origin = c or origin
                else:
                    dest = c
    raw = f"{st}/{sub}" if sub else st
    extra = {"carrier_code": str(item["carrier"])} if isinstance(item.get("carrier"), int) else {}
    metrics = info.get("time_metrics")
    eta = metrics.get("estimated_delivery_date") if isinstance(metrics, Mapping) else None
    if isinstance(eta, Mapping):
        low, high = _iso_epoch(eta.get("from")), _iso_epoch(eta.get("to"))
        if low is not None or high is not None:
            extra[ETA_FROM] = str(low if low is not None else high)
            extra[ETA_TO] = str(high if high is not None else low)
    return TrackResult(
        number=number,
        status=status,
        events=normal,
        source=NAME,
        raw_status=raw,
        origin_country=origin,
        dest_country=dest,
        carrier=carrier,
        extra=extra,
    )


@dataclass(frozen=True, slots=True)
class Track17Push:
    event: str  # "TRACKING_UPDATED", "TRACKING_STOPPED" or whatever 17TRACK sends next
    number: str
    result: TrackResult | None  # None when the push carried no usable track_info


def verify_17track_sign(raw: bytes, api_key: str, sign: str) -> bool:
    expected = hashlib.sha256(raw + b"/" + api_key.encode("utf-8")).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), sign.strip().lower().encode("utf-8"))


def parse_17track_push(raw: bytes, api_key: str, sign: str) -> Track17Push:
    """Verify the `sign` header on the raw body first, then parse. Raises InvalidSignature or
    ValueError (malformed body)."""
    if not verify_17track_sign(raw, api_key, sign):
        raise InvalidSignature("17TRACK push signature mismatch")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"17TRACK push is not JSON: {exc}") from None
    if not isinstance(body, Mapping):
        raise ValueError("17TRACK push is not an object")
    data = body.get("data")
    data = data if isinstance(data, Mapping) else {}
    number = _text(data.get("number"))
    result = parse_item(data) if number and isinstance(data.get("track_info"), Mapping) else None
    return Track17Push(event=_text(body.get("event")), number=number, result=result)


def _err_code(entry: Mapping[str, Any]) -> int | None:
    err = entry.get("error")
    code = err.get("code") if isinstance(err, Mapping) else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _err_message(entry: Mapping[str, Any]) -> str:
    err = entry.get("error")
    return _text(err.get("message")) if isinstance(err, Mapping) else ""


class Track17Client:
    name = NAME
    max_batch = MAX_BATCH

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_key: str,
        registrations: RegistrationStore,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        limiter: AsyncLimiter | None = None,
        stop_after_delivery: bool = True,
    ) -> None:
        self._session = session
        self._key = api_key
        self._store = registrations
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        # the limit is per key, so share one limiter per key. A bucket of one, refilled every
        # 1/3 s plus a margin: a burst-of-3 bucket would allow up to 6 calls in some 1 s window.
        self._limiter = limiter or AsyncLimiter(1, 1.02 / REQUESTS_PER_SECOND)
        self._stop_after_delivery = stop_after_delivery
        self._stopped: set[str] = set()

    async def _call(self, op: str, payload: list[dict[str, Any]]) -> Mapping[str, Any]:
        """One POST; returns `data`. Request-level failures raise typed errors."""
        async with self._limiter:
            answer = await request(
                self._session,
                NAME,
                "POST",
                f"{self._base}/{op}",
                timeout=self._timeout,
                headers={"17token": self._key, "Content-Type": "application/json"},
                data=json.dumps(payload).encode(),
            )
        if answer.status in (401, 403):
            raise SourceMisconfigured(NAME, f"HTTP {answer.status} (API key?)")
        if looks_like_html(answer.body):
            raise SourceUnavailable(NAME, f"HTML answer (HTTP {answer.status})")
        body = load_json(NAME, answer.body)
        if not isinstance(body, Mapping):
            raise SourceUnavailable(NAME, "JSON is not an object")
        code = body.get("code")
        data = body.get("data")
        if code != 0:
            errs = data.get("errors") if isinstance(data, Mapping) else None
            codes = [_err_code(e) for e in errs if isinstance(e, Mapping)] if errs else []
            all_codes = {c for c in [code, *codes] if isinstance(c, int)}
            msg = f"{op}: code {code} {str(errs)[:200] if errs else ''}".strip()
            if ERR_INVALID_KEY in all_codes:
                raise SourceMisconfigured(NAME, msg)
            if all_codes & _QUOTA_CODES:
                raise QuotaExhausted(NAME, msg)
            raise SourceUnavailable(NAME, msg)
        if answer.status != 200:
            raise SourceUnavailable(NAME, f"HTTP {answer.status}")
        if not isinstance(data, Mapping):
            raise SourceUnavailable(NAME, f"{op}: no data object")
        return data

    @staticmethod
    def _lists(data: Mapping[str, Any]) -> tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]]:
        acc, rej = data.get("accepted"), data.get("rejected")
        return (
            [a for a in acc if isinstance(a, Mapping)] if isinstance(acc, list) else [],
            [r for r in rej if isinstance(r, Mapping)] if isinstance(rej, list) else [],
        )

    async def register(
        self, numbers: Sequence[str], *, force: bool = False
    ) -> dict[str, NumberFailure]:
        """Register the numbers the store does not know yet (all of them with `force`);
        returns per-number failures."""
        todo = [
            n for n in dict.fromkeys(numbers) if force or not await self._store.is_registered(n)
        ]
        failures: dict[str, NumberFailure] = {}
        for i in range(0, len(todo), MAX_BATCH):
            chunk = todo[i : i + MAX_BATCH]
            data = await self._call("register", [{"number": n} for n in chunk])
            accepted, rejected = self._lists(data)
            asked = {n.upper(): n for n in chunk}
            for a in accepted:
                n = asked.get(_text(a.get("number")).upper(), "")
                if n:
                    await self._store.mark_registered(n)
            for r in rejected:
                # only numbers we asked for: an answer may list others (a shared account)
                n, code = asked.get(_text(r.get("number")).upper(), ""), _err_code(r)
                if not n:
                    continue
                if code == ERR_ALREADY_REGISTERED:
                    await self._store.mark_registered(n)
                elif code in _QUOTA_CODES:
                    log.error("17TRACK quota exhausted while registering: %s", _err_message(r))
                    raise QuotaExhausted(NAME, f"register: {code} {_err_message(r)}")
                elif code == ERR_INVALID_KEY:
                    raise SourceMisconfigured(NAME, f"register: {_err_message(r)}")
                else:
                    failures[n] = NumberFailure(
                        n,
                        NAME,
                        f"register rejected: {_err_message(r) or code}",
                        code=str(code) if code is not None else "",
                        retryable=code != ERR_CARRIER_NOT_DETECTED,
                    )
        return failures

    async def restart(self, numbers: Sequence[str]) -> dict[str, NumberFailure]:
        """Numbers 17TRACK stopped (its TRACKING_STOPPED push) that a parcel still needs.

        A stopped number stays in the account, so `/retrack` restarts it (17TRACK allows that
        once per number); one it no longer has is registered again. Returns per-number failures.
        """
        todo = list(dict.fromkeys(numbers))
        self._stopped.difference_update(todo)
        failures: dict[str, NumberFailure] = {}
        for i in range(0, len(todo), MAX_BATCH):
            chunk = todo[i : i + MAX_BATCH]
            data = await self._call("retrack", [{"number": n} for n in chunk])
            accepted, rejected = self._lists(data)
            asked = {n.upper(): n for n in chunk}
            for a in accepted:
                n = asked.get(_text(a.get("number")).upper())
                if n is not None:
                    await self._store.mark_registered(n)
            gone: list[str] = []
            for r in rejected:
                n, code = asked.get(_text(r.get("number")).upper()), _err_code(r)
                if n is None:
                    continue
                if code == ERR_NOT_REGISTERED:
                    gone.append(n)
                elif code in _QUOTA_CODES:
                    raise QuotaExhausted(NAME, f"retrack: {code} {_err_message(r)}")
                else:
                    failures[n] = NumberFailure(
                        n, NAME, f"retrack rejected: {_err_message(r) or code}", code=str(code)
                    )
            if gone:
                failures.update(await self.register(gone, force=True))
        return failures

    async def _get(self, numbers: list[str]) -> tuple[dict[str, TrackOutcome], list[str]]:
        """gettrackinfo for one chunk; returns outcomes and the numbers 17TRACK says it
        does not know (to register and retry)."""
        data = await self._call("gettrackinfo", [{"number": n} for n in numbers])
        accepted, rejected = self._lists(data)
        out: dict[str, TrackOutcome] = {}
        unregistered: list[str] = []
        asked = {n.upper(): n for n in numbers}
        for a in accepted:
            res = parse_item(a)
            n = asked.get(res.number.upper())
            if n is not None:
                out[n] = res if res.number == n else _renumber(res, n)
        for r in rejected:
            rn, code = _text(r.get("number")), _err_code(r)
            n = asked.get(rn.upper())
            if n is None:
                continue
            if code == ERR_NOT_REGISTERED:
                unregistered.append(n)
            elif code in _QUOTA_CODES:
                raise QuotaExhausted(NAME, f"gettrackinfo: {code} {_err_message(r)}")
            else:
                out[n] = NumberFailure(
                    n, NAME, f"rejected: {_err_message(r) or code}", code=str(code or "")
                )
        for n in numbers:
            if n not in out and n not in unregistered:
                out[n] = NumberFailure(n, NAME, "number missing from the answer")
        return out, unregistered

    async def track(self, numbers: Sequence[str]) -> dict[str, TrackOutcome]:
        unique = list(dict.fromkeys(numbers))
        out: dict[str, TrackOutcome] = dict(await self.register(unique))
        for i in range(0, len(unique), MAX_BATCH):
            chunk = [n for n in unique[i : i + MAX_BATCH] if n not in out]
            if not chunk:
                continue
            got, unregistered = await self._get(chunk)
            out.update(got)
            if unregistered:
                # our store and 17TRACK disagree (deleted, expired): register again, retry once
                out.update(await self.register(unregistered, force=True))
                retry = [n for n in unregistered if n not in out]
                if retry:
                    again, still = await self._get(retry)
                    out.update(again)
                    for n in still:
                        out[n] = NumberFailure(
                            n, NAME, "not registered after retry", code=str(ERR_NOT_REGISTERED)
                        )
        if self._stop_after_delivery:
            await self._stop_delivered(out)
        return out

    async def stoptrack(self, numbers: Sequence[str]) -> list[str]:
        """Stop tracking ``numbers`` (batched); returns those 17TRACK no longer tracks for us.

        A per-number rejection (never registered, already stopped, ...) counts as stopped:
        asking again would not change the answer. Whole-call failures raise `SourceError`;
        numbers of the chunks stopped before it stay remembered here, so a retry skips them.
        """
        stopped = [n for n in dict.fromkeys(numbers) if n in self._stopped]
        todo = [n for n in dict.fromkeys(numbers) if n not in self._stopped]
        for i in range(0, len(todo), MAX_BATCH):
            chunk = todo[i : i + MAX_BATCH]
            data = await self._call("stoptrack", [{"number": n} for n in chunk])
            accepted, rejected = self._lists(data)
            asked = {n.upper(): n for n in chunk}
            done = [asked.get(_text(a.get("number")).upper()) for a in accepted]
            for entry in rejected:
                n, code = asked.get(_text(entry.get("number")).upper()), _err_code(entry)
                if n is None or code in _QUOTA_CODES:
                    continue  # quota: ask again another time
                if code != ERR_NOT_REGISTERED:
                    # Track numbers are the user's data: DEBUG only.
                    log.info("17TRACK stoptrack rejected a number: %s", _err_message(entry) or code)
                    log.debug("17TRACK stoptrack rejected %s", n)
                done.append(n)
            got = [n for n in done if n is not None]
            self._stopped.update(got)
            stopped.extend(got)
        return stopped

    async def _stop_delivered(self, out: Mapping[str, TrackOutcome]) -> None:
        done = [
            n
            for n, r in out.items()
            if isinstance(r, TrackResult) and r.is_final and n not in self._stopped
        ]
        for i in range(0, len(done), MAX_BATCH):
            try:
                await self.stoptrack(done[i : i + MAX_BATCH])
            except (SourceUnavailable, RateLimited) as exc:
                # best effort: 17TRACK auto-stops 15 days after delivery anyway
                log.warning("17TRACK stoptrack failed: %s", exc)


def _renumber(res: TrackResult, number: str) -> TrackResult:
    return replace(res, number=number)
