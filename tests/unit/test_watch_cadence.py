"""Cadence table: intervals per status, jitter bounds, back-off, archiving."""

from __future__ import annotations

import random

from bot.watch.cadence import DAY, DEFAULT_CADENCE, HOUR

C = DEFAULT_CADENCE
NOW = 1_800_000_000


def interval(status: str, *, age: int = DAY, silent: int = HOUR) -> int:
    rng = random.Random(1)
    at = C.next_check(status, NOW, created_at=NOW - age, last_event_at=NOW - silent, rng=rng)
    return at - NOW


def near(value: int, target: int) -> bool:
    return abs(value - target) <= target * C.jitter + 1


def test_not_found_six_hours_while_young_then_twelve() -> None:
    assert near(interval("not_found", age=2 * DAY), 6 * HOUR)
    assert near(interval("not_found", age=11 * DAY), 12 * HOUR)


def test_transit_near_and_stalled() -> None:
    assert near(interval("in_transit"), 8 * HOUR)
    for status in ("in_customs", "arrived_destination", "out_for_delivery"):
        assert near(interval(status), 3 * HOUR)
    assert near(interval("in_transit", silent=8 * DAY), 24 * HOUR)
    assert near(interval("in_customs", silent=8 * DAY), 24 * HOUR)


def test_jitter_spreads_checks() -> None:
    rng = random.Random(5)
    times = {C.next_check("in_transit", NOW, created_at=NOW, last_event_at=NOW, rng=rng)
             for _ in range(50)}  # fmt: skip
    assert len(times) > 40
    assert all(abs(t - NOW - 8 * HOUR) <= 8 * HOUR * C.jitter + 1 for t in times)


def test_delivered_gets_one_look_after_grace_then_archive() -> None:
    rng = random.Random(1)
    at = C.next_check("delivered", NOW, created_at=NOW - DAY, last_event_at=NOW,
                      status_changed_at=NOW, rng=rng)  # fmt: skip
    assert at == NOW + C.delivered_grace
    kw = {"created_at": NOW - DAY, "last_event_at": NOW, "status_changed_at": NOW}
    assert C.should_archive("delivered", NOW + DAY, **kw) is None
    assert C.should_archive("delivered", NOW + 2 * DAY, **kw) == "delivered"


def test_archive_after_sixty_silent_days() -> None:
    kw = {"created_at": NOW - 90 * DAY, "status_changed_at": None}
    assert C.should_archive("in_transit", NOW, last_event_at=NOW - 59 * DAY, **kw) is None
    assert C.should_archive("in_transit", NOW, last_event_at=NOW - 60 * DAY, **kw) == "silent"
    assert C.should_archive("not_found", NOW, last_event_at=None, **kw) == "silent"


def test_failure_backoff_grows_and_is_capped() -> None:
    rng = random.Random(3)
    delays = [C.retry_after_failure(n, NOW, rng=rng) - NOW for n in range(1, 12)]
    assert near(delays[0], 15 * 60)
    assert delays[3] > delays[0]
    assert max(delays) <= C.retry_cap * (1 + C.jitter) + 1
