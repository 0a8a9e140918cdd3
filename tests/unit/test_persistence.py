"""SqlitePersistence through python-telegram-bot's own Application and ConversationHandler.

Telegram itself is the external service here: a tiny ``BaseRequest`` answers ``getMe`` locally.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from telegram import Bot, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CommandHandler,
    ConversationHandler,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData

from storage import Database, Storage
from storage.persistence import SqlitePersistence

ME = {"id": 4242, "is_bot": True, "first_name": "Scout", "username": "scout_bot"}
USER_ID = 777
WAITING_NUMBER = 1


class OfflineTelegram(BaseRequest):
    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        result: Any = ME if url.endswith("/getMe") else True
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def start(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> int:
    assert context.user_data is not None and context.chat_data is not None
    context.user_data["started"] = date(2027, 1, 2)  # not JSON: pickle keeps the type
    context.chat_data["tuple"] = (1, 2)
    context.bot_data["count"] = context.bot_data.get("count", 0) + 1
    return WAITING_NUMBER


async def got_number(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> int:
    assert update.message is not None and context.user_data is not None
    context.user_data["number"] = update.message.text
    return ConversationHandler.END


def build(db: Database, seen: list[str]) -> Application[Any, Any, Any, Any, Any, Any]:
    async def remember(update: Update, context: CallbackContext[Any, Any, Any, Any]) -> int:
        seen.append("number")
        return await got_number(update, context)

    app = (
        ApplicationBuilder()
        .token("4242:TEST")
        .request(OfflineTelegram())
        .get_updates_request(OfflineTelegram())
        .updater(None)
        .persistence(SqlitePersistence(db, update_interval=0.1))
        .build()
    )
    app.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("add", start)],
            states={WAITING_NUMBER: [MessageHandler(filters.TEXT & ~filters.COMMAND, remember)]},
            fallbacks=[],
            name="add_parcel",
            persistent=True,
        )
    )
    return app


def message(bot: Bot, update_id: int, text: str) -> Update:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text)}] if text[0] == "/" else []
    data = {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_800_000_000,
            "chat": {"id": USER_ID, "type": "private", "first_name": "A"},
            "from": {"id": USER_ID, "is_bot": False, "first_name": "A"},
            "text": text,
            "entities": entities,
        },
    }
    return Update.de_json(data, bot)


async def test_conversation_and_data_survive_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite"
    seen: list[str] = []

    db = await Database.open(path)
    app = build(db, seen)
    await app.initialize()
    await app.process_update(message(app.bot, 1, "/add"))
    await app.shutdown()  # flushes persistence
    await db.close()

    db = await Database.open(path)
    try:
        rows = await db.fetchall("SELECT name, key FROM ptb_conversations")
        assert [tuple(r) for r in rows] == [("add_parcel", json.dumps([USER_ID, USER_ID]))]
        app = build(db, seen)
        await app.initialize()
        assert app.user_data[USER_ID]["started"] == date(2027, 1, 2)
        assert app.chat_data[USER_ID]["tuple"] == (1, 2)
        assert app.bot_data["count"] == 1
        # The conversation resumes in WAITING_NUMBER: plain text reaches the state handler.
        await app.process_update(message(app.bot, 2, "RB123456789CN"))
        assert seen == ["number"]
        await app.shutdown()
        # The ended conversation is gone, the answer is stored.
        assert await db.fetchall("SELECT * FROM ptb_conversations") == []
        persistence = SqlitePersistence(db)
        user_data = await persistence.get_user_data()
        assert user_data[USER_ID]["number"] == "RB123456789CN"
    finally:
        await db.close()


async def test_direct_api_roundtrip_drop_and_delete_everything(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite"
    storage = await Storage.open(path)
    p = SqlitePersistence(storage.db, update_interval=5)
    assert p.update_interval == 5
    assert await p.get_user_data() == {}
    assert await p.get_chat_data() == {}
    assert await p.get_bot_data() == {}
    assert await p.get_callback_data() is None
    assert await p.get_conversations("x") == {}

    await p.update_user_data(1, {"a": {1, 2}})
    await p.update_user_data(2, {"b": 2})
    await p.update_chat_data(-100, {"c": 3})
    await p.update_bot_data({"d": 4})
    callback_data: Any = ([("uuid", 1.5, {"btn": ("x", 1)})], {"cq": "uuid"})
    await p.update_callback_data(callback_data)
    await p.update_conversation("x", (1, 1), "STATE")
    await p.update_conversation("x", (2, 2, 99), 3)
    await p.update_conversation("y", (1,), 0)
    await p.flush()
    await storage.close()

    storage = await Storage.open(path)
    p = SqlitePersistence(storage.db)
    try:
        assert await p.get_user_data() == {1: {"a": {1, 2}}, 2: {"b": 2}}
        assert await p.get_chat_data() == {-100: {"c": 3}}
        assert await p.get_bot_data() == {"d": 4}
        assert await p.get_callback_data() == callback_data
        assert await p.get_conversations("x") == {(1, 1): "STATE", (2, 2, 99): 3}
        await p.update_conversation("x", (1, 1), None)
        assert await p.get_conversations("x") == {(2, 2, 99): 3}

        await p.drop_user_data(2)
        await p.drop_chat_data(-100)
        assert await p.get_user_data() == {1: {"a": {1, 2}}}
        assert await p.get_chat_data() == {}
        await p.refresh_user_data(1, {})
        await p.refresh_chat_data(1, {})
        await p.refresh_bot_data({})

        # Forgetting a user removes their persistence rows too.
        await storage.users.upsert_seen(1, 1, "en")
        await storage.users.delete_everything(1)
        assert await p.get_user_data() == {}
        assert await p.get_conversations("x") == {(2, 2, 99): 3}
        assert await p.get_conversations("y") == {}
        # A dropped user's data written again is stored again (the skip cache was cleared).
        await p.update_user_data(2, {"b": 2})
        assert await p.get_user_data() == {2: {"b": 2}}
    finally:
        await storage.close()


async def test_bot_references_are_not_pickled(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "bot.sqlite")
    try:
        bot = ExtBot("4242:TEST", request=OfflineTelegram())
        p = SqlitePersistence(db)
        p.set_bot(bot)
        await p.update_bot_data({"bot": bot})
        assert (await p.get_bot_data())["bot"] is bot
    finally:
        await db.close()
