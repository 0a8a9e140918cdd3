"""Repositories: ownership, duplicates, idempotence, outbox claims, deleting a user."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from storage import DuplicateParcel, NewEvent, Storage, from_ts, ts

T0 = 1_800_000_000
ALICE, BOB = 111, 222


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def storage(tmp_path: Path, clock: Clock) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "bot.sqlite", clock=clock)
    await store.users.upsert_seen(ALICE, ALICE, "ru")
    await store.users.upsert_seen(BOB, BOB, "en")
    yield store
    await store.close()


def ev(key: str, at: int | None = None, desc: str = "") -> NewEvent:
    return NewEvent(event_key=key, source="cainiao", occurred_at=at, description=desc or key)


def test_timestamp_helpers() -> None:
    moment = datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert from_ts(ts(moment)) == moment
    with pytest.raises(ValueError):
        ts(datetime(2027, 1, 2))


# --- users ---


async def test_upsert_seen_keeps_language_and_updates_contact(
    storage: Storage, clock: Clock
) -> None:
    user = await storage.users.get(ALICE)
    assert user is not None and user.language == "ru" and user.created_at == T0
    await storage.users.set_language(ALICE, "en")
    await storage.users.mark_blocked(ALICE)
    clock.now += 60
    again = await storage.users.upsert_seen(ALICE, 999, "ru")
    assert again.language == "en"  # the user's choice wins over their client's language
    assert again.chat_id == 999 and again.last_seen_at == T0 + 60 and again.created_at == T0
    assert not again.is_blocked  # writing to us means the bot is unblocked


async def test_user_settings(storage: Storage) -> None:
    assert await storage.users.set_timezone(ALICE, "Asia/Yekaterinburg")
    assert await storage.users.set_quiet_hours(ALICE, 23 * 60, 8 * 60)
    user = await storage.users.get(ALICE)
    assert user is not None
    assert (user.timezone, user.quiet_start, user.quiet_end) == ("Asia/Yekaterinburg", 1380, 480)
    assert await storage.users.set_quiet_hours(ALICE, None, None)
    with pytest.raises(ValueError):
        await storage.users.set_quiet_hours(ALICE, 10, None)
    with pytest.raises(ValueError):
        await storage.users.set_quiet_hours(ALICE, 10, 1440)
    assert not await storage.users.set_language(404, "en")


async def test_block_and_unblock(storage: Storage, clock: Clock) -> None:
    assert await storage.users.mark_blocked(BOB)
    assert not await storage.users.mark_blocked(BOB)  # first 403 time is kept
    user = await storage.users.get(BOB)
    assert user is not None and user.blocked_at == T0
    assert await storage.users.mark_unblocked(BOB)
    assert not await storage.users.mark_unblocked(BOB)


# --- parcels ---


async def test_duplicate_parcel_is_a_clear_error(storage: Storage) -> None:
    first = await storage.parcels.add(ALICE, "RB123456789CN", nickname="phone case")
    with pytest.raises(DuplicateParcel) as info:
        await storage.parcels.add(ALICE, "RB123456789CN")
    assert info.value.existing_id == first.id
    # Another user may track the same number.
    other = await storage.parcels.add(BOB, "RB123456789CN")
    assert other.id != first.id
    # A duplicate inside a caller's transaction does not spoil the transaction.
    async with storage.db.transaction():
        with pytest.raises(DuplicateParcel):
            await storage.parcels.add(ALICE, "RB123456789CN")
        await storage.parcels.add(ALICE, "LP00123456789012")
    assert await storage.parcels.count_active(ALICE) == 2


async def test_ownership_is_enforced(storage: Storage) -> None:
    parcel = await storage.parcels.add(ALICE, "RB123456789CN")
    assert await storage.parcels.get_owned(ALICE, parcel.id) == parcel
    assert await storage.parcels.get_owned(BOB, parcel.id) is None
    assert await storage.parcels.rename(BOB, parcel.id, "mine now") is None
    assert await storage.parcels.update_facts(BOB, parcel.id, price_amount=1.0) is None
    assert not await storage.parcels.archive(BOB, parcel.id)
    assert not await storage.parcels.delete(BOB, parcel.id)
    unchanged = await storage.parcels.get_owned(ALICE, parcel.id)
    assert unchanged is not None
    assert unchanged.nickname is None and unchanged.price_amount is None
    assert unchanged.is_active


async def test_list_count_archive_delete(storage: Storage, clock: Clock) -> None:
    ids = []
    for i in range(5):
        clock.now += 1
        ids.append((await storage.parcels.add(ALICE, f"RB00000000{i}CN")).id)
    assert [p.id for p in await storage.parcels.list_for_user(ALICE)] == ids[::-1]
    page = await storage.parcels.list_for_user(ALICE, offset=1, limit=2)
    assert [p.id for p in page] == [ids[3], ids[2]]
    assert await storage.parcels.archive(ALICE, ids[0])
    assert not await storage.parcels.archive(ALICE, ids[0])
    assert await storage.parcels.count_active(ALICE) == 4
    assert len(await storage.parcels.list_for_user(ALICE, active_only=False)) == 5
    assert ids[0] not in [p.id for p in await storage.parcels.list_for_user(ALICE)]
    assert await storage.parcels.delete(ALICE, ids[1])
    assert await storage.parcels.get_owned(ALICE, ids[1]) is None
    assert await storage.parcels.count_active(BOB) == 0


async def test_update_facts_and_rename(storage: Storage) -> None:
    parcel = await storage.parcels.add(ALICE, "RB123456789CN")
    updated = await storage.parcels.update_facts(
        ALICE,
        parcel.id,
        shipped_on=date(2027, 3, 1),
        price_amount=12.5,
        price_currency="USD",
        protection_deadline=date(2027, 5, 1),
    )
    assert updated is not None
    assert updated.shipped_on == date(2027, 3, 1) and updated.price_amount == 12.5
    # Omitted arguments stay; None clears.
    updated = await storage.parcels.update_facts(ALICE, parcel.id, price_amount=None)
    assert updated is not None and updated.price_amount is None
    assert updated.shipped_on == date(2027, 3, 1) and updated.price_currency == "USD"
    renamed = await storage.parcels.rename(ALICE, parcel.id, "<b>Наушники</b>")
    assert renamed is not None and renamed.display_name == "<b>Наушники</b>"


async def test_claim_due_leases_parcels(storage: Storage, clock: Clock) -> None:
    a = await storage.parcels.add(ALICE, "RB000000001CN")
    b = await storage.parcels.add(BOB, "RB000000002CN", next_check_at=T0 + 3600)
    archived = await storage.parcels.add(ALICE, "RB000000003CN")
    await storage.parcels.archive(ALICE, archived.id)
    first = await storage.parcels.claim_due(10, lease=300)
    assert [p.id for p in first] == [a.id]
    assert await storage.parcels.claim_due(10) == []  # leased
    await storage.parcels.update_tracking(
        a.id, status="in_transit", last_checked_at=T0, next_check_at=T0 + 100
    )
    clock.now += 3600
    assert {p.id for p in await storage.parcels.claim_due(10)} == {a.id, b.id}
    found = await storage.parcels.find_by_number("RB000000001CN")
    assert [p.status for p in found] == ["in_transit"]


# --- events ---


async def test_insert_new_is_idempotent(storage: Storage) -> None:
    parcel = await storage.parcels.add(ALICE, "RB123456789CN")
    first = await storage.events.insert_new(parcel.id, [ev("b", T0 + 10), ev("a", T0)])
    assert [e.event_key for e in first] == ["a", "b"]  # oldest first
    again = await storage.events.insert_new(
        parcel.id, [ev("a", T0), ev("b", T0 + 10), ev("c", T0 + 20), ev("c", T0 + 20)]
    )
    assert [e.event_key for e in again] == ["c"]
    assert await storage.events.insert_new(parcel.id, []) == []
    timeline = await storage.events.timeline(parcel.id)
    assert [e.event_key for e in timeline] == ["a", "b", "c"]
    latest = await storage.events.latest(parcel.id)
    assert latest is not None and latest.event_key == "c"
    assert [e.event_key for e in await storage.events.timeline(parcel.id, limit=2)] == ["b", "c"]
    # Same key on another parcel is another event.
    other = await storage.parcels.add(BOB, "RB123456789CN")
    assert len(await storage.events.insert_new(other.id, [ev("a", T0)])) == 1


async def test_events_and_outbox_commit_together_or_not_at_all(storage: Storage) -> None:
    parcel = await storage.parcels.add(ALICE, "RB123456789CN")
    with pytest.raises(RuntimeError):
        async with storage.db.transaction():
            new = await storage.events.insert_new(parcel.id, [ev("a", T0)])
            await storage.outbox.enqueue(ALICE, "event", {"id": new[0].id}, parcel_id=parcel.id)
            raise RuntimeError("crash before commit")
    assert await storage.events.count(parcel.id) == 0
    assert await storage.outbox.depth() == 0
    async with storage.db.transaction():
        new = await storage.events.insert_new(parcel.id, [ev("a", T0)])
        await storage.outbox.enqueue(ALICE, "event", {"id": new[0].id}, parcel_id=parcel.id)
    assert await storage.events.count(parcel.id) == 1
    assert await storage.outbox.depth() == 1


# --- outbox ---


async def test_outbox_lifecycle(storage: Storage, clock: Clock) -> None:
    sent = await storage.outbox.enqueue(ALICE, "event", {"text": "Привет"})
    later = await storage.outbox.enqueue(ALICE, "digest", not_before=T0 + 600)
    retry = await storage.outbox.enqueue(BOB, "event", {"n": 1})
    assert None not in (sent, later, retry)
    assert await storage.outbox.enqueue(ALICE, "event", dedupe_key="e1") is not None
    assert await storage.outbox.enqueue(ALICE, "event", dedupe_key="e1") is None
    assert await storage.outbox.depth() == 4
    assert await storage.outbox.depth(now=T0) == 3

    claimed = await storage.outbox.claim_pending(10, T0)
    assert [i.id for i in claimed][:1] == [sent]
    assert later not in [i.id for i in claimed]
    assert claimed[0].payload == {"text": "Привет"} and claimed[0].attempts == 1
    assert sent is not None and retry is not None
    assert await storage.outbox.mark_sent(sent)
    assert not await storage.outbox.mark_sent(sent)
    assert await storage.outbox.reschedule(retry, T0 + 30, "RetryAfter 30")
    assert await storage.outbox.claim_pending(10, T0) == []  # rest still leased or not due
    item = await storage.outbox.get(retry)
    assert item is not None and item.last_error == "RetryAfter 30" and item.claimed_until is None

    again = await storage.outbox.claim_pending(10, T0 + 30)
    assert [i.id for i in again] == [retry] and again[0].attempts == 2
    assert await storage.outbox.mark_failed(retry, "Forbidden")
    # A lease that expires makes the row claimable again (the sender died).
    expired = await storage.outbox.claim_pending(10, T0 + 10_000)
    assert {i.id for i in expired} == {later, claimed[-1].id}


async def test_outbox_skips_blocked_users(storage: Storage) -> None:
    await storage.outbox.enqueue(BOB, "event")
    await storage.users.mark_blocked(BOB)
    assert await storage.outbox.claim_pending(10, T0) == []
    await storage.users.mark_unblocked(BOB)
    assert len(await storage.outbox.claim_pending(10, T0)) == 1


async def test_outbox_concurrent_claims_are_disjoint(storage: Storage, tmp_path: Path) -> None:
    for i in range(60):
        await storage.outbox.enqueue(ALICE if i % 2 else BOB, "event", {"i": i})
    # A second connection to the same file plays another process.
    other = await Storage.open(storage.db.path)
    try:
        batches = await asyncio.gather(
            *(storage.outbox.claim_pending(7, T0) for _ in range(5)),
            *(other.outbox.claim_pending(7, T0) for _ in range(5)),
        )
    finally:
        await other.close()
    ids = [item.id for batch in batches for item in batch]
    assert len(ids) == len(set(ids)) == 60


# --- reminders ---


async def test_reminders(storage: Storage, clock: Clock) -> None:
    parcel = await storage.parcels.add(ALICE, "RB123456789CN")
    rid = await storage.reminders.schedule(ALICE, "seller_followup", T0 + 5, parcel_id=parcel.id)
    assert rid is not None
    assert (
        await storage.reminders.schedule(ALICE, "seller_followup", T0 + 5, parcel_id=parcel.id)
        is None
    )
    digest = await storage.reminders.schedule(ALICE, "digest", T0 + 5, {"week": 1})
    assert await storage.reminders.schedule(ALICE, "digest", T0 + 5) is None  # NULL parcel too
    other = await storage.reminders.schedule(BOB, "digest", T0 + 50)
    assert digest is not None and other is not None
    assert await storage.reminders.due() == []
    clock.now += 10
    due = await storage.reminders.due()
    assert [r.id for r in due] == [rid, digest] and due[1].payload == {"week": 1}
    assert await storage.reminders.mark_fired(rid)
    assert not await storage.reminders.mark_fired(rid)
    assert await storage.reminders.cancel(digest)
    assert not await storage.reminders.mark_fired(digest)
    assert await storage.reminders.due(T0 + 100) == [await storage.reminders.get(other)]
    later = await storage.reminders.schedule(ALICE, "protection", T0 + 99, parcel_id=parcel.id)
    assert later is not None
    assert await storage.reminders.cancel_for_parcel(parcel.id, ["protection"]) == 1


async def test_registrations(storage: Storage) -> None:
    regs = storage.registrations
    assert await regs.mark_registered("17track", "RB123456789CN")
    assert not await regs.mark_registered("17track", "RB123456789CN")
    assert await regs.is_registered("17track", "RB123456789CN")
    assert await regs.orphans("17track") == ["RB123456789CN"]
    await storage.parcels.add(ALICE, "RB123456789CN")
    assert await regs.orphans("17track") == []
    assert await regs.mark_stopped("17track", "RB123456789CN")
    assert not await regs.is_registered("17track", "RB123456789CN")
    assert await regs.mark_registered("17track", "RB123456789CN")


# --- forgetting a user ---

# Tables that hold no per-user rows: registrations are keyed by number and shared by every user
# tracking it; ptb's bot_data/callback_data are one row for the whole bot.
# delivery_stats / delivery_days are anonymous (no user, parcel or number): /forgetme leaves them.
GLOBAL_TABLES = {
    "source_registrations",
    "ptb_bot_data",
    "ptb_callback_data",
    "delivery_stats",
    "delivery_days",
}


async def _user_rows(storage: Storage, user_id: int, parcel_ids: list[int]) -> dict[str, int]:
    """Rows tied to the user in every table, found from the schema, not from a list."""
    counts: dict[str, int] = {}
    tables = await storage.db.fetchall(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    marks = ",".join("?" * len(parcel_ids)) or "NULL"
    for (table,) in tables:
        columns = {row["name"] for row in await storage.db.fetchall(f"PRAGMA table_info({table})")}
        conditions, params = [], []
        if table == "users":
            conditions.append("id = ?")
            params.append(user_id)
        for column in ("user_id", "chat_id"):
            if column in columns:
                conditions.append(f"{column} = ?")
                params.append(user_id)
        if "parcel_id" in columns:
            conditions.append(f"parcel_id IN ({marks})")
            params.extend(parcel_ids)
        if table == "ptb_conversations":
            conditions.append(
                "EXISTS (SELECT 1 FROM json_each(ptb_conversations.key) WHERE value = ?)"
            )
            params.append(user_id)
        if table in GLOBAL_TABLES:
            continue
        assert conditions, f"table {table}: how does it relate to a user? teach this test"
        sql = f"SELECT count(*) FROM {table} WHERE " + " OR ".join(conditions)
        counts[table] = int(await storage.db.fetchval(sql, params))
    return counts


async def _fill(storage: Storage, user_id: int) -> list[int]:
    p1 = await storage.parcels.add(user_id, "RB123456789CN")
    p2 = await storage.parcels.add(user_id, "LP00123456789012")
    await storage.events.insert_new(p1.id, [ev("a", T0), ev("b", T0 + 1)])
    await storage.answers.update(user_id, p1.id, timer_over=True)
    await storage.outbox.enqueue(user_id, "event", parcel_id=p1.id)
    await storage.outbox.enqueue(user_id, "digest")
    await storage.reminders.schedule(user_id, "followup", T0 + 9, parcel_id=p2.id)
    await storage.reminders.schedule(user_id, "digest", T0 + 9)
    await storage.checks.record_many(
        [{"parcel_id": p1.id, "source": "cainiao", "result": "same", "since": T0, "at": T0 + 5}]
    )
    blob = b"\x80\x04N."
    await storage.db.execute("INSERT INTO ptb_user_data VALUES (?, ?, 0)", (user_id, blob))
    await storage.db.execute("INSERT INTO ptb_chat_data VALUES (?, ?, 0)", (user_id, blob))
    await storage.db.execute(
        "INSERT INTO ptb_conversations VALUES ('add', ?, ?, 0)",
        (json.dumps([user_id, user_id]), blob),
    )
    return [p1.id, p2.id]


async def test_delete_everything_leaves_no_row_of_the_user(storage: Storage) -> None:
    alice_parcels = await _fill(storage, ALICE)
    bob_parcels = await _fill(storage, BOB)
    before = await _user_rows(storage, ALICE, alice_parcels)
    assert all(before.values()), f"fill every per-user table first: {before}"
    bob_before = await _user_rows(storage, BOB, bob_parcels)

    assert await storage.users.delete_everything(ALICE)
    assert not await storage.users.delete_everything(ALICE)

    after = await _user_rows(storage, ALICE, alice_parcels)
    assert after == dict.fromkeys(after, 0)
    assert await _user_rows(storage, BOB, bob_parcels) == bob_before
    assert await storage.users.get(ALICE) is None


# --- parcel answers ---------------------------------------------------------------------------


async def test_answers_round_trip_and_ownership(storage: Storage) -> None:
    parcel = await storage.parcels.add(ALICE, "RB123456789CN")
    assert await storage.answers.get(ALICE, parcel.id) is None
    assert not await storage.answers.update(BOB, parcel.id, timer_over=True)  # not Bob's
    assert await storage.answers.update(
        ALICE,
        parcel.id,
        timer_over=True,
        seller_contacted=False,
        offer_amount=2.5,
        order_finished_on=date(2026, 11, 1),
        asked=("tracking", "price_usd", "tracking"),
    )
    assert await storage.answers.update(ALICE, parcel.id, tracking="stalled", timer_over=None)
    got = await storage.answers.get(ALICE, parcel.id)
    assert got is not None
    assert (got.tracking, got.timer_over, got.seller_contacted, got.offer_amount) == (
        "stalled",
        None,
        False,
        2.5,
    )
    assert got.order_finished_on == date(2026, 11, 1)
    assert got.asked == ("price_usd", "tracking") and got.round_done is False
    assert await storage.answers.get(BOB, parcel.id) is None
    with pytest.raises(ValueError, match="not an answer column"):
        await storage.answers.update(ALICE, parcel.id, status="delivered")


async def test_answers_keep_existing_never_overwrites(storage: Storage) -> None:
    parcel = await storage.parcels.add(ALICE, "RB123456789CN")
    assert await storage.answers.update(ALICE, parcel.id, keep_existing=True, timer_over=True)
    assert not await storage.answers.update(
        ALICE, parcel.id, keep_existing=True, timer_over=False, round_done=True
    )
    got = await storage.answers.get(ALICE, parcel.id)
    assert got is not None and got.timer_over is True and got.round_done is False


async def test_answers_go_with_their_parcel(storage: Storage) -> None:
    parcel = await storage.parcels.add(ALICE, "RB123456789CN")
    await storage.answers.update(ALICE, parcel.id, paid_with_paypal=True)
    assert await storage.parcels.delete(ALICE, parcel.id)
    assert await storage.db.fetchval("SELECT count(*) FROM parcel_answers") == 0


async def test_coach_switch_is_stored_per_user(storage: Storage) -> None:
    alice = await storage.users.get(ALICE)
    assert alice is not None and alice.coach_enabled is True  # on unless turned off
    assert await storage.users.set_coach(ALICE, False)
    alice, bob = await storage.users.get(ALICE), await storage.users.get(BOB)
    assert alice is not None and alice.coach_enabled is False
    assert bob is not None and bob.coach_enabled is True
    assert await storage.users.set_coach(ALICE, True)
    alice = await storage.users.get(ALICE)
    assert alice is not None and alice.coach_enabled is True
    assert not await storage.users.set_coach(999, False)  # unknown user: nothing stored


async def test_archived_parcel_keeps_its_timer_reminders_only_when_asked(storage: Storage) -> None:
    deadline = date(2027, 1, 10)
    ids = []
    for number in ("RB123456785CN", "RB123456790CN", "RR662103942CN"):
        parcel = await storage.parcels.add(ALICE, number)
        await storage.parcels.update_facts(ALICE, parcel.id, protection_deadline=deadline)
        ids.append(parcel.id)
    kept, dropped, active = ids
    assert await storage.parcels.archive(ALICE, kept, keep_timer_reminders=True)
    assert await storage.parcels.archive(ALICE, dropped)
    due = await storage.parcels.protection_due(deadline)
    assert [p.id for p in due] == [kept, active]
    assert [p.keep_timer_reminders for p in due] == [True, False]
    # Past deadlines are left out when ``since`` is given (they would crowd out live ones).
    assert await storage.parcels.protection_due(deadline, since=deadline + timedelta(days=1)) == []
    assert len(await storage.parcels.protection_due(deadline, since=deadline)) == 2
    # Watching it again clears the choice: the next archive asks afresh.
    assert await storage.parcels.unarchive(ALICE, kept)
    fresh = await storage.parcels.get(kept)
    assert fresh is not None and fresh.is_active and fresh.keep_timer_reminders is False
    # The scheduler's fast row reader gives a bool too, as from_row does.
    claimed = await storage.parcels.claim_due(10, now=T0 + 10**6)
    assert claimed and all(p.keep_timer_reminders is False for p in claimed)
