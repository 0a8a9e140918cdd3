"""Update processing: different chats concurrently, one chat strictly in arrival order.

python-telegram-bot handles one update at a time by default, so one slow handler (a "Check now"
waiting 8 s for a tracking source) made every other user wait. ptb's own mechanism for concurrency
is a :class:`~telegram.ext.BaseUpdateProcessor` passed to ``ApplicationBuilder.concurrent_updates``;
ptb warns that with it, stateful handlers (``ConversationHandler``) and ``refresh_*_data`` may see
updates of one conversation out of order. :class:`ChatOrderedProcessor` removes that hazard: an
update runs only after every earlier update of the same chat and of the same user has finished.
This is also what keeps ``context.user_data`` (:class:`bot.ui.userdata.UserData`) and
``chat_data`` safe without locks in handler code: two updates that could touch the same user's or
chat's data never run at the same time, and they run in the order Telegram sent them. Updates of
different chats and users interleave freely. (``SqlitePersistence.refresh_*`` are no-ops, so ptb's
"refresh while a handler runs" caveat does not apply either.)

Order is fixed when ptb hands the update to the processor, which happens in the order updates
leave the queue: ptb starts one task per update, tasks start in creation order, and the in-flight
cap below is never reached inside the processor (see :class:`UpdateQueue`), so nothing reorders
them before they take their place in line.

The cap: at most ``limit`` updates are in flight (running, or waiting for an earlier update of
their chat). ptb's fetcher would otherwise start a task for every update it finds in the queue, so
:class:`UpdateQueue` hands out an update only while fewer than ``limit`` are in flight, and holds
at most ``limit`` more itself: when it is full, the Updater stops calling ``getUpdates`` (and a
webhook POST waits), so under overload updates wait at Telegram, not in our memory.

Known limit: updates queued behind a slow update of their own chat count as in flight; one chat
would have to send ``limit`` updates during one slow handler to hold up everyone else.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

__all__ = ["DEFAULT_LIMIT", "ChatOrderedProcessor", "UpdateQueue", "order_keys"]

DEFAULT_LIMIT = 256  # ptb's own default for concurrent_updates=True

OrderKey = tuple[str, int]


def order_keys(update: object) -> tuple[OrderKey, ...]:
    """What an update must wait for: its chat and its user (a callback query names both)."""
    if not isinstance(update, Update):
        return ()
    keys: list[OrderKey] = []
    if update.effective_chat is not None:
        keys.append(("chat", update.effective_chat.id))
    if update.effective_user is not None:
        keys.append(("user", update.effective_user.id))
    return tuple(keys)


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Runs updates of different chats concurrently, those of one chat or user in order."""

    __slots__ = ("_last",)

    def __init__(self, max_concurrent_updates: int = DEFAULT_LIMIT) -> None:
        if max_concurrent_updates < 2:  # ptb processes sequentially below 2
            raise ValueError("max_concurrent_updates must be at least 2")
        super().__init__(max_concurrent_updates)
        # Per key, the done-event of the newest update that holds or awaits it.
        self._last: dict[OrderKey, asyncio.Event] = {}

    @property
    def waiting_keys(self) -> int:
        """Chats and users with an update in flight (for tests and metrics)."""
        return len(self._last)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        keys = order_keys(update)
        done = asyncio.Event()
        # Taking our place in line happens before the first await, so it follows arrival order.
        before = [event for key in keys if (event := self._last.get(key)) is not None]
        for key in keys:
            self._last[key] = done
        try:
            try:
                for event in before:
                    await event.wait()
            except BaseException:
                if isinstance(coroutine, Coroutine):
                    coroutine.close()  # never started: no "was never awaited" warning
                raise
            await coroutine
        finally:
            done.set()
            for key in keys:
                if self._last.get(key) is done:
                    del self._last[key]

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free: ptb waits for the updates in flight before calling this."""


class UpdateQueue(asyncio.Queue[object]):
    """ptb's update queue, bounded twice: at most ``limit`` updates waiting in it, and it hands
    one out only while fewer than ``limit`` taken updates are unfinished (``task_done``).

    ptb's fetcher calls ``get`` once per update and ``task_done`` once it was processed, so
    the updates in flight never exceed ``limit`` and ptb's own semaphore never makes one wait.
    """

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        super().__init__(maxsize=limit)
        self.limit = limit
        self._taken = 0
        self._room = asyncio.Event()
        self._room.set()

    @property
    def in_flight(self) -> int:
        """Updates taken from the queue and not finished yet."""
        return self._taken

    async def get(self) -> object:
        while self._taken >= self.limit:
            self._room.clear()
            await self._room.wait()
        return await super().get()

    def get_nowait(self) -> object:
        item = super().get_nowait()  # ``get`` ends here too
        self._taken += 1
        return item

    def task_done(self) -> None:
        super().task_done()
        self._taken = max(0, self._taken - 1)
        if self._taken < self.limit:
            self._room.set()
