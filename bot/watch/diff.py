"""Change detection: what of a fresh answer is new, and what of that is news for the user.

Identity is `TrackEvent.key` (stable fields only), so a carrier re-wording or re-ordering old
events produces nothing new. An event older than the last one announced is stored, never pushed.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass, field

from bot.tracking.model import Status, TrackEvent, TrackResult

PUSH_FIRST = "first"  # first answer with events: one "now tracking" message, not the history
PUSH_EVENTS = "events"  # one message for all new events of this check
PUSH_STATUS = "status"  # the status moved without an event to show

# A carrier's time further ahead than this is wrong (carriers' local times read as UTC are at
# most 14 h ahead), and so is one before AliExpress existed (1971 from a zero timestamp).
FUTURE_SLACK = 86_400
EARLIEST = 1_262_304_000  # 2010-01-01 UTC


def plausible(t: int | None, now: int) -> bool:
    """Whether a carrier's event time can be true; an impossible one counts as ``now`` (when
    it was first seen), or a single such event would stop every later push (newer than it)."""
    return t is None or EARLIEST <= t <= now + FUTURE_SLACK


@dataclass(frozen=True, slots=True)
class Change:
    new_events: tuple[TrackEvent, ...]  # not stored before, newest first
    push: str | None  # PUSH_* or None
    new_keys: tuple[str, ...] = ()  # their keys, same order (computed once: hashing costs)
    new_times: tuple[int | None, ...] = ()  # their unix times, same order (computed once too)
    pushed: tuple[TrackEvent, ...] = ()  # the events the push talks about, newest first
    status: str = Status.NOT_FOUND
    status_changed: bool = False
    last_event_at: int | None = None
    last_pushed_event_at: int | None = None
    extra: dict[str, int] = field(default_factory=dict)


def _ts(event: TrackEvent) -> int | None:
    return None if event.time is None else int(event.time.timestamp())


def detect_change(
    result: TrackResult,
    *,
    known_keys: Set[str],
    status: str,
    last_event_at: int | None,
    last_pushed_event_at: int | None,
    now: int | None = None,
) -> Change:
    """Compare ``result`` with what the parcel already has (stored keys and state). With
    ``now``, an impossible event time counts as ``now`` for a new event and not at all for a
    known one (it counted when it was new)."""
    seen: set[str] = set()
    new: list[TrackEvent] = []
    new_keys: list[str] = []
    new_times: list[int | None] = []
    newest: int | None = None
    for ev in result.events:  # newest first
        t = _ts(ev)
        key = ev.key
        fresh_key = key not in known_keys and key not in seen
        if now is not None and not plausible(t, now):
            t = now if fresh_key else None
        if t is not None and (newest is None or t > newest):
            newest = t
        if fresh_key:
            seen.add(key)
            new.append(ev)
            new_keys.append(key)
            new_times.append(t)
    latest_event_at = max(filter(None, (last_event_at, newest)), default=None)
    new_status = str(result.status)
    if new_status == Status.NOT_FOUND and status != Status.NOT_FOUND:
        new_status = status  # a source forgetting a parcel it knew is not news
    status_changed = new_status != status

    push: str | None = None
    pushed: tuple[TrackEvent, ...] = ()
    pushed_at = last_pushed_event_at
    if not known_keys and last_pushed_event_at is None:
        if result.events:
            push = PUSH_FIRST
            pushed = result.events[:1]
            pushed_at = newest
    else:
        fresh = [
            (e, t)
            for e, t in zip(new, new_times, strict=True)
            if t is not None and (last_pushed_event_at is None or t > last_pushed_event_at)
        ]
        if fresh:
            push = PUSH_EVENTS
            pushed = tuple(e for e, _ in fresh)
            pushed_at = max(filter(None, (last_pushed_event_at, *(t for _, t in fresh))))
        elif status_changed and new_status != Status.NOT_FOUND:
            push = PUSH_STATUS
    return Change(
        new_events=tuple(new),
        new_keys=tuple(new_keys),
        new_times=tuple(new_times),
        push=push,
        pushed=pushed,
        status=new_status,
        status_changed=status_changed,
        last_event_at=latest_event_at,
        last_pushed_event_at=pushed_at,
    )
