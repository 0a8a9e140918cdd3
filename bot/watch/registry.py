"""The one registry of what the bot writes first: outbox kind → renderer.

Status pushes, stall alerts, protection and archive notices (``bot.watch.texts``) and the
reminders users asked for (``bot.watch.reminders``) all go through the outbox; the sender renders
each row here, in the recipient's language, when it goes out. A kind this release does not know
(a row queued by another) renders as its payload's plain text rather than being lost.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.watch import coach, reminders, texts
from bot.watch.message import Message, Moment

Renderer = Callable[[Mapping[str, Any], int | None, Moment], Message]


def _watch(kind: str) -> Renderer:
    def render(payload: Mapping[str, Any], parcel_id: int | None, at: Moment) -> Message:
        return texts.render(kind, payload, parcel_id, at.zone, at.today, at.now)

    return render


RENDERERS: dict[str, Renderer] = {
    **{
        kind: _watch(kind)
        for kind in (
            texts.KIND_FIRST,
            texts.KIND_EVENTS,
            texts.KIND_STATUS,
            texts.KIND_ARCHIVED,
            texts.KIND_STALL,
            texts.KIND_PROTECTION,
        )
    },
    reminders.KIND_WHATNOW: reminders.render_whatnow,
    reminders.KIND_DISPUTE: reminders.render_dispute,
    coach.KIND_COACH: coach.render,
}


def render(kind: str, payload: Mapping[str, Any], parcel_id: int | None, at: Moment) -> Message:
    return (RENDERERS.get(kind) or _watch(kind))(payload, parcel_id, at)
