"""Reminders through the outbox (bot/watch/reminders.py): which due reminders are queued, what
they say, and how every push button becomes callback data (handlers/notifications.py): the same
texts and the same wire formats as before the outbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.i18n import use_language
from bot.ui.buttons import DisputeCheckin, ParcelAction, WhatNowParcel, WhatNowSilent
from bot.watch import registry, reminders, texts
from bot.watch.message import Button, Go, Message, Moment
from handlers.notifications import callback_data
from storage import Storage

AT = Moment(texts.user_zone(None))


def _render(kind: str, payload: dict[str, object], parcel_id: int | None) -> Message:
    with use_language("en"):
        return registry.render(kind, payload, parcel_id, AT)


def _intents(message: Message) -> list[tuple[Go, int, str | None]]:
    return [(b.go, b.parcel_id, b.arg) for row in message.rows for b in row]


def test_whatnow_checkin_after_a_seller_action_asks_if_the_seller_answered() -> None:
    payload = {"action": "write_seller", "days": 5, "name": "Lamp <3>"}
    message = _render(reminders.KIND_WHATNOW, payload, 7)
    assert message.text == (
        "⏰ My advice about “Lamp &lt;3&gt;” was 5 days ago. Did the seller answer?"
    )
    assert _intents(message) == [(Go.SELLER_SILENT, 7, None), (Go.WHAT_NOW, 7, None)]


def test_whatnow_checkin_without_a_parcel_or_seller_action() -> None:
    message = _render(reminders.KIND_WHATNOW, {"action": "wait", "days": 1, "name": None}, None)
    assert message.text == ("⏰ My advice about your order was 1 day ago. Time to look again.")
    assert _intents(message) == [(Go.WHAT_NOW, 0, None)]
    # No parcel, but a seller action: no "silent" button (it needs a parcel to record it on).
    silent = _render(reminders.KIND_WHATNOW, {"action": "write_seller", "days": 5}, None)
    assert _intents(silent) == [(Go.WHAT_NOW, 0, None)]


def test_whatnow_checkin_without_a_name_reads_as_russian() -> None:
    """No name in a slot: the sentence itself names the order, declined («по вашему заказу»)."""
    with use_language("ru"):
        wait = registry.render(reminders.KIND_WHATNOW, {"action": "wait", "days": 5}, None, AT)
        named = registry.render(
            reminders.KIND_WHATNOW, {"action": "write_seller", "days": 2, "name": "чехол"}, 7, AT
        )
    assert wait.text == "⏰ По вашему заказу я советовал 5 дней назад. Пора посмотреть ещё раз."
    assert named.text == "⏰ «чехол»: я советовал 2 дня назад. Продавец ответил?"


def test_dispute_checkin_offers_the_sellers_possible_answers() -> None:
    message = _render(reminders.KIND_DISPUTE, {"name": "Lamp"}, 7)
    assert message.text == "⚖️ Did the seller answer your dispute about “Lamp”?"
    assert [label for row in message.rows for label in [row[0].label]] == [
        "Accepted", "Offered an amount", "Refused", "Asked me to cancel", "Silent",
    ]  # fmt: skip
    assert {(go, pid) for go, pid, _arg in _intents(message)} == {(Go.DISPUTE_CHECKIN, 7)}
    anonymous = _render(reminders.KIND_DISPUTE, {"name": None}, None)
    assert anonymous.text == "⚖️ Did the seller answer your dispute?"
    assert _intents(anonymous)[0] == (Go.DISPUTE_CHECKIN, 0, "ci_accepted")


def test_reminders_in_russian() -> None:
    with use_language("ru"):
        message = registry.render(
            reminders.KIND_WHATNOW, {"action": "write_seller", "days": 5, "name": "Лампа"}, 7, AT
        )
    assert "5 дней" in message.text and "Продавец ответил?" in message.text
    assert message.rows[0][0].label == "🔇 Продавец молчит"


@pytest.mark.parametrize(
    ("button", "data", "family"),
    [
        (Button("", Go.TIMELINE, 7), "parcel:tlpush:7", ParcelAction),
        (Button("", Go.WHAT_NOW, 7), "whatnow:p:7", WhatNowParcel),
        (Button("", Go.WHAT_NOW, 0), "whatnow:p:0", WhatNowParcel),
        (Button("", Go.SELLER_SILENT, 7), "whatnow:silent:7", WhatNowSilent),
        (Button("", Go.DISPUTE_CHECKIN, 7, "ci_offer"), "dispute:ci:7:ci_offer", DisputeCheckin),
    ],
)
def test_intents_map_to_the_wire_formats_users_already_have(
    button: Button, data: str, family: type[object]
) -> None:
    assert callback_data(button) == data
    assert isinstance(family.unpack(data), family)  # type: ignore[attr-defined]


def test_every_intent_has_a_button_family() -> None:
    for go in Go:
        assert callback_data(Button("", go, 1, "ci_silent"))


# --- due reminders → outbox rows, over a real database -----------------------------------------

NOW = 1_800_000_000


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "bot.sqlite")
    await store.users.upsert_seen(1, 1, "en", now=NOW)
    yield store
    await store.close()


async def test_each_due_reminder_is_queued_once_with_the_parcels_name(storage: Storage) -> None:
    parcel = await storage.parcels.add(1, "RB123456785CN", nickname="Lamp")
    payload = {"action": "write_seller", "days": 5}
    await storage.reminders.schedule(
        1, reminders.WHATNOW_CHECKIN, NOW, payload, parcel_id=parcel.id, now=NOW - 1
    )
    await storage.reminders.schedule(1, reminders.DISPUTE_CHECKIN, NOW + 60, now=NOW - 1)
    assert await reminders.queue_due(storage, NOW) == 1
    assert await reminders.queue_due(storage, NOW) == 0  # fired: never again
    (item,) = await storage.outbox.pending_for_user(1)
    assert (item.kind, item.parcel_id) == (reminders.KIND_WHATNOW, parcel.id)
    assert item.payload == {**payload, "name": "Lamp"}
    assert await reminders.queue_due(storage, NOW + 60) == 1  # the dispute one, when due
    assert await storage.reminders.due(NOW + 60) == []


async def test_other_features_reminders_are_left_alone(storage: Storage) -> None:
    for i in range(3):  # more than one batch of someone else's reminders, due first
        await storage.reminders.schedule(1, "another.feature", NOW - 10 + i, now=NOW - 20)
    await storage.reminders.schedule(1, reminders.DISPUTE_CHECKIN, NOW, now=NOW - 20)
    assert await reminders.queue_due(storage, NOW, limit=2) == 1
    assert len(await storage.reminders.due(NOW)) == 3  # still theirs to fire


async def test_reminders_nobody_waits_for_are_fired_and_dropped(storage: Storage) -> None:
    archived = await storage.parcels.add(1, "RB123456785CN")
    await storage.parcels.archive(1, archived.id)
    await storage.reminders.schedule(1, reminders.WHATNOW_CHECKIN, NOW, parcel_id=archived.id)
    await storage.users.upsert_seen(2, 2, "en", now=NOW)
    await storage.users.mark_blocked(2, now=NOW)
    await storage.reminders.schedule(2, reminders.DISPUTE_CHECKIN, NOW)
    assert await reminders.queue_due(storage, NOW) == 0
    assert await storage.reminders.due(NOW) == []
    assert await storage.outbox.depth() == 0
