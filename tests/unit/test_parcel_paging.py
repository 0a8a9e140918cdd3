"""/list pages come from the database (Parcels.page_for_user), not from slicing every parcel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import Storage

ALICE, BOB = 111, 222


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "bot.sqlite")
    for user in (ALICE, BOB):
        await store.users.upsert_seen(user, user, "en")
    yield store
    await store.close()


async def test_pages_of_the_list_and_of_the_archive(storage: Storage) -> None:
    ids = [(await storage.parcels.add(ALICE, f"LP{n:014d}", now=1000 + n)).id for n in range(12)]
    await storage.parcels.add(BOB, "LP99999999999999")
    for parcel_id in ids[:3]:
        await storage.parcels.archive(ALICE, parcel_id)
    first = await storage.parcels.page_for_user(ALICE, archived=False, page=0, size=4)
    assert (first.active, first.archived, first.pages, first.page) == (9, 3, 3, 0)
    assert [p.id for p in first.items] == ids[:2:-1][:4]  # newest first
    last = await storage.parcels.page_for_user(ALICE, archived=False, page=2, size=4)
    assert [p.id for p in last.items] == [ids[3]]
    archive = await storage.parcels.page_for_user(ALICE, archived=True, page=0, size=4)
    assert [p.id for p in archive.items] == ids[2::-1] and archive.pages == 1


async def test_a_page_past_the_end_is_the_last_page(storage: Storage) -> None:
    for n in range(5):
        await storage.parcels.add(ALICE, f"LP{n:014d}")
    late = await storage.parcels.page_for_user(ALICE, archived=False, page=10**12, size=4)
    assert late.page == 1 and len(late.items) == 1
    early = await storage.parcels.page_for_user(ALICE, archived=False, page=-3, size=4)
    assert early.page == 0 and len(early.items) == 4
    empty = await storage.parcels.page_for_user(BOB, archived=True, page=0, size=4)
    assert (empty.items, empty.pages, empty.active, empty.archived) == ([], 1, 0, 0)
