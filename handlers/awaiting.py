"""The one way the bot waits for a typed answer: ``UserData.pending`` plus :class:`Awaiting`.

A handler that asks a question calls :func:`ask` with the question's kind; the feature registers a
``MessageHandler(filters.TEXT & Awaiting(app, {kind, ...}), on_answer)`` that matches only while
that question is open and fresh, and calls :func:`done` when it has its answer. A question left
unanswered longer than ``ttl`` stops claiming text, so a user who wandered off and later pastes a
track number gets it explained. The state is persisted with the rest of ``user_data``, so a
restart keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING

from telegram import Message
from telegram.ext import filters

from bot.ui.userdata import Pending, UserData

if TYPE_CHECKING:
    from bot.app import BotContext, ParcelScoutApplication

DEFAULT_TTL = 3600  # seconds a question keeps claiming typed text


def _now(context: BotContext) -> int:
    return int(context.services.clock.now().timestamp())


def ask(context: BotContext, kind: str, parcel_id: int | None = None) -> None:
    """Remember that the bot now waits for the answer to question ``kind``."""
    assert context.user_data is not None
    context.user_data.pending = Pending(kind, parcel_id, _now(context))


def done(context: BotContext) -> None:
    """No question is open any more (answered, cancelled or replaced by a button)."""
    if context.user_data is not None:
        context.user_data.pending = None


async def end_on_command(update: object, context: BotContext) -> None:
    """A command ends the open question: after /language during /add, the next number is
    explained, not taken as the /add answer. The command's own handler may ask anew."""
    message = getattr(update, "effective_message", None)
    text = message.text if message is not None else None
    if text and text.startswith("/") and context.user_data is not None:
        context.user_data.pending = None


def pending(context: BotContext) -> Pending | None:
    return context.user_data.pending if context.user_data is not None else None


class Awaiting(filters.MessageFilter):
    """Matches a message whose sender has a fresh open question of one of ``kinds``.

    ``accepts(text, pending)``, when given, decides whether this particular text is taken as the
    answer (a feature may let track numbers or questions of their own pass through).
    """

    def __init__(
        self,
        app: ParcelScoutApplication,
        kinds: Collection[str],
        *,
        ttl: int = DEFAULT_TTL,
        accepts: Callable[[str, Pending], bool] | None = None,
    ) -> None:
        super().__init__(name=f"Awaiting({sorted(kinds)})")
        self._app = app
        self._kinds = frozenset(kinds)
        self._ttl = ttl
        self._accepts = accepts

    def filter(self, message: Message) -> bool:
        user = message.from_user
        if user is None:
            return False
        data = self._app.user_data.get(user.id)
        open_question = data.pending if isinstance(data, UserData) else None
        if open_question is None or open_question.kind not in self._kinds:
            return False
        now = int(self._app.services.clock.now().timestamp())
        if not open_question.fresh(now, self._ttl):
            return False
        return self._accepts is None or self._accepts(message.text or "", open_question)
