"""Per-source circuit breaker and per-number back-off. Clock and randomness are injectable."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


def backoff_delay(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Exponential back-off with "equal jitter": half fixed, half random, so retries of many
    instances spread out but never come back immediately."""
    exp = min(cap, base * 2.0 ** max(0, attempt - 1))
    return exp / 2 + rng.uniform(0, exp / 2)


@dataclass(frozen=True, slots=True)
class BreakerSnapshot:
    state: BreakerState
    consecutive_failures: int
    open_until: float | None  # clock time
    last_success: float | None
    last_error: str | None
    last_error_at: float | None


class CircuitBreaker:
    """closed → (failure_threshold consecutive failures) → open for an exponentially growing,
    jittered delay → half-open: one probe call; success closes, failure re-opens longer."""

    def __init__(
        self,
        *,
        failure_threshold: int = 3,
        base_delay: float = 30.0,
        max_delay: float = 3600.0,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self.failure_threshold = failure_threshold
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._clock = clock
        self._rng = rng or random.Random()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opens = 0  # consecutive openings, drives the exponent
        self._open_until: float | None = None
        self._probe_in_flight = False
        self.last_success: float | None = None
        self.last_error: str | None = None
        self.last_error_at: float | None = None

    @property
    def state(self) -> BreakerState:
        if (
            self._state is BreakerState.OPEN
            and self._open_until is not None
            and self._clock() >= self._open_until
        ):
            self._state = BreakerState.HALF_OPEN
            self._probe_in_flight = False
        return self._state

    def allow(self) -> bool:
        """May a call go out now? In half-open, only one probe at a time."""
        st = self.state
        if st is BreakerState.CLOSED:
            return True
        if st is BreakerState.HALF_OPEN and not self._probe_in_flight:
            self._probe_in_flight = True
            return True
        return False

    def record_success(self) -> None:
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opens = 0
        self._open_until = None
        self._probe_in_flight = False
        self.last_success = self._clock()

    def record_failure(self, error: str, *, min_delay: float | None = None) -> None:
        """Count a whole-call failure. `min_delay` (Retry-After, quota) opens at once for at
        least that long."""
        now = self._clock()
        self.last_error, self.last_error_at = error, now
        self._failures += 1
        half_open = self._state is BreakerState.HALF_OPEN or (
            self._state is BreakerState.OPEN
            and self._open_until is not None
            and now >= self._open_until
        )
        if min_delay is not None or half_open or self._failures >= self.failure_threshold:
            self._opens += 1
            delay = backoff_delay(self._opens, self.base_delay, self.max_delay, self._rng)
            if min_delay is not None:
                delay = max(delay, min_delay)
            self._state = BreakerState.OPEN
            self._open_until = now + delay
            self._probe_in_flight = False

    def release_probe(self) -> None:
        """A probe was allowed but no call was made after all."""
        self._probe_in_flight = False

    def snapshot(self) -> BreakerSnapshot:
        st = self.state
        return BreakerSnapshot(
            state=st,
            consecutive_failures=self._failures,
            open_until=self._open_until if st is BreakerState.OPEN else None,
            last_success=self.last_success,
            last_error=self.last_error,
            last_error_at=self.last_error_at,
        )


class NumberBackoff:
    """Pauses numbers that keep failing on every source. "Not found" is not a failure."""

    def __init__(
        self,
        *,
        threshold: int = 3,
        base_delay: float = 900.0,
        max_delay: float = 24 * 3600.0,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        max_entries: int = 100_000,
    ) -> None:
        self.threshold = threshold
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._clock = clock
        self._rng = rng or random.Random()
        self._failures: dict[str, int] = {}
        self._until: dict[str, float] = {}
        self._max_entries = max_entries

    def blocked_until(self, number: str) -> float | None:
        until = self._until.get(number)
        if until is None:
            return None
        if self._clock() >= until:
            return None
        return until

    def failures(self, number: str) -> int:
        return self._failures.get(number, 0)

    def record_failure(self, number: str) -> float | None:
        """Returns the clock time until which the number is paused, if it is."""
        n = self._failures.get(number, 0) + 1
        if len(self._failures) >= self._max_entries and number not in self._failures:
            return None  # bounded memory; a pathological flood is not worth tracking
        self._failures[number] = n
        if n < self.threshold:
            return None
        until = self._clock() + backoff_delay(
            n - self.threshold + 1, self.base_delay, self.max_delay, self._rng
        )
        self._until[number] = until
        return until

    def record_success(self, number: str) -> None:
        self._failures.pop(number, None)
        self._until.pop(number, None)
