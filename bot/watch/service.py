"""The watcher: claim due parcels, check them in batches, detect changes, queue the news.

Everything it decides is written to the database in one transaction per batch (events, outbox
rows, parcel state), so a restart loses nothing and repeats nothing: leases (claimed_until) expire,
outbox rows wait for the sender.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from bot import metrics
from bot.clock import Clock
from bot.core.estimates import delivery
from bot.tracking.errors import SourceError
from bot.tracking.model import NumberFailure, TrackEvent, TrackOutcome, TrackResult
from bot.tracking.router import TrackQuery
from bot.tracking.service import TrackingService
from bot.ui.present import STATUSES
from bot.watch import texts
from bot.watch.cadence import DAY, DEFAULT_CADENCE, FINAL, STALL_STATUSES, Cadence
from bot.watch.diff import PUSH_EVENTS, PUSH_FIRST, PUSH_STATUS, detect_change
from bot.watch.records import (
    event_payload,
    local_morning,
    new_event,
    newest_first,
    not_older_than,
    second_number,
    tally,
    vendor_eta,
)
from bot.watch.registrations import TRACK17
from storage import UNSET, NewEvent, Parcel, Storage, ts

log = logging.getLogger(__name__)

LEASE_SECONDS = 600
PROTECTION_REMINDERS = (3, 7)  # days before the deadline, most urgent first
REMINDER_HOUR = 10  # protection reminders go out from this local hour of their day
ORPHAN_BATCH = 200  # 17TRACK registrations stopped per tick at most
OUTBOX_KEEP = 14 * DAY  # sent/failed outbox rows are deleted after this
PURGE_EVERY = 3600


@dataclass(slots=True)
class PassStats:
    claimed: int = 0
    checked: int = 0  # a source answered (found or not found)
    failed: int = 0
    new_events: int = 0
    pushes: int = 0
    archived: int = 0
    seconds: float = 0.0
    db_seconds: float = 0.0
    network_seconds: float = 0.0
    diff_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """What "check now" learned about one parcel."""

    parcel: Parcel  # state after the check
    new_events: tuple[TrackEvent, ...] = ()  # newest first
    status: str = "not_found"
    status_changed: bool = False
    source: str | None = None
    error: str | None = None  # set when no source could answer

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(slots=True)
class _Plan:
    """Writes of one batch, applied in one transaction."""

    events: list[tuple[int, NewEvent]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    archive: list[int] = field(default_factory=list)
    outcomes: dict[int, CheckOutcome] = field(default_factory=dict)
    checks: Counter[tuple[str, str]] = field(default_factory=Counter)  # (source, result) → n
    # One row per parcel checked, for the record the dispute evidence quotes (storage.Checks).
    tallies: list[dict[str, Any]] = field(default_factory=list)
    # Parcels delivered in this batch, anonymous (bot.core.estimates): the card's statistics.
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    etas: list[dict[str, Any]] = field(default_factory=list)  # the vendors' delivery estimates


class Watcher:
    def __init__(
        self,
        storage: Storage,
        tracking: TrackingService,
        clock: Clock,
        *,
        batch_size: int,
        concurrency: int,
        cadence: Cadence = DEFAULT_CADENCE,
        rng: random.Random | None = None,
    ) -> None:
        self.storage = storage
        self.tracking = tracking
        self.clock = clock
        self.batch_size = max(1, batch_size)
        self.concurrency = max(1, concurrency)
        self.cadence = cadence
        self.rng = rng or random.Random()
        self.last_pass_at: datetime | None = None
        self._pass_lock = asyncio.Lock()
        self._purged_at: int | None = None

    def _now(self) -> int:
        return ts(self.clock.now())

    # ------------------------------------------------------------------ the scheduled pass

    async def run_pass(self, limit: int | None = None) -> PassStats:
        """Check every due parcel (at most ``limit``); returns what happened."""
        stats = PassStats()
        started = time.perf_counter()
        async with self._pass_lock:  # one pass at a time in this process; leases guard others
            remaining = [limit]

            def take() -> int:
                if remaining[0] is None:
                    return self.batch_size
                n = min(self.batch_size, remaining[0])
                remaining[0] -= n
                return n

            async def worker() -> None:
                while (n := take()) > 0:
                    t0 = time.perf_counter()
                    batch = await self.storage.parcels.claim_due(
                        n, lease=LEASE_SECONDS, now=self._now(), skip_blocked=True
                    )
                    stats.db_seconds += time.perf_counter() - t0
                    if not batch:
                        return
                    stats.claimed += len(batch)
                    await self._check_batch(batch, stats, notify=True)

            await asyncio.gather(*(worker() for _ in range(self.concurrency)))
            t0 = time.perf_counter()
            await self._update_status_gauge()
            stats.db_seconds += time.perf_counter() - t0
        self.last_pass_at = self.clock.now()
        metrics.SCHEDULER_LAST_PASS.set(self.last_pass_at.timestamp())
        stats.seconds = time.perf_counter() - started
        return stats

    async def _update_status_gauge(self) -> None:
        counts = await self.storage.parcels.count_by_status()
        for status in STATUSES:
            metrics.PARCELS_BY_STATUS.labels(status).set(counts.get(status, 0))

    async def _track(self, parcels: Sequence[Parcel], stats: PassStats) -> dict[str, TrackOutcome]:
        queries: dict[str, TrackQuery] = {}
        for p in parcels:
            queries.setdefault(p.number, TrackQuery(p.number, p.dest_country, p.origin_country))
            if (second := second_number(p)) is not None:
                queries.setdefault(second, TrackQuery(second, p.dest_country, p.origin_country))
        t0 = time.perf_counter()
        try:
            return await self.tracking.track(list(queries.values()))
        except Exception as exc:  # the router never should; a bug must not stop the loop
            log.exception("tracking failed for a whole batch")
            return {n: NumberFailure(n, "watcher", f"internal error {exc!r}") for n in queries}
        finally:
            stats.network_seconds += time.perf_counter() - t0

    async def _check_batch(
        self, batch: Sequence[Parcel], stats: PassStats, *, notify: bool
    ) -> _Plan:
        now = self._now()
        plan = _Plan()
        to_check: list[Parcel] = []
        for p in batch:
            if p.status in ("delivered", "returned") and self.cadence.should_archive(
                p.status, now, created_at=p.created_at, last_event_at=p.last_event_at,
                status_changed_at=p.status_changed_at,
            ):  # fmt: skip
                plan.archive.append(p.id)
                plan.outcomes[p.id] = CheckOutcome(p, status=p.status)
            else:
                to_check.append(p)
        outcomes = await self._track(to_check, stats) if to_check else {}
        await self._apply(to_check, outcomes, now, plan, stats, notify=notify)
        await self._apply_second(to_check, outcomes, now, stats, notify=notify)
        return plan

    async def _apply_second(
        self,
        parcels: Sequence[Parcel],
        outcomes: Mapping[str, TrackOutcome],
        now: int,
        stats: PassStats,
        *,
        notify: bool,
    ) -> dict[int, CheckOutcome]:
        """What a parcel's second number (``real_number``: a re-label by the source, or the
        number at the next carrier the user chose to watch too) found joins the parcel, the
        way a 17TRACK push for it does (``ingest``): applied after the first number's answer
        is stored, so the newer of the two decides the status. Not found or failed, it
        changes nothing: the parcel's own number was asked as well."""
        applied: dict[int, CheckOutcome] = {}
        for p in parcels:
            second = second_number(p)
            outcome = outcomes.get(second) if second is not None else None
            if not isinstance(outcome, TrackResult) or not outcome.events:
                continue
            fresh = await self.storage.parcels.get(p.id)
            if fresh is None or not fresh.is_active:
                continue
            # Its own re-label is not the parcel's: the parcel keeps the number it watches.
            result = replace(not_older_than(outcome, fresh), real_number=None)
            plan = _Plan()
            await self._apply([fresh], {fresh.number: result}, now, plan, stats, notify=notify)
            applied[p.id] = plan.outcomes[p.id]
        return applied

    async def _apply(
        self,
        parcels: Sequence[Parcel],
        outcomes: Mapping[str, TrackOutcome],
        now: int,
        plan: _Plan,
        stats: PassStats,
        *,
        notify: bool,
    ) -> None:
        t0 = time.perf_counter()
        known = await self.storage.events.keys_for([p.id for p in parcels]) if parcels else {}
        stats.db_seconds += time.perf_counter() - t0
        t0 = time.perf_counter()
        for p in parcels:
            outcome = outcomes.get(p.number) or NumberFailure(p.number, "watcher", "no answer")
            if isinstance(outcome, NumberFailure):
                self._plan_failure(p, outcome, now, plan, stats)
            else:
                self._plan_result(p, outcome, known.get(p.id, set()), now, plan, stats, notify)
        for (source, result), n in plan.checks.items():  # once per batch, not per parcel
            metrics.CHECKS.labels(source, result).inc(n)
        plan.checks.clear()
        stats.diff_seconds += time.perf_counter() - t0
        t0 = time.perf_counter()
        # One transaction, sent to the database thread in one trip (see executemany_batch).
        await self.storage.db.executemany_batch(
            [
                self.storage.events.insert_many_statement(plan.events, now=now),
                self.storage.outbox.enqueue_many_statement(plan.outbox, now=now),
                self.storage.parcels.update_tracking_many_statement(plan.updates),
                self.storage.parcels.archive_many_statement(plan.archive, now=now),
                self.storage.checks.record_many_statement(plan.tallies),
                *self.storage.stats.record_statements(plan.deliveries, now=now),
                self.storage.parcels.set_eta_statement(plan.etas),
            ]
        )
        stats.db_seconds += time.perf_counter() - t0
        stats.archived += len(plan.archive)
        stats.pushes += len(plan.outbox)

    def _plan_failure(
        self, p: Parcel, failure: NumberFailure, now: int, plan: _Plan, stats: PassStats
    ) -> None:
        stats.failed += 1
        plan.checks[failure.source, "failed"] += 1
        plan.tallies.append(tally(p, failure.source, "failed", now))
        failures = p.check_failures + 1
        retry = self.cadence.retry_after_failure(failures, now, rng=self.rng)
        if failure.retry_at is not None:
            retry = max(retry, int(failure.retry_at.timestamp()))
        plan.updates.append(self._row(p, now, next_check_at=retry, check_failures=failures,
                                      last_checked_at=p.last_checked_at))  # fmt: skip
        plan.outcomes[p.id] = CheckOutcome(p, status=p.status, error=failure.reason)

    def _plan_result(
        self,
        p: Parcel,
        result: TrackResult,
        known: set[str],
        now: int,
        plan: _Plan,
        stats: PassStats,
        notify: bool,
    ) -> None:
        stats.checked += 1
        found = result.status != "not_found"
        plan.checks[result.source, "found" if found else "not_found"] += 1
        change = detect_change(
            result,
            known_keys=known,
            status=p.status,
            last_event_at=p.last_event_at,
            last_pushed_event_at=p.last_pushed_event_at,
            now=now,
        )
        stats.new_events += len(change.new_events)
        outcome = "new" if change.new_events else "same" if result.events else "empty"
        plan.tallies.append(tally(p, result.source, outcome, now))
        plan.events.extend(
            (p.id, new_event(e, result.source, k, t))
            for e, k, t in zip(change.new_events, change.new_keys, change.new_times, strict=True)
        )
        status_changed_at = now if change.status_changed else p.status_changed_at
        eta = vendor_eta(p, result)
        if eta is not None:
            plan.etas.append(eta)
        if change.status_changed and change.status == "delivered":
            done = delivery(
                ((None if e.time is None else int(e.time.timestamp()), e.status)
                 for e in result.events),
                origin=result.origin_country or p.origin_country,
                dest=result.dest_country or p.dest_country,
                service=result.carrier or p.carrier,
            )  # fmt: skip
            if done is not None:
                plan.deliveries.append(asdict(done))
        name = p.display_name
        if notify and change.push is not None:
            item: dict[str, Any] = {"user_id": p.user_id, "parcel_id": p.id}
            if change.push == PUSH_FIRST:
                item.update(
                    kind=texts.KIND_FIRST,
                    dedupe_key=f"first:{p.id}",
                    payload={"name": name, "status": change.status,
                             "event": event_payload(change.pushed[0], result.source, now),
                             "count": len(result.events)},
                )  # fmt: skip
            elif change.push == PUSH_EVENTS:
                shown = change.pushed[: texts.MAX_EVENTS_SHOWN]
                item.update(
                    kind=texts.KIND_EVENTS,
                    dedupe_key=f"ev:{p.id}:{change.pushed[0].key}",
                    payload={"name": name, "status": change.status,
                             "changed": change.status_changed,
                             "events": [event_payload(e, result.source, now) for e in shown],
                             "more": len(change.pushed) - len(shown)},
                )  # fmt: skip
            elif change.push == PUSH_STATUS:
                item.update(
                    kind=texts.KIND_STATUS,
                    dedupe_key=f"st:{p.id}:{change.status}",
                    payload={"name": name, "status": change.status},
                )
            plan.outbox.append(item)
        last_pushed = change.last_pushed_event_at
        if not notify:  # the caller shows the answer itself: all of it counts as told
            last_pushed = change.last_event_at or last_pushed
        last_event_at = change.last_event_at
        archive = None
        if not change.new_events:
            archive = self.cadence.should_archive(
                change.status, now, created_at=p.created_at, last_event_at=last_event_at,
                status_changed_at=status_changed_at,
            )  # fmt: skip
        if archive is not None and notify:
            plan.archive.append(p.id)
            if archive == "silent":
                since = last_event_at or p.created_at
                plan.outbox.append(
                    {"user_id": p.user_id, "parcel_id": p.id, "kind": texts.KIND_ARCHIVED,
                     "dedupe_key": f"arch:{p.id}:{now // DAY}",
                     "payload": {"name": name, "reason": archive, "days": (now - since) // DAY,
                                 "since": since}}
                )  # fmt: skip
        next_check = self.cadence.next_check(
            change.status, now, created_at=p.created_at, last_event_at=last_event_at,
            status_changed_at=status_changed_at, rng=self.rng,
        )  # fmt: skip
        row = self._row(
            p,
            now,
            next_check_at=next_check,
            check_failures=0,
            last_checked_at=now,
            status=change.status,
            status_changed_at=status_changed_at,
            last_event_at=last_event_at,
            last_pushed_event_at=last_pushed,
            carrier=result.carrier,
            real_number=result.real_number,
            origin_country=result.origin_country,
            dest_country=result.dest_country,
        )
        plan.updates.append(row)
        plan.outcomes[p.id] = CheckOutcome(
            p, change.new_events, change.status, change.status_changed, result.source
        )

    @staticmethod
    def _row(p: Parcel, now: int, **values: Any) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": p.id,
            "carrier": None,
            "real_number": None,
            "status": p.status,
            "status_changed_at": p.status_changed_at,
            "last_event_at": p.last_event_at,
            "last_pushed_event_at": p.last_pushed_event_at,
            "origin_country": None,
            "dest_country": None,
            "last_checked_at": p.last_checked_at,
            "now": now,
        }
        row.update(values)
        return row

    # ------------------------------------------------------------------ on demand and pushed

    async def check_now(self, user_id: int, parcel_id: int) -> CheckOutcome | None:
        """Check one of the user's parcels right away; ``None`` if it is not theirs.

        No push is queued: the caller shows the outcome, and what it shows counts as told.
        """
        parcel = await self.storage.parcels.get_owned(user_id, parcel_id)
        if parcel is None:
            return None
        stats = PassStats()
        plan = _Plan()
        outcomes = await self._track([parcel], stats)
        now = self._now()
        await self._apply([parcel], outcomes, now, plan, stats, notify=False)
        second = await self._apply_second([parcel], outcomes, now, stats, notify=False)
        fresh = await self.storage.parcels.get(parcel_id) or parcel
        got = plan.outcomes[parcel.id]
        if parcel.id in second:  # the second number answered: the parcel was looked at
            more = second[parcel.id]
            new = sorted((*got.new_events, *more.new_events), key=newest_first)
            changed = got.status_changed or more.status_changed
            return CheckOutcome(fresh, tuple(new), more.status, changed, got.source or more.source)
        return CheckOutcome(
            fresh, got.new_events, got.status, got.status_changed, got.source, got.error
        )

    async def ingest(self, results: Mapping[str, TrackResult]) -> int:
        """Results a source pushed to us (17TRACK webhook): same detection; new events count."""
        stats = PassStats()
        now = self._now()
        for number, result in results.items():
            parcels = await self.storage.parcels.find_by_number(number)
            if not parcels:
                continue
            # The pushed result answers for every parcel with this number (or re-labelled to it),
            # but a push older than what a parcel already has (a replay, or pushes arriving out
            # of order) never moves its status back: event times decide, not arrival order.
            for p in parcels:
                outcomes = {p.number: not_older_than(result, p, now)}
                await self._apply([p], outcomes, now, _Plan(), stats, notify=True)
        return stats.new_events

    async def track17_stopped(self, number: str) -> bool:
        """17TRACK says it stopped tracking ``number`` (a TRACKING_STOPPED push, no data): mark
        the registration stopped, and restart it when a parcel still being watched needs it.
        Returns True when it was restarted. A failed restart is retried by the next check,
        which registers any number the store shows as stopped."""
        await self.storage.registrations.mark_stopped(TRACK17, number, now=self._now())
        needed = [
            p for p in await self.storage.parcels.find_by_number(number) if p.status not in FINAL
        ]
        if not needed or not self.tracking.track17_configured:
            return False
        try:
            failures = await self.tracking.restart_track17([number])
        except SourceError as exc:
            log.warning("17TRACK restart of a stopped number failed: %s", exc)
            return False
        return number not in failures

    # ------------------------------------------------------------------ alerts

    async def alerts_pass(self) -> int:
        """Stall alerts and buyer-protection reminders (each once); returns how many queued."""
        now = self._now()
        queued = 0
        stalled = await self.storage.parcels.stalled(
            now - self.cadence.stalled_after, STALL_STATUSES
        )
        for p in stalled:
            days = (now - (p.last_event_at or now)) // DAY
            async with self.storage.db.transaction():
                item = await self.storage.outbox.enqueue(
                    p.user_id,
                    texts.KIND_STALL,
                    # "since" lets the sender recount the days if the alert waits (quiet hours)
                    {"name": p.display_name, "status": p.status, "days": days,
                     "since": p.last_event_at},
                    parcel_id=p.id,
                    dedupe_key=f"stall:{p.id}:{p.last_event_at}",
                    now=now,
                )  # fmt: skip
                await self.storage.parcels.update_tracking(
                    p.id, stall_alerted_at=now, claimed_until=UNSET, now=now
                )
            queued += item is not None
        return queued + await self._protection_reminders(now)

    async def _protection_reminders(self, now: int) -> int:
        """Each reminder is due at REMINDER_HOUR on its day in the user's zone (UTC when unset):
        the deadline is a date on the user's calendar, which may not be UTC's today. Archived
        parcels the user chose to keep reminders for are covered too (QA A9)."""
        queued = 0
        utc_today = datetime.fromtimestamp(now, UTC).date()
        # Zones run up to a day off UTC: look one day further each way; past deadlines are left
        # out, or they would crowd out the live ones.
        horizon = utc_today + timedelta(days=max(PROTECTION_REMINDERS) + 1)
        since = utc_today - timedelta(days=1)
        zones: dict[int, tzinfo] = {}
        for p in await self.storage.parcels.protection_due(horizon, since=since):
            assert p.protection_deadline is not None
            if p.user_id not in zones:
                user = await self.storage.users.get(p.user_id)
                zones[p.user_id] = texts.user_zone(user.timezone if user else None)
            zone = zones[p.user_id]
            today = datetime.fromtimestamp(now, UTC).astimezone(zone).date()
            days_left = (p.protection_deadline - today).days
            if days_left < 0 or days_left > max(PROTECTION_REMINDERS):
                continue
            threshold = next(d for d in PROTECTION_REMINDERS if days_left <= d)
            due_at = local_morning(
                p.protection_deadline - timedelta(days=threshold), zone, REMINDER_HOUR
            )
            if now < due_at:
                continue  # its day has come, its morning not yet
            async with self.storage.db.transaction():
                reminder = await self.storage.reminders.schedule(
                    p.user_id,
                    f"watch.protection{threshold}",
                    due_at,
                    {"deadline": p.protection_deadline.isoformat()},
                    parcel_id=p.id,
                    now=now,
                )
                if reminder is None:
                    continue  # told already
                await self.storage.reminders.mark_fired(reminder, now=now)
                item = await self.storage.outbox.enqueue(
                    p.user_id,
                    texts.KIND_PROTECTION,
                    {"name": p.display_name, "days_left": days_left, "status": p.status,
                     "deadline": p.protection_deadline.isoformat()},
                    parcel_id=p.id,
                    dedupe_key=f"prot{threshold}:{p.id}:{p.protection_deadline.isoformat()}",
                    now=now,
                )  # fmt: skip
            queued += item is not None
        return queued

    # ------------------------------------------------------------------ housekeeping

    async def housekeeping(self) -> tuple[int, int]:
        """Stop 17TRACK numbers no active parcel needs; purge old outbox rows (hourly).

        Returns (numbers stopped, outbox rows purged). Failures are logged, retried next tick.
        """
        stopped = purged = 0
        try:
            stopped = await self.stop_orphans()
        except Exception:
            log.exception("stopping orphaned 17TRACK registrations failed")
        now = self._now()
        if self._purged_at is None or now - self._purged_at >= PURGE_EVERY:
            try:
                purged = await self.storage.outbox.purge_done(now - OUTBOX_KEEP)
                self._purged_at = now
            except Exception:
                log.exception("purging the outbox failed")
        return stopped, purged

    async def stop_orphans(self, limit: int = ORPHAN_BATCH) -> int:
        """Numbers registered with 17TRACK whose parcels are all archived or deleted cost
        quota for nothing: stop them there and mark them stopped here."""
        if not self.tracking.track17_configured:
            return 0
        numbers = await self.storage.registrations.orphans(TRACK17, limit)
        if not numbers:
            return 0
        try:
            stopped = await self.tracking.stop_track17(numbers)
        except SourceError as exc:
            log.warning("17TRACK stoptrack of %d orphaned numbers failed: %s", len(numbers), exc)
            return 0
        now = self._now()
        async with self.storage.db.transaction():
            for number in stopped:
                await self.storage.registrations.mark_stopped(TRACK17, number, now=now)
        return len(stopped)
