"""python-telegram-bot persistence in the bot's own SQLite database.

Why pickle rather than JSON: ptb stores arbitrary Python objects here — ``callback_data`` keeps the
objects behind arbitrary inline buttons, user/chat data may hold dates, sets or tuples, and
conversation states may be any hashable. JSON would silently turn tuples into lists and int keys
into strings. ``PicklePersistence`` makes the same choice. The database file is written only by this
process and is as trusted as the code itself; never load a database from elsewhere.

Bot instances inside the data are replaced by a reference on save and by the running bot on load,
as ``PicklePersistence`` does.

Writes go straight to SQLite when the Application calls ``update_*`` (every ``update_interval``
seconds and at shutdown), skipping values whose pickle did not change since the last write;
``flush`` therefore has nothing left to do. One process owns the data, so ``refresh_*`` are no-ops.
"""

from __future__ import annotations

import io
import json
import pickle
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from telegram import Bot
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from storage.db import Database

_BOT_REF = "parcel-scout:bot"

ChatData = dict[Any, Any]
BotData = dict[Any, Any]
UD = TypeVar("UD")


class _Pickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)

    def persistent_id(self, obj: object) -> str | None:
        return _BOT_REF if isinstance(obj, Bot) else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, bot: Bot | None, file: io.BytesIO) -> None:
        super().__init__(file)
        self._bot = bot

    def persistent_load(self, pid: Any) -> Any:
        if pid == _BOT_REF:
            return self._bot
        raise pickle.UnpicklingError(f"unknown persistent id {pid!r}")


class SqlitePersistence(BasePersistence[UD, ChatData, BotData], Generic[UD]):
    """``BasePersistence`` on the ``ptb_*`` tables of ``db`` (opened on first use if needed).

    User data is stored as what ``dump_user_data`` returns and read back through
    ``load_user_data``: the application's typed record goes to disk as plain builtins, so a
    renamed class never makes stored data unreadable.
    """

    def __init__(
        self,
        db: Database,
        *,
        load_user_data: Callable[[Any], UD] | None = None,
        dump_user_data: Callable[[UD], Any] | None = None,
        store_data: PersistenceInput | None = None,
        update_interval: float = 60,
    ) -> None:
        super().__init__(store_data=store_data, update_interval=update_interval)
        self.db = db
        # Without converters user data is stored as it is (a dict, ptb's default).
        self._load_user: Callable[[Any], UD] = load_user_data or (lambda raw: raw)
        self._dump_user: Callable[[UD], Any] = dump_user_data or (lambda data: data)
        # Last pickle written per row: lets update_* skip unchanged data (ptb sends bot_data and
        # callback_data on every flush whether they changed or not).
        self._written: dict[tuple[str, str], bytes] = {}

    # --- serialisation ---

    def _dumps(self, value: object) -> bytes:
        buffer = io.BytesIO()
        _Pickler(buffer).dump(value)
        return buffer.getvalue()

    def _loads(self, blob: bytes) -> Any:
        return _Unpickler(self.bot, io.BytesIO(blob)).load()

    async def _upsert(self, table: str, key_column: str, key: Any, value: object) -> None:
        blob = self._dumps(value)
        cache_key = (table, json.dumps(key))
        if self._written.get(cache_key) == blob:
            return
        await self.db.execute(
            f"INSERT INTO {table} ({key_column}, data, updated_at) VALUES (?, ?, ?) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET "
            "data = excluded.data, updated_at = excluded.updated_at",
            (key, blob, int(time.time())),
        )
        self._written[cache_key] = blob

    async def _load_map(self, table: str, key_column: str) -> dict[int, Any]:
        rows = await self.db.fetchall(f"SELECT {key_column}, data FROM {table}")
        result: dict[int, Any] = {}
        for row in rows:
            key, blob = int(row[0]), bytes(row[1])
            self._written[(table, json.dumps(key))] = blob
            result[key] = self._loads(blob)
        return result

    async def _load_single(self, table: str) -> Any:
        row = await self.db.fetchone(f"SELECT data FROM {table} WHERE id = 1")
        if row is None:
            return None
        blob = bytes(row[0])
        self._written[(table, json.dumps(1))] = blob
        return self._loads(blob)

    # --- user / chat / bot data ---

    async def get_user_data(self) -> dict[int, UD]:
        raw = await self._load_map("ptb_user_data", "user_id")
        return {user_id: self._load_user(value) for user_id, value in raw.items()}

    async def get_chat_data(self) -> dict[int, ChatData]:
        return await self._load_map("ptb_chat_data", "chat_id")

    async def get_bot_data(self) -> BotData:
        data = await self._load_single("ptb_bot_data")
        return {} if data is None else data

    async def update_user_data(self, user_id: int, data: UD) -> None:
        await self._upsert("ptb_user_data", "user_id", user_id, self._dump_user(data))

    async def update_chat_data(self, chat_id: int, data: ChatData) -> None:
        await self._upsert("ptb_chat_data", "chat_id", chat_id, data)

    async def update_bot_data(self, data: BotData) -> None:
        await self._upsert("ptb_bot_data", "id", 1, data)

    async def drop_user_data(self, user_id: int) -> None:
        self._written.pop(("ptb_user_data", json.dumps(user_id)), None)
        await self.db.execute("DELETE FROM ptb_user_data WHERE user_id = ?", (user_id,))

    async def drop_chat_data(self, chat_id: int) -> None:
        self._written.pop(("ptb_chat_data", json.dumps(chat_id)), None)
        await self.db.execute("DELETE FROM ptb_chat_data WHERE chat_id = ?", (chat_id,))

    async def refresh_user_data(self, user_id: int, user_data: UD) -> None:
        """Nothing to do: this process is the only writer."""

    async def refresh_chat_data(self, chat_id: int, chat_data: ChatData) -> None:
        """Nothing to do: this process is the only writer."""

    async def refresh_bot_data(self, bot_data: BotData) -> None:
        """Nothing to do: this process is the only writer."""

    # --- callback data ---

    async def get_callback_data(self) -> CDCData | None:
        return await self._load_single("ptb_callback_data")  # type: ignore[no-any-return]

    async def update_callback_data(self, data: CDCData) -> None:
        await self._upsert("ptb_callback_data", "id", 1, data)

    # --- conversations ---

    async def get_conversations(self, name: str) -> ConversationDict:
        rows = await self.db.fetchall(
            "SELECT key, state FROM ptb_conversations WHERE name = ?", (name,)
        )
        return {tuple(json.loads(row[0])): self._loads(bytes(row[1])) for row in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        encoded_key = json.dumps(list(key))
        if new_state is None:
            await self.db.execute(
                "DELETE FROM ptb_conversations WHERE name = ? AND key = ?", (name, encoded_key)
            )
            return
        await self.db.execute(
            "INSERT INTO ptb_conversations (name, key, state, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (name, key) DO UPDATE SET "
            "state = excluded.state, updated_at = excluded.updated_at",
            (name, encoded_key, self._dumps(new_state), int(time.time())),
        )

    async def flush(self) -> None:
        """Every update_* already reached the database; nothing is buffered here."""
