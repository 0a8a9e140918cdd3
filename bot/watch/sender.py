"""The outbox sender: when and how often the bot's own messages go out. Telegram-free.

Each due row is rendered through the registry in the recipient's language and zone, held through
their quiet hours, paced under Telegram's ~30 messages/s, and sent by a ``deliver`` function the
caller supplies (``handlers/notifications.py``: the one Telegram call). Its answer decides the
row: sent; try later (429 after Telegram's ``retry_after``, 5xx and timeouts with back-off, up to
``MAX_ATTEMPTS``); or dropped (400), and for 403 the user is marked blocked as well (their parcels
pause and the outbox holds their rows until they write again).
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot import metrics
from bot.clock import Clock
from bot.i18n import use_language
from bot.ui.present import today_in, user_zone
from bot.watch import registry
from bot.watch.message import Message, Moment
from storage import OutboxItem, Storage, User, ts

log = logging.getLogger(__name__)

SEND_BATCH = 100
MAX_ATTEMPTS = 12
RETRY_BASE = 30  # seconds; doubles per attempt
RETRY_CAP = 3600
# Just under Telegram's ~30/s, spread evenly: bursts at the limit's edge still draw 429s.
SEND_RATE = 29.0


class Outcome(enum.StrEnum):
    """What became of one send, as far as the pipeline cares."""

    SENT = "sent"
    RATE_LIMITED = "rate_limited"  # 429: Telegram says when to try again
    BLOCKED = "blocked"  # 403: the user blocked the bot
    CHAT_NOT_FOUND = "chat_not_found"  # 400
    BAD_REQUEST = "bad_request"  # any other 400: retrying would fail the same way
    TRANSIENT = "transient"  # 5xx, timeouts, network trouble
    UNEXPECTED = "unexpected"  # an error the deliverer did not expect (logged there)


@dataclass(frozen=True, slots=True)
class Delivery:
    outcome: Outcome
    detail: str = ""
    retry_after: float = 0.0  # seconds, for RATE_LIMITED


Deliver = Callable[[int, Message], Awaitable[Delivery]]  # (chat id, message) → what happened


class Step(enum.Enum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What to do with a row after an attempt."""

    step: Step
    not_before: int | None = None  # RETRY: when
    error: str | None = None
    block_user: bool = False
    reason: str = ""  # the pushes metric's label


def verdict(delivery: Delivery, attempts: int, now: int) -> Verdict:
    """The rule for one answer; ``attempts`` counts this one."""
    outcome = delivery.outcome
    if outcome is Outcome.SENT:
        return Verdict(Step.SENT)
    if outcome is Outcome.RATE_LIMITED:
        return Verdict(Step.RETRY, now + int(delivery.retry_after) + 1, "429", reason=outcome)
    if outcome is Outcome.BLOCKED:
        return Verdict(Step.FAILED, error=f"forbidden: {delivery.detail}", block_user=True,
                       reason=outcome)  # fmt: skip
    if outcome in (Outcome.CHAT_NOT_FOUND, Outcome.BAD_REQUEST):
        reason = "unparsable" if unparsable(delivery) else str(outcome)
        return Verdict(Step.FAILED, error=f"{outcome}: {delivery.detail}", reason=reason)
    if attempts >= MAX_ATTEMPTS:
        return Verdict(Step.FAILED, error=f"gave up: {delivery.detail}", reason="gave_up")
    return Verdict(Step.RETRY, now + retry_delay(attempts), delivery.detail, reason="retry")


def unparsable(delivery: Delivery) -> bool:
    """Telegram could not parse the push's HTML: our renderer's bug, never the user's."""
    return (
        delivery.outcome is Outcome.BAD_REQUEST
        and "can't parse entities" in delivery.detail.lower()
    )


def retry_delay(attempts: int) -> int:
    """Back-off after the ``attempts``-th failure: 30 s, 1 min, 2 min, … at most an hour."""
    return int(min(RETRY_CAP, RETRY_BASE * 2 ** max(0, attempts - 1)))


def quiet_until(user: User, now: int) -> int | None:
    """End of the user's quiet hours as unix seconds if ``now`` falls inside them, else None."""
    if user.quiet_start is None or user.quiet_end is None or user.quiet_start == user.quiet_end:
        return None
    zone = user_zone(user.timezone)
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


class Pacer:
    """Hands out evenly spaced send slots (shared by all the chats of one drain)."""

    def __init__(self, rate: float | None) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._next = 0.0

    def slot(self, now: float) -> float:
        """When the next send may start, given the loop time ``now``; takes that slot."""
        slot = max(now, self._next)
        self._next = slot + self._interval
        return slot

    async def wait(self) -> None:
        if not self._interval:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = self.slot(now)
        if slot > now:
            await asyncio.sleep(slot - now)


@dataclass(slots=True)
class DrainStats:
    sent: int = 0
    held: int = 0  # quiet hours
    retried: int = 0
    failed: int = 0
    blocked: int = 0


def render(item: OutboxItem, user: User, now: int) -> Message:
    """The row as the user will read it: their language, zone and date at sending time."""
    zone = user_zone(user.timezone)
    today = today_in(user.timezone, datetime.fromtimestamp(now, UTC))
    with use_language(user.language):
        return registry.render(item.kind, item.payload, item.parcel_id, Moment(zone, today, now))


async def _send_one(
    storage: Storage,
    deliver: Deliver,
    user: User,
    item: OutboxItem,
    now: int,
    stats: DrainStats,
    pacer: Pacer,
) -> None:
    hold = quiet_until(user, now)
    if hold is not None:
        await storage.outbox.reschedule(item.id, hold)
        stats.held += 1
        return
    message = render(item, user, now)
    await pacer.wait()
    delivery = await deliver(user.chat_id, message)
    # Telegram has the message now: nothing but the commit until the row says so (a kill in
    # between sends it again once its lease runs out; Telegram has no idempotency key).
    ruling = verdict(delivery, item.attempts, now)
    if ruling.step is Step.SENT:
        await storage.outbox.mark_sent(item.id, now=now)
        metrics.PUSHES.labels("sent", "").inc()
        stats.sent += 1
        return
    metrics.PUSHES.labels("failed", ruling.reason).inc()
    if ruling.step is Step.RETRY:
        assert ruling.not_before is not None
        await storage.outbox.reschedule(item.id, ruling.not_before, ruling.error)
        stats.retried += 1
        return
    if ruling.block_user:
        await storage.users.mark_blocked(user.id, now=now)
        stats.blocked += 1
    else:
        stats.failed += 1
    if unparsable(delivery):
        # It can never succeed, so it is dropped; but a renderer made HTML Telegram refuses.
        # Kind and ids only: the text holds a parcel's name and number.
        metrics.PUSH_UNPARSABLE.labels(item.kind).inc()
        log.error(
            "outbox %d dropped: Telegram cannot parse the HTML of a %s push for parcel %s "
            "(a bug in its renderer)",
            item.id, item.kind, item.parcel_id,
        )  # fmt: skip
    elif delivery.outcome in (Outcome.CHAT_NOT_FOUND, Outcome.BAD_REQUEST):
        log.warning("outbox %d dropped: %s", item.id, delivery.detail)
    await storage.outbox.mark_failed(item.id, ruling.error or "", now=now)


async def drain(
    storage: Storage,
    clock: Clock,
    deliver: Deliver,
    *,
    limit: int | None = None,
    batch: int = SEND_BATCH,
    rate: float | None = SEND_RATE,
) -> DrainStats:
    """Send what is due (at most ``limit`` rows). One user's messages go in order, one at a
    time; different users' in parallel (the pacer spaces the whole)."""
    stats = DrainStats()
    pacer = Pacer(rate)
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
                await _send_one(storage, deliver, user, item, now, stats, pacer)

        await asyncio.gather(*(send_all(uid, queue) for uid, queue in per_user.items()))
    metrics.OUTBOX_DEPTH.set(await storage.outbox.depth())
    return stats
