"""Chooses sources per number, batches per source, isolates failing sources.

Order per number (only configured sources are used):
- Russian Post first for the RU last mile: 14-digit domestic numbers (then 17TRACK, Cainiao) and
  S10 ending in RU (then Cainiao, 17TRACK).
- Cainiao first for China-origin shapes (S10 — AliExpress relays use many suffixes —, LP…, YT…,
  S + 12 digits, 23 digits, Yanwen, 4PX, SF, J&T) and for shapes we do not know; then Russian Post
  when the number is S10 and the destination is known to be RU; then 17TRACK.
- 17TRACK first for shapes that are clearly not Chinese (UPS 1Z…), then Cainiao.
A whole-call failure, an open breaker, or a per-number failure moves the number to its next
source in the same `track()` call. "Not found" also tries the next source (it may know better), but
is kept as the answer if nobody does.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.tracking import russianpost
from bot.tracking.breaker import BreakerState, CircuitBreaker, NumberBackoff
from bot.tracking.errors import (
    QuotaExhausted,
    RateLimited,
    SourceError,
    SourceMisconfigured,
)
from bot.tracking.model import NumberFailure, Source, Status, TrackOutcome, TrackResult

log = logging.getLogger(__name__)

CAINIAO, TRACK17, RUSSIAN_POST = "cainiao", "17track", "russianpost"
ROUTER = "router"
_KNOWN = frozenset({CAINIAO, TRACK17, RUSSIAN_POST})

_CHINA_SHAPES = re.compile(
    r"^(?:[A-Z]{2}\d{9}[A-Z]{2}|LP\d{14}|YT\d{16}|S\d{12}|\d{23}|4PX[0-9A-Z]{16}|P000000\d{6}"
    r"|SF\d{13}|AECA\d{10}RU2|JNTCU\d{10}YQ)$"
)
_NOT_CHINA_SHAPES = re.compile(r"^(?:1Z[0-9A-Z]{16})$")
_RPO = re.compile(r"^\d{14}$")
_S10_RU = re.compile(r"^[A-Z]{2}\d{9}RU$")
_S10 = re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class TrackQuery:
    """A number plus what we already know about it (from an earlier answer)."""

    number: str
    dest_country: str | None = None
    origin_country: str | None = None


@dataclass(frozen=True, slots=True)
class SourceHealth:
    name: str
    state: BreakerState
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    open_until: datetime | None
    consecutive_failures: int
    # Set while the source refuses our credentials or key: an operator has to act.
    misconfigured: str | None = None


def _dt(t: float | None) -> datetime | None:
    return datetime.fromtimestamp(t, UTC) if t is not None else None


def source_order(query: TrackQuery, available: Sequence[str]) -> list[str]:
    """Source names to try for one number, best first, restricted to `available`."""
    n = query.number.strip().upper()
    dest = (query.dest_country or "").upper()
    if _RPO.match(n):
        order = [RUSSIAN_POST, TRACK17, CAINIAO]  # Cainiao: free last resort
    elif _S10_RU.match(n):
        order = [RUSSIAN_POST, CAINIAO, TRACK17]
    elif _NOT_CHINA_SHAPES.match(n):
        order = [TRACK17, CAINIAO]
    else:
        order = [CAINIAO]
        if dest == "RU" and _S10.match(n):
            order.append(RUSSIAN_POST)
        order.append(TRACK17)
    chosen = [s for s in order if s in available]
    if RUSSIAN_POST in chosen and not russianpost.accepts(n, dest or None):
        chosen.remove(RUSSIAN_POST)
    # sources the rules do not know about (tests, future vendors) go last
    chosen += [s for s in available if s not in _KNOWN]
    return chosen


class TrackingRouter:
    def __init__(
        self,
        sources: Sequence[Source],
        *,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        concurrency_per_source: int = 2,
        failure_threshold: int = 3,
        base_delay: float = 30.0,
        max_delay: float = 3600.0,
        quota_pause: float = 6 * 3600.0,
        misconfigured_pause: float = 3600.0,
        number_backoff: NumberBackoff | None = None,
        fallthrough_on_not_found: bool = True,
    ) -> None:
        self._rng = rng or random.Random()
        self._clock = clock
        self.sources: dict[str, Source] = {s.name: s for s in sources}
        self.breakers: dict[str, CircuitBreaker] = {
            s.name: CircuitBreaker(
                failure_threshold=failure_threshold,
                base_delay=base_delay,
                max_delay=max_delay,
                clock=clock,
                rng=self._rng,
            )
            for s in sources
        }
        self._sem = {s.name: asyncio.Semaphore(concurrency_per_source) for s in sources}
        self._quota_pause = quota_pause
        self._misconfigured_pause = misconfigured_pause
        self.number_backoff = number_backoff or NumberBackoff(clock=clock, rng=self._rng)
        self._fallthrough_not_found = fallthrough_on_not_found
        self._misconfigured: dict[str, str] = {}  # source → why, until a call succeeds

    def order(self, query: TrackQuery) -> list[str]:
        return source_order(query, list(self.sources))

    def health(self) -> dict[str, SourceHealth]:
        out = {}
        for name, br in self.breakers.items():
            snap = br.snapshot()
            out[name] = SourceHealth(
                name=name,
                state=snap.state,
                last_success=_dt(snap.last_success),
                last_error=snap.last_error,
                last_error_at=_dt(snap.last_error_at),
                open_until=_dt(snap.open_until),
                consecutive_failures=snap.consecutive_failures,
                misconfigured=self._misconfigured.get(name),
            )
        return out

    async def track(self, queries: Sequence[str | TrackQuery]) -> dict[str, TrackOutcome]:
        """Per number a TrackResult or a NumberFailure (source "router" when every source
        failed or the number is paused). Never raises for source trouble."""
        qs: dict[str, TrackQuery] = {}
        for q in queries:
            query = TrackQuery(q) if isinstance(q, str) else q
            qs.setdefault(query.number, query)
        out: dict[str, TrackOutcome] = {}
        plans: dict[str, list[str]] = {}
        for n, q in qs.items():
            until = self.number_backoff.blocked_until(n)
            if until is not None:
                out[n] = NumberFailure(
                    n, ROUTER, "paused after repeated failures", retry_at=_dt(until)
                )
            else:
                plans[n] = self.order(q)
        errors: dict[str, list[str]] = {n: [] for n in plans}
        number_failed: set[str] = set()  # some source answered, but failed this number
        not_found: dict[str, TrackResult] = {}

        while plans:
            groups: dict[str, list[str]] = {}
            for n, plan in list(plans.items()):
                if not plan:
                    del plans[n]
                    continue
                groups.setdefault(plan.pop(0), []).append(n)
            if not groups:
                break
            rounds = await asyncio.gather(
                *(self._run_source(name, nums) for name, nums in groups.items())
            )
            for answered, failed in rounds:
                for n, reason in failed.items():
                    errors[n].append(reason)
                for n, res in answered.items():
                    if isinstance(res, NumberFailure):
                        errors[n].append(f"{res.source}: {res.reason}")
                        number_failed.add(n)
                    elif (
                        res.status is Status.NOT_FOUND
                        and self._fallthrough_not_found
                        and plans.get(n)
                    ):
                        not_found.setdefault(n, res)
                    else:
                        out[n] = res
                        plans.pop(n, None)
                        self.number_backoff.record_success(n)

        for n in qs:
            if n in out:
                continue
            if n in not_found:
                out[n] = not_found[n]
                self.number_backoff.record_success(n)
                continue
            retry_at = None
            if n in number_failed:  # a source being down is not the number's fault
                until = self.number_backoff.record_failure(n)
                retry_at = _dt(until)
            reason = "; ".join(errors.get(n) or ["no source can track this number"])
            out[n] = NumberFailure(n, ROUTER, reason, retry_at=retry_at)
        return out

    async def _run_source(
        self, name: str, numbers: list[str]
    ) -> tuple[dict[str, TrackOutcome], dict[str, str]]:
        """Returns (answers, whole-call failure reason per number)."""
        source = self.sources[name]
        breaker = self.breakers[name]
        size = max(1, source.max_batch)
        chunks = [numbers[i : i + size] for i in range(0, len(numbers), size)]
        answered: dict[str, TrackOutcome] = {}
        failed: dict[str, str] = {}

        async def run(chunk: list[str]) -> None:
            if not breaker.allow():
                failed.update(dict.fromkeys(chunk, f"{name}: circuit open"))
                return
            async with self._sem[name]:
                # a chunk that waited here may find the source failed meanwhile: no pile-up
                if breaker.state is BreakerState.OPEN:
                    breaker.release_probe()
                    failed.update(dict.fromkeys(chunk, f"{name}: circuit open"))
                    return
                got = await self._call(name, source, breaker, chunk)
            if isinstance(got, str):
                failed.update(dict.fromkeys(chunk, got))
                return
            for n in chunk:
                answered[n] = got.get(n) or NumberFailure(n, name, "number missing from answer")

        if breaker.state is not BreakerState.CLOSED and chunks:
            await run(chunks[0])  # the half-open probe goes alone
            chunks = chunks[1:]
        await asyncio.gather(*(run(c) for c in chunks))
        return answered, failed

    async def _call(
        self, name: str, source: Source, breaker: CircuitBreaker, chunk: list[str]
    ) -> Mapping[str, TrackOutcome] | str:
        try:
            got = await source.track(chunk)
        except RateLimited as exc:
            breaker.record_failure(str(exc), min_delay=exc.retry_after or breaker.base_delay)
            log.warning("tracking source %s rate limited: %s", name, exc)
            return str(exc)
        except QuotaExhausted as exc:
            breaker.record_failure(str(exc), min_delay=self._quota_pause)
            log.error("TRACKING SOURCE %s QUOTA EXHAUSTED, paused: %s", name, exc)
            return str(exc)
        except SourceMisconfigured as exc:
            breaker.record_failure(str(exc), min_delay=self._misconfigured_pause)
            if name not in self._misconfigured:  # one clear line, not one per probe
                log.error(
                    "TRACKING SOURCE %s MISCONFIGURED, paused until fixed (check its login, "
                    "password or key): %s",
                    name,
                    exc.message,
                )
            else:
                log.debug("tracking source %s still misconfigured: %s", name, exc)
            self._misconfigured[name] = exc.message
            return str(exc)
        except SourceError as exc:
            breaker.record_failure(str(exc))
            log.warning("tracking source %s failed: %s", name, exc)
            return str(exc)
        except asyncio.CancelledError:
            breaker.release_probe()
            raise
        except Exception as exc:  # a parser bug in one source must not stop the others
            breaker.record_failure(f"{type(exc).__name__}: {exc}")
            log.exception("tracking source %s crashed", name)
            return f"{name}: internal error {type(exc).__name__}"
        breaker.record_success()
        if self._misconfigured.pop(name, None) is not None:
            log.warning("tracking source %s accepts our credentials again", name)
        return got
