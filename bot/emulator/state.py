"""The emulator's state: constants, chats, and the base every part of BotApiEmulator builds on.

`EmulatorState` holds all data (set up in its `__init__`) and the few helpers that the Bot API
methods (`bot.emulator.methods`), the test controls (`bot.emulator.controls`) and the HTTP
server (`bot.emulator.server`) all use.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.emulator.models import (
    CallbackAnswer,
    FailureRule,
    RecordedRequest,
    StoredFile,
    StoredMessage,
)
from bot.emulator.ratelimit import RateLimiter, RateLimitPolicy

if TYPE_CHECKING:
    import aiohttp
    from aiohttp import web

    from bot.emulator.users import SimulatedUser

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_USERNAME",
    "DEFAULT_DESCRIPTIONS",
    "DEFAULT_TOKEN",
    "LOG_ENV_VAR",
    "SUPPORTED_METHODS",
    "ChatState",
    "EmulatorState",
    "JsonDict",
    "group_info",
]

JsonDict = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST"
BOT_USERNAME = "parcel_scout_bot"
BOT_FIRST_NAME = "Parcel Scout"
LOG_ENV_VAR = "PARCEL_SCOUT_EMULATOR_LOG"

SUPPORTED_METHODS: Mapping[str, tuple[str, ...]] = {
    "getMe": (),
    "getUpdates": (),
    "setWebhook": ("url",),
    "deleteWebhook": (),
    "getWebhookInfo": (),
    "setMyCommands": ("commands",),
    "getMyCommands": (),
    "deleteMyCommands": (),
    "sendMessage": ("chat_id", "text"),
    "editMessageText": (),  # text is required unless rich_message, which is not emulated
    "editMessageReplyMarkup": (),
    "answerCallbackQuery": ("callback_query_id",),
    "sendChatAction": ("chat_id", "action"),
    "deleteMessage": ("chat_id", "message_id"),
    "sendDocument": ("chat_id", "document"),
    "sendPhoto": ("chat_id", "photo"),
    "getFile": ("file_id",),
    "close": (),
    "logOut": (),
}
"""Every implemented method with the parameters the emulator requires (the Bot API's own)."""

DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
"""The description Telegram gives with each error status (used by fail_next and getUpdates)."""


@dataclass
class ChatState:
    """A chat as the emulator knows it: its Chat object and every message, in order."""

    info: JsonDict
    messages: list[StoredMessage] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)
    last_message_id: int = 0

    @property
    def id(self) -> int:
        return int(self.info["id"])

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def find(self, message_id: int) -> StoredMessage | None:
        for message in self.messages:
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def bot_messages(self) -> list[StoredMessage]:
        return [m for m in self.messages if m.from_bot and not m.deleted]


def group_info(chat_id: int, title: str | None = None) -> JsonDict:
    """The Chat object of a group; an id starting -100 is a supergroup, as in Telegram."""
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "type": kind, "title": title or f"Chat {chat_id}"}


class EmulatorState:
    """The data of a BotApiEmulator and the helpers its parts share."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        log_path: str | os.PathLike[str] | None = None,
        quiet_period: float = 0.03,
        settle_timeout: float = 10.0,
        rate_limit: bool | RateLimitPolicy = False,
        strict_chats: bool = False,
        bot_username: str = BOT_USERNAME,
        bot_first_name: str = BOT_FIRST_NAME,
        webhook_retry_delay: float = 0.1,
    ) -> None:
        self.token = token
        self.host = host
        self.port = port
        env_log = os.environ.get(LOG_ENV_VAR)
        self.log_path: Path | None = (
            Path(log_path) if log_path is not None else Path(env_log) if env_log else None
        )
        self.quiet_period = quiet_period
        self.settle_timeout = settle_timeout
        self.strict_chats = strict_chats
        """When true, sending to a chat no simulated user opened gives "chat not found"."""
        self.webhook_retry_delay = webhook_retry_delay
        self.settle_hook: Callable[[], Awaitable[None]] | None = None
        """Awaited by send/press after the update was acknowledged (e.g. update_queue.join)."""
        self.rate_limiter: RateLimiter | None = None
        if rate_limit:
            policy = rate_limit if isinstance(rate_limit, RateLimitPolicy) else RateLimitPolicy()
            self.rate_limiter = RateLimiter(policy)
        self.too_many_requests_count = 0
        """How many 429 answers were given (injected or from the rate limit mode)."""

        prefix = token.split(":", 1)[0]
        self.bot_user: JsonDict = {
            "id": int(prefix) if prefix.isdigit() else 123456,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.requests: list[RecordedRequest] = []
        self.chats: dict[int, ChatState] = {}
        self.users: dict[int, SimulatedUser] = {}
        self.files: dict[str, StoredFile] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.failures: list[FailureRule] = []
        self.my_commands: dict[tuple[str, str], list[JsonDict]] = {}
        """setMyCommands results keyed by (scope as sorted JSON, language_code)."""
        self.webhook_url = ""
        self.webhook_secret_token: str | None = None
        self.webhook_max_connections = 40
        self.webhook_last_error: tuple[int, str] | None = None

        self._pending: list[JsonDict] = []
        self._acks: dict[int, asyncio.Event] = {}
        self._last_update_id = 0
        self._poll_generation = 0
        self._allowed_updates: list[str] = []
        self._callback_queries: dict[str, int] = {}  # query id -> user id
        self._last_query_id = 0
        self._last_file_id = 0
        self._wakeup = asyncio.Event()
        self._inflight = 0
        self._last_activity = time.monotonic()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self._delivery: asyncio.Task[None] | None = None

    def chat(self, chat_id: int) -> ChatState:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise KeyError(f"the emulator knows no chat {chat_id}")
        return chat

    def _wake(self) -> None:
        """Wake whoever waits for new updates (a long poll, the webhook delivery)."""
        self._wakeup.set()
        self._wakeup = asyncio.Event()
