"""What a pass writes: event rows, push payloads, check tallies, vendor estimates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, tzinfo
from datetime import time as time_of_day
from typing import Any

from bot.tracking.model import (
    ETA_FROM,
    ETA_TO,
    Status,
    TrackEvent,
    TrackResult,
)
from bot.watch.diff import plausible
from storage import NewEvent, Parcel, ts


def event_payload(event: TrackEvent, source: str, now: int | None = None) -> dict[str, Any]:
    """What a push says about ``event``; an impossible time (``diff.plausible``) as ``now``,
    with the carrier's own under "t_said" so the push can say it cannot be right."""
    t = None if event.time is None else int(event.time.timestamp())
    said = {}
    if now is not None and not plausible(t, now):
        t, said = now, {"t_said": t}
    return {
        **said,
        "t": t,
        "loc": event.location,
        "desc": event.description,
        "status": None if event.status is None else str(event.status),
        # The push names the event in the reader's language (bot.tracking.event_texts).
        "src": source,
        "code": event.code,
        "detail": event.detail,
    }


def new_event(event: TrackEvent, source: str, key: str, occurred_at: int | None) -> NewEvent:
    return NewEvent(
        event_key=key,
        source=source,
        occurred_at=occurred_at,
        status=None if event.status is None else str(event.status),
        location=event.location or None,
        description=event.description,
        raw_code=event.code or None,
        detail=event.detail or None,
    )


def vendor_eta(p: Parcel, result: TrackResult) -> dict[str, Any] | None:
    """The vendor's delivery estimate when it says one that differs from the stored one."""
    try:
        low, high = int(result.extra[ETA_FROM]), int(result.extra[ETA_TO])
    except (KeyError, ValueError):
        return None
    if (low, high, result.source) == (p.eta_from, p.eta_to, p.eta_source):
        return None
    return {"id": p.id, "eta_from": min(low, high), "eta_to": max(low, high),
            "eta_source": result.source}  # fmt: skip


def tally(p: Parcel, source: str, result: str, now: int) -> dict[str, Any]:
    return {
        "parcel_id": p.id,
        "source": source,
        "result": result,
        "since": p.last_event_at or 0,
        "at": now,
    }


def not_older_than(result: TrackResult, parcel: Parcel, now: int | None = None) -> TrackResult:
    """``result`` with the parcel's own status when its newest event is older than the newest
    the parcel has: its events are still stored (older ones are never pushed), its status is
    out of date. With ``now``, impossible times (``diff.plausible``) do not count: the parcel
    holds them as when they were first seen."""
    times = [int(e.time.timestamp()) for e in result.events if e.time is not None]
    if now is not None:
        times = [t for t in times if plausible(t, now)]
    newest = max(times, default=None)
    if parcel.last_event_at is None or (newest is not None and newest >= parcel.last_event_at):
        return result
    try:
        return replace(result, status=Status(parcel.status))
    except ValueError:  # a status this code does not know: leave the push as it is
        return result


def second_number(parcel: Parcel) -> str | None:
    """The other number the parcel is checked under, if any (``Watcher._apply_second``)."""
    second = parcel.real_number
    return second if second and second != parcel.number else None


def newest_first(event: TrackEvent) -> float:
    return -event.time.timestamp() if event.time is not None else float("inf")


def local_morning(day: date, zone: tzinfo, hour: int) -> int:
    """``hour``:00 of ``day`` in ``zone`` as unix seconds (when a dated reminder is due)."""
    return ts(datetime.combine(day, time_of_day(hour), zone))
