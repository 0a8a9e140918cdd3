"""/forgetme leaves no row of the user in any table; /export sends their parcels as CSV."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date

from bot.ui.userdata import PendingAdd
from storage import NewEvent
from tests.support.app import BotHarness

ME = 424_242_001
OTHER = 424_242_002
NUMBER = "LP00987654321098"
OTHER_NUMBER = "RB123456785CN"


async def _fill(bot: BotHarness, user_id: int, number: str) -> None:
    storage = bot.services.storage
    parcel = await storage.parcels.add(user_id, number, nickname="Зимняя куртка")
    await storage.parcels.update_facts(
        user_id, parcel.id, shipped_on=date(2026, 10, 1), price_amount=42.5, price_currency="USD"
    )
    await storage.events.insert_new(
        parcel.id, [NewEvent("k1", "cainiao", 1_760_000_000, "in_transit", "Shenzhen", "Left")]
    )
    await storage.outbox.enqueue(user_id, "event", {"text": "moved"}, parcel_id=parcel.id)
    await storage.reminders.schedule(user_id, "check", 1_900_000_000, parcel_id=parcel.id)
    # As a handler would leave them (ptb writes a user's data after their update).
    bot.app.user_data[user_id].pending_add = PendingAdd(number)
    bot.app.chat_data[user_id]["seen"] = True
    persistence = bot.app.persistence
    assert persistence is not None
    await persistence.update_user_data(user_id, bot.app.user_data[user_id])
    await persistence.update_chat_data(user_id, bot.app.chat_data[user_id])


def _rows_mentioning(
    db_path: str, user_id: int, number: str, parcel_ids: frozenset[int] = frozenset()
) -> list[tuple[str, tuple[object, ...]]]:
    found = []
    with sqlite3.connect(db_path) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        assert {"users", "parcels", "outbox", "ptb_user_data"} <= set(tables)
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                by_parcel = dict(zip(columns, row, strict=True)).get("parcel_id") in parcel_ids
                if by_parcel:
                    found.append((table, tuple(row)))
                    continue
                for cell in row:
                    if cell == user_id or (
                        isinstance(cell, str | bytes)
                        and (str(user_id) in str(cell) or number in str(cell))
                    ):
                        found.append((table, tuple(row)))
                        break
    return found


async def test_forgetme_removes_every_row_of_the_user(bot: BotHarness) -> None:
    me, other = bot.user(ME), bot.user(OTHER)
    await me.send("/start")
    await other.send("/start")
    await _fill(bot, ME, NUMBER)
    await _fill(bot, OTHER, OTHER_NUMBER)
    db_path = str(bot.settings.db_path)
    mine = await bot.services.storage.parcels.get_by_number(ME, NUMBER)
    assert mine is not None
    ids = frozenset({mine.id})
    mentions = _rows_mentioning(db_path, ME, NUMBER, ids)  # the check does see the data
    assert {"users", "parcels", "tracking_events", "outbox", "reminders"} <= {
        table for table, _ in mentions
    }
    assert {"ptb_user_data", "ptb_chat_data"} <= {table for table, _ in mentions}

    replies = await me.send("/forgetme")
    assert "Delete everything" in replies[-1].text
    await me.press("No, keep my data")
    assert "Nothing was deleted" in me.last_reply().text
    assert await bot.services.storage.users.get(ME) is not None

    await me.send("/forgetme")
    await me.press("Yes, delete everything")
    assert "deleted everything" in me.last_reply().text
    await bot.restart()  # persistence flushed at stop must not write the user back
    assert _rows_mentioning(db_path, ME, NUMBER, ids) == []
    assert ME not in bot.app.user_data and ME not in bot.app.chat_data
    # The other user is untouched.
    assert _rows_mentioning(db_path, OTHER, OTHER_NUMBER)
    assert bot.app.user_data[OTHER].pending_add == PendingAdd(OTHER_NUMBER)
    assert await bot.services.storage.parcels.get_by_number(OTHER, OTHER_NUMBER) is not None


async def test_forgetme_in_russian(bot: BotHarness) -> None:
    me = bot.user(ME, language_code="ru")
    replies = await me.send("/forgetme")
    assert "Удалить всё" in replies[-1].text
    await me.press("Да, удалить всё")
    assert "удалил всё" in me.last_reply().text


async def test_help_says_what_is_stored_and_how_to_remove_it(bot: BotHarness) -> None:
    replies = await bot.user(ME).send("/help")
    text = replies[0].text
    assert "What I store" in text and "/forgetme" in text and "/export" in text


async def test_export_sends_the_parcels_as_csv(bot: BotHarness) -> None:
    me = bot.user(ME)
    await me.send("/start")
    await bot.user(OTHER).send("/start")
    storage = bot.services.storage
    await storage.parcels.add(ME, NUMBER, nickname="Зимняя куртка")
    await storage.parcels.add(ME, "RB000000000CN", nickname="=HYPERLINK(1)")
    await storage.parcels.add(OTHER, OTHER_NUMBER)
    replies = await me.send("/export")
    documents = [m for m in replies if m.document is not None]
    assert len(documents) == 1
    stored = documents[0].document
    assert stored is not None and stored.filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(stored.data.decode("utf-8-sig"))))
    assert [r["Track number"] for r in rows] == [NUMBER, "RB000000000CN"]
    assert rows[0]["Name"] == "Зимняя куртка" and rows[0]["Status"] == "not found yet"
    assert rows[0]["Status code"] == "not_found"  # stable for scripts
    assert rows[1]["Name"] == "'=HYPERLINK(1)"  # inert in a spreadsheet
    assert OTHER_NUMBER not in stored.data.decode("utf-8-sig")
    assert {"Shipped on", "Price", "Dispute status", "Added"} <= set(rows[0])


async def test_export_without_parcels(bot: BotHarness) -> None:
    replies = await bot.user(ME).send("/export")
    assert replies and "nothing to export" in replies[0].text
