"""The Telegram side of the watch engine: the repeating job and the outbox sender.

The job runs ``watcher.run_pass()``, then ``alerts_pass()``, drains the outbox, then runs
``housekeeping()`` (17TRACK numbers no parcel needs are stopped, old outbox rows purged). The sender
renders each row in the recipient's language and time zone, holds it through their quiet hours,
and turns Telegram's answers into outbox state: 429/5xx/timeouts → try later, 403 → the user
blocked us (their parcels pause until they come back), 400 → give up on that message.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot import metrics
from bot.clock import Clock
from bot.i18n import use_language
from bot.watch import texts
from handlers.common import keyboard
from storage import OutboxItem, Storage, User, ts

if TYPE_CHECKING:
    from bot.app import BotContext, ParcelScoutApplication

log = logging.getLogger(__name__)

COMMANDS: list[tuple[str, str]] = []
JOB_NAME = "watch"
SEND_BATCH = 100
MAX_ATTEMPTS = 12
RETRY_BASE = 30  # seconds; doubles per attempt
RETRY_CAP = 3600
# Just under Telegram's ~30/s, spread evenly: bursts at the limit's edge still draw 429s.
SEND_RATE = 29.0


class _Pacer:
    """Hands out evenly spaced send slots (shared by all the chats of one drain)."""

    def __init__(self, rate: float | None) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._next = 0.0

    async def wait(self) -> None:
        if not self._interval:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next)
        self._next = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)


@dataclass(slots=True)
class DrainStats:
    sent: int = 0
    held: int = 0  # quiet hours
    retried: int = 0
    failed: int = 0
    blocked: int = 0


def quiet_until(user: User, now: int) -> int | None:
    """End of the user's quiet hours as unix seconds if ``now`` falls inside them, else None."""
    if user.quiet_start is None or user.quiet_end is None or user.quiet_start == user.quiet_end:
        return None
    zone = texts.user_zone(user.timezone)
    local = datetime.fromtimestamp(now, UTC).astimezone(zone)
    minute = local.hour * 60 + local.minute
    start, end = user.quiet_start, user.quiet_end
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    day = midnight if minute < end else midnight + timedelta(days=1)
    # Rebuild with the zone so a DST change in between lands on the right wall-clock time.
    end_local = datetime.combine(day.date(), datetime.min.time(), zone) + timedelta(minutes=end)
    return ts(end_local)


def _retry_delay(attempts: int) -> int:
    return int(min(RETRY_CAP, RETRY_BASE * 2 ** max(0, attempts - 1)))


async def _send_one(
    bot: Bot,
    storage: Storage,
    user: User,
    item: OutboxItem,
    now: int,
    stats: DrainStats,
    pacer: _Pacer,
) -> None:
    hold = quiet_until(user, now)
    if hold is not None:
        await storage.outbox.reschedule(item.id, hold)
        stats.held += 1
        return
    zone = texts.user_zone(user.timezone)
    with use_language(user.language):
        today = datetime.fromtimestamp(now, UTC).astimezone(zone).date()
        text, rows = texts.render(item.kind, item.payload, item.parcel_id, zone, today, now)
    markup = keyboard(rows) if rows else None
    await pacer.wait()
    try:
        await bot.send_message(user.chat_id, text, reply_markup=markup)
    except RetryAfter as exc:
        delay = exc.retry_after
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        await storage.outbox.reschedule(item.id, now + int(seconds) + 1, "429")
        metrics.PUSHES.labels("failed", "rate_limited").inc()
        stats.retried += 1
        return
    except Forbidden as exc:
        await storage.users.mark_blocked(user.id, now=now)
        await storage.outbox.mark_failed(item.id, f"forbidden: {exc}", now=now)
        metrics.PUSHES.labels("failed", "blocked").inc()
        stats.blocked += 1
        return
    except BadRequest as exc:
        reason = "chat_not_found" if "chat not found" in str(exc).lower() else "bad_request"
        await storage.outbox.mark_failed(item.id, f"{reason}: {exc}", now=now)
        metrics.PUSHES.labels("failed", reason).inc()
        log.warning("outbox %d dropped: %s", item.id, exc)
        stats.failed += 1
        return
    except (NetworkError, Exception) as exc:  # 5xx and timeouts (after the limiter's retries)
        if item.attempts >= MAX_ATTEMPTS:
            await storage.outbox.mark_failed(item.id, f"gave up: {exc}", now=now)
            metrics.PUSHES.labels("failed", "gave_up").inc()
            stats.failed += 1
        else:
            await storage.outbox.reschedule(
                item.id, now + _retry_delay(item.attempts), f"{type(exc).__name__}: {exc}"
            )
            metrics.PUSHES.labels("failed", "retry").inc()
            stats.retried += 1
        if not isinstance(exc, NetworkError):
            log.exception("outbox %d failed unexpectedly", item.id)
        return
    await storage.outbox.mark_sent(item.id, now=now)
    metrics.PUSHES.labels("sent", "").inc()
    stats.sent += 1


async def drain_outbox(
    bot: Bot,
    storage: Storage,
    clock: Clock,
    *,
    limit: int | None = None,
    batch: int = SEND_BATCH,
    rate: float | None = SEND_RATE,
) -> DrainStats:
    """Send what is due (at most ``limit`` rows). One user's messages go in order, one at a
    time; different users' in parallel (the rate limiter paces the whole)."""
    stats = DrainStats()
    pacer = _Pacer(rate)
    users: dict[int, User | None] = {}
    done = 0
    while limit is None or done < limit:
        now = ts(clock.now())
        size = batch if limit is None else min(batch, limit - done)
        items = await storage.outbox.claim_pending(size, now)
        if not items:
            break
        done += len(items)
        per_user: dict[int, list[OutboxItem]] = defaultdict(list)
        for item in items:
            per_user[item.user_id].append(item)
        for uid in per_user:
            if uid not in users:
                users[uid] = await storage.users.get(uid)

        async def send_all(uid: int, queue: list[OutboxItem], now: int = now) -> None:
            user = users[uid]
            for item in queue:
                if user is None:
                    await storage.outbox.mark_failed(item.id, "no such user", now=now)
                    continue
                await _send_one(bot, storage, user, item, now, stats, pacer)

        await asyncio.gather(*(send_all(uid, queue) for uid, queue in per_user.items()))
    metrics.OUTBOX_DEPTH.set(await storage.outbox.depth())
    return stats


async def watch_job(context: BotContext) -> None:
    """One scheduler tick: check what is due, raise alerts, send the news."""
    services = context.services
    try:
        stats = await services.watcher.run_pass()
        log.info(
            "watch pass: %d claimed, %d checked, %d failed, %d new events, %d queued",
            stats.claimed, stats.checked, stats.failed, stats.new_events, stats.pushes,
        )  # fmt: skip
        await services.watcher.alerts_pass()
    except Exception:
        # A broken pass must not stop the sender: what is already queued still goes out.
        log.exception("watch pass failed")
    try:
        await drain_outbox(context.bot, services.storage, services.clock)
    finally:
        # After the sends, which matter more; logs its own failures, retried next tick.
        stopped, purged = await services.watcher.housekeeping()
        if stopped or purged:
            log.info("housekeeping: %d 17TRACK numbers stopped, %d outbox rows purged",
                     stopped, purged)  # fmt: skip


def register(app: Any) -> None:
    """No update handlers: the buttons of a push belong to parcels and whatnow."""


async def on_startup(app: ParcelScoutApplication) -> None:
    if app.job_queue is None:
        log.error(
            "no JobQueue: parcels will not be re-checked (install python-telegram-bot[job-queue])"
        )
        return
    interval = app.services.settings.check_interval_seconds
    app.job_queue.run_repeating(watch_job, interval=interval, first=interval, name=JOB_NAME)
