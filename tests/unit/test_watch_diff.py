"""Change detection on stable fields: rewording, re-ordering, late old events, first check."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.tracking.model import Status, TrackEvent, TrackResult
from bot.watch.diff import PUSH_EVENTS, PUSH_FIRST, PUSH_STATUS, detect_change

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def ev(hours: int, desc: str, code: str = "", status: Status | None = None) -> TrackEvent:
    return TrackEvent(T0 + timedelta(hours=hours), desc, "Shenzhen", code, status)


def result(*events: TrackEvent, status: Status = Status.IN_TRANSIT) -> TrackResult:
    ordered = tuple(sorted(events, key=lambda e: e.time or T0, reverse=True))
    return TrackResult("LP1", status, ordered, "cainiao")


A = ev(0, "Accepted", "GWMS_ACCEPT")
B = ev(5, "Departed", "LH_DEPART", Status.IN_TRANSIT)
C = ev(9, "Arrived", "LH_ARRIVE", Status.IN_TRANSIT)


def ts(e: TrackEvent) -> int:
    assert e.time is not None
    return int(e.time.timestamp())


def test_first_check_pushes_one_summary() -> None:
    change = detect_change(result(A, B), known_keys=set(), status="not_found",
                           last_event_at=None, last_pushed_event_at=None)  # fmt: skip
    assert change.push == PUSH_FIRST
    assert change.pushed == (B,)
    assert len(change.new_events) == 2
    assert change.last_pushed_event_at == ts(B)
    assert change.status_changed


def test_new_events_are_one_push() -> None:
    known = {A.key, B.key}
    d = ev(10, "Customs", "CC_IM_START", Status.IN_CUSTOMS)
    change = detect_change(
        result(A, B, C, d, status=Status.IN_CUSTOMS),
        known_keys=known,
        status="in_transit",
        last_event_at=ts(B),
        last_pushed_event_at=ts(B),
    )
    assert change.push == PUSH_EVENTS
    assert change.pushed == (d, C)
    assert change.last_pushed_event_at == ts(d)


def test_reworded_coded_event_and_reordering_are_not_new() -> None:
    known = {A.key, B.key}
    reworded = replace(B, description="  DEPARTED   from origin (updated) ")
    r = TrackResult("LP1", Status.IN_TRANSIT, (A, reworded), "cainiao")  # wrong order too
    change = detect_change(
        r, known_keys=known, status="in_transit", last_event_at=ts(B), last_pushed_event_at=ts(B)
    )
    assert change.new_events == ()
    assert change.push is None


def test_whitespace_and_case_of_uncoded_text_do_not_matter() -> None:
    plain = ev(3, "Parcel left the warehouse")
    same = replace(plain, description="parcel  LEFT the warehouse ")
    change = detect_change(result(same), known_keys={plain.key}, status="in_transit",
                           last_event_at=ts(plain), last_pushed_event_at=ts(plain))  # fmt: skip
    assert change.new_events == () and change.push is None


def test_older_event_is_stored_not_announced() -> None:
    late = ev(-10, "Payment confirmed", "WMS_CONFIRMED")
    change = detect_change(
        result(late, A, B),
        known_keys={A.key, B.key},
        status="in_transit",
        last_event_at=ts(B),
        last_pushed_event_at=ts(B),
    )
    assert change.new_events == (late,)
    assert change.push is None
    assert change.last_pushed_event_at == ts(B)


def test_status_change_without_event_pushes_status() -> None:
    change = detect_change(
        result(A, B, status=Status.IN_CUSTOMS),
        known_keys={A.key, B.key},
        status="in_transit",
        last_event_at=ts(B),
        last_pushed_event_at=ts(B),
    )
    assert change.push == PUSH_STATUS and change.status == "in_customs"


def test_source_forgetting_a_parcel_keeps_the_status() -> None:
    r = TrackResult("LP1", Status.NOT_FOUND, (), "cainiao")
    change = detect_change(r, known_keys={A.key}, status="in_transit",
                           last_event_at=ts(A), last_pushed_event_at=ts(A))  # fmt: skip
    assert change.status == "in_transit" and change.push is None and not change.status_changed


def test_not_found_first_check_is_silent() -> None:
    r = TrackResult("LP1", Status.NOT_FOUND, (), "cainiao")
    change = detect_change(r, known_keys=set(), status="not_found",
                           last_event_at=None, last_pushed_event_at=None)  # fmt: skip
    assert change.push is None


def test_an_impossible_time_counts_as_when_it_was_first_seen() -> None:
    """Issue 14: a carrier time 400 days ahead became the last pushed time, and no later event
    was ever pushed (none was newer); one in 1971 made the parcel look stalled for decades."""
    now = ts(C) + 3600
    future = ev(400 * 24, "Departed", "LH_DEPART", Status.IN_TRANSIT)
    past = TrackEvent(datetime(1971, 1, 1, tzinfo=UTC), "Accepted", "Shenzhen", "GWMS_ACCEPT")
    first = detect_change(result(A, future, past), known_keys=set(), status="not_found",
                          last_event_at=None, last_pushed_event_at=None, now=now)  # fmt: skip
    assert first.push == PUSH_FIRST and first.pushed == (future,)
    assert first.last_pushed_event_at == now and first.last_event_at == now
    assert sorted(t for t in first.new_times if t is not None) == [ts(A), now, now]
    # Seen again later with a new real event: the known impossible ones count no more.
    later = now + 86_400
    newer = ev(8, "Arrived", "LH_ARRIVE", Status.IN_TRANSIT)  # before they were first seen
    known = {e.key for e in (A, future, past)}
    change = detect_change(result(A, future, past, newer), known_keys=known, status="in_transit",
                           last_event_at=now, last_pushed_event_at=now, now=later)  # fmt: skip
    assert change.push is None  # older than what was announced: stored, not pushed
    assert change.last_event_at == now  # the known impossible ones do not move it on
    newest = TrackEvent(datetime.fromtimestamp(later - 60, UTC), "Delivered", "x", "GTMS_SIGNED")
    change = detect_change(result(A, future, past, newest), known_keys=known,
                           status="in_transit", last_event_at=now, last_pushed_event_at=now,
                           now=later)  # fmt: skip
    assert change.push == PUSH_EVENTS and change.pushed == (newest,)
    # Without ``now`` (older callers) nothing changes.
    raw = detect_change(result(A, future), known_keys=set(), status="not_found",
                        last_event_at=None, last_pushed_event_at=None)  # fmt: skip
    assert raw.last_pushed_event_at == ts(future)
