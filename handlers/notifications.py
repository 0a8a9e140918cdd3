"""The Telegram side of the messages the bot writes first: two jobs and one send call.

The ``watch`` job runs ``watcher.run_pass()`` (checks), ``alerts_pass()`` (stall alerts,
protection reminders) and ``housekeeping()``; the ``send`` job queues due reminders and drains the
outbox. Separate jobs, so a long wait Telegram imposes on sending (429 ``retry_after``) never
holds up the checks. When and how a row is sent (quiet hours, pacing, retries, a blocked user)
is decided in ``bot/watch/sender.py``; here a message is sent, Telegram's answer mapped to a
:class:`~bot.watch.sender.Outcome`, and each button intent mapped to its callback family.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.clock import Clock
from bot.ui.buttons import (
    CoachDid,
    CoachLetter,
    DisputeCheckin,
    ParcelAction,
    ParcelVerb,
    WhatNowParcel,
    WhatNowSilent,
)
from bot.watch import coach, reminders, sender
from bot.watch.message import Button, Go, Message, Rows
from bot.watch.sender import Delivery, DrainStats, Outcome
from handlers.common import keyboard
from storage import Storage, ts

if TYPE_CHECKING:
    from bot.app import BotContext, ParcelScoutApplication

__all__ = ["DrainStats", "deliver", "drain_outbox", "markup", "send_job", "watch_job"]

log = logging.getLogger(__name__)

COMMANDS: list[tuple[str, str]] = []
JOB_NAME = "watch"
SEND_JOB = "send"
# The sender looks for due rows this often (at most; never less often than the checks run).
SEND_INTERVAL = 15.0
_COACH_RUN = "coach_last_run"  # bot_data: when the coach last ran (unix seconds)


def callback_data(button: Button) -> str:
    """A button intent as the callback data its handler answers."""
    pid = button.parcel_id
    match button.go:
        case Go.TIMELINE:
            return ParcelAction(ParcelVerb.TIMELINE_FROM_PUSH, pid).pack()
        case Go.WHAT_NOW:
            return WhatNowParcel(pid).pack()
        case Go.SELLER_SILENT:
            return WhatNowSilent(pid).pack()
        case Go.DISPUTE_CHECKIN:
            return DisputeCheckin(pid, button.arg).pack()
        case Go.COACH_LETTER:
            return CoachLetter(pid).pack()
        case Go.COACH_DID:
            return CoachDid(pid, button.arg or "").pack()


def markup(rows: Rows) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return keyboard([[(b.label, callback_data(b)) for b in row] for row in rows])


async def deliver(bot: Bot, chat_id: int, message: Message) -> Delivery:
    """Send one message; Telegram's answer as the pipeline's outcome."""
    try:
        await bot.send_message(chat_id, message.text, reply_markup=markup(message.rows))
    except RetryAfter as exc:
        delay = exc.retry_after
        seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
        return Delivery(Outcome.RATE_LIMITED, str(exc), seconds)
    except Forbidden as exc:
        return Delivery(Outcome.BLOCKED, str(exc))
    except BadRequest as exc:  # before NetworkError: BadRequest is one
        if "chat not found" in str(exc).lower():
            return Delivery(Outcome.CHAT_NOT_FOUND, str(exc))
        return Delivery(Outcome.BAD_REQUEST, str(exc))
    except NetworkError as exc:  # 5xx and timeouts, after the rate limiter's own retries
        return Delivery(Outcome.TRANSIENT, f"{type(exc).__name__}: {exc}")
    except Exception as exc:
        log.exception("a push failed unexpectedly")
        return Delivery(Outcome.UNEXPECTED, f"{type(exc).__name__}: {exc}")
    return Delivery(Outcome.SENT)


async def drain_outbox(
    bot: Bot,
    storage: Storage,
    clock: Clock,
    *,
    limit: int | None = None,
    batch: int = sender.SEND_BATCH,
    rate: float | None = sender.SEND_RATE,
) -> DrainStats:
    """Send what is due in the outbox through ``bot``."""
    return await sender.drain(
        storage, clock, partial(deliver, bot), limit=limit, batch=batch, rate=rate
    )


async def watch_job(context: BotContext) -> None:
    """One scheduler tick: check what is due and raise alerts (the send job sends them)."""
    services = context.services
    try:
        stats = await services.watcher.run_pass()
        log.info(
            "watch pass: %d claimed, %d checked, %d failed, %d new events, %d queued",
            stats.claimed, stats.checked, stats.failed, stats.new_events, stats.pushes,
        )  # fmt: skip
        await services.watcher.alerts_pass()
        # The advice re-run for every parcel: one push when its next step changes.
        now = ts(services.clock.now())
        if coach.due(context.bot_data.get(_COACH_RUN), now):
            context.bot_data[_COACH_RUN] = now
            coached = await coach.coach_pass(services.storage, now)
            if coached:
                log.info("coach: %d new steps queued", coached)
    except Exception:
        # A broken pass must not stop housekeeping; what is queued goes out with the send job.
        log.exception("watch pass failed")
    # Logs its own failures, retried next tick.
    stopped, purged = await services.watcher.housekeeping()
    if stopped or purged:
        log.info("housekeeping: %d 17TRACK numbers stopped, %d outbox rows purged",
                 stopped, purged)  # fmt: skip


async def send_job(context: BotContext) -> None:
    """One sender tick: reminders that came due join the outbox, then the outbox is sent."""
    services = context.services
    try:
        queued = await reminders.queue_due(services.storage, ts(services.clock.now()))
        if queued:
            log.info("reminders: %d due, queued", queued)
    except Exception:
        # What is already queued still goes out; the reminders are tried again next tick.
        log.exception("queueing due reminders failed")
    await drain_outbox(context.bot, services.storage, services.clock)


def register(app: Any) -> None:
    """No update handlers: the buttons of a push belong to parcels, whatnow and dispute."""


async def on_startup(app: ParcelScoutApplication) -> None:
    if app.job_queue is None:
        log.error(
            "no JobQueue: parcels will not be re-checked (install python-telegram-bot[job-queue])"
        )
        return
    interval = app.services.settings.check_interval_seconds
    app.job_queue.run_repeating(watch_job, interval=interval, first=interval, name=JOB_NAME)
    every = min(interval, SEND_INTERVAL)
    app.job_queue.run_repeating(send_job, interval=every, first=every, name=SEND_JOB)
