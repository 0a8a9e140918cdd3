"""Work that outlives its update: a tracker lookup the user's chat must not wait for.

Updates of one chat run strictly in order (bot/updates.py), so a handler that awaited an 8-second
lookup held that user's next message for 8 s. Such work runs here instead, as a task of the
Application (``Application.create_task``: ptb awaits these tasks when it stops, so a shutdown
finishes them rather than cutting them off). A background task must not touch
``context.user_data`` or ``chat_data``: per-chat ordering no longer covers it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from bot.app import BotContext, ParcelScoutApplication

log = logging.getLogger(__name__)

TASK_PREFIX = "parcel-scout:background:"  # how tests and shutdown recognise these tasks


def start(context: BotContext, work: Coroutine[Any, Any, None], what: str) -> asyncio.Task[None]:
    """Run ``work`` after the handler returns; a failure is logged with ``what`` it was."""
    return context.application.create_task(_logged(work, what), name=TASK_PREFIX + what)


async def _logged(work: Coroutine[Any, Any, None], what: str) -> None:
    try:
        await work
    except Exception:  # nobody awaits this task: its failure would otherwise go unseen
        log.exception("background %s failed", what)


def pending() -> list[asyncio.Task[Any]]:
    """Background tasks of the running loop that have not finished."""
    return [
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith(TASK_PREFIX) and not task.done()
    ]


async def idle() -> None:
    """Wait until no background task runs (tasks started meanwhile are waited for too)."""
    while tasks := pending():
        await asyncio.wait(tasks)


async def settled(app: ParcelScoutApplication) -> None:
    """Every update handled and no background work left: the bot has said all it will say.
    (The emulator's ``settle_hook`` for tests and piped local chat.)"""
    await app.update_queue.join()
    await idle()
