"""The HTTP server: routing, request decoding, failure injection and the Bot API methods."""

from __future__ import annotations

import asyncio
import io
import json
import mimetypes
import os
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web
from PIL import Image

from bot.emulator.models import (
    ApiError,
    CallbackAnswer,
    FailureRule,
    RecordedRequest,
    StoredFile,
    StoredMessage,
    UploadedFile,
)
from bot.emulator.params import (
    bad_request,
    decode_params,
    format_text,
    jsonable,
    validate_reply_markup,
)
from bot.emulator.ratelimit import RateLimiter, RateLimitPolicy
from bot.emulator.users import SimulatedUser

__all__ = [
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "LOG_ENV_VAR",
    "SUPPORTED_METHODS",
    "BotApiEmulator",
    "ChatState",
]

JsonDict = dict[str, Any]
Handler = Callable[[JsonDict], Awaitable[Any]]

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

# Methods that send a message and therefore count against Telegram's flood limits.
_MESSAGE_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
PHOTO_MAX_BYTES = 10 * 1024 * 1024  # sendPhoto: at most 10 MB, width + height at most 10000,
PHOTO_MAX_SUM = 10_000  # and a side ratio of at most 20 (the Bot API's words)
PHOTO_MAX_RATIO = 20
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
# allowed_updates=[] means "all types except these", as in Telegram.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


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


def _describe(message: StoredMessage) -> str:
    label = f"#{message.message_id}"
    body = message.text
    if message.document is not None:
        body = f"[document {message.document.filename}, {len(message.document.data)} bytes] {body}"
    if message.buttons:
        body += "  " + " / ".join(" | ".join(f"[{b}]" for b in row) for row in message.buttons)
    return f"{label}: {body}"


def _update_type(update: JsonDict) -> str:
    return next((key for key in update if key != "update_id"), "")


class BotApiEmulator:
    """A local Telegram Bot API server for tests and the local chat mode.

    See the package docstring of `bot.emulator` for the whole picture.
    """

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

        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "deleteMessage": self._delete_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "getFile": self._get_file,
            "close": self._true,
            "logOut": self._true,
        }
        self._canonical = {name.lower(): name for name in self._handlers}
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

    # ----------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._closing = False
        self._wakeup = asyncio.Event()
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        self._closing = True
        self._wake()
        await self._stop_delivery()
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """For ApplicationBuilder().base_url(): python-telegram-bot appends token and method."""
        return f"http://{self.host}:{self._started_port()}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self._started_port()}/file/bot"

    def _started_port(self) -> int:
        if self._runner is None:
            raise RuntimeError("BotApiEmulator is not started; await start() first")
        return self.port

    # ----------------------------------------------------------------- test API

    def user(
        self,
        *,
        user_id: int = 1001,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SimulatedUser:
        """The simulated user with this id (created on first use); its private chat id = user_id."""
        user = self.users.get(user_id)
        if user is None:
            user = SimulatedUser(
                self,
                user_id=user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
            self.users[user_id] = user
            existing = self.chats.get(user_id)
            if existing is None:
                self.chats[user_id] = ChatState(info=user.chat_dict)
            else:
                existing.info = user.chat_dict
        return user

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = 429,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: int | str | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> FailureRule:
        """Make the next `times` calls of `method` ("*" = any) fail like Telegram would.

        status 429 answers "Too Many Requests: retry after N" with parameters.retry_after
        (default 1); 403 "Forbidden: bot was blocked by the user"; 400 "Bad Request: chat not
        found"; 500/502 server errors; any other status with `description`. `delay` seconds are
        waited before answering; status=None only delays. With `chat_id` only calls for that
        chat match.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            elif status is None:
                description = ""
            else:
                description = _DEFAULT_DESCRIPTIONS.get(status) or HTTPStatus(status).phrase
        rule = FailureRule(
            method=method.lower(),
            status=status,
            description=description,
            retry_after=retry_after,
            chat_id=chat_id,
            times=times,
            delay=delay,
        )
        self.failures.append(rule)
        return rule

    def delay_next(
        self, method: str, seconds: float, *, chat_id: int | str | None = None, times: int = 1
    ) -> FailureRule:
        """Answer the next `times` calls of `method` normally but only after `seconds`."""
        return self.fail_next(method, status=None, chat_id=chat_id, times=times, delay=seconds)

    def clear_failures(self) -> None:
        self.failures.clear()

    def calls(self, method: str) -> list[JsonDict]:
        """Decoded params of every recorded call of `method` (case-insensitive)."""
        return [r.params for r in self.requests if r.method.lower() == method.lower()]

    def get_commands(
        self, scope: str | JsonDict | None = None, language_code: str = ""
    ) -> list[JsonDict] | None:
        """Commands set for a scope ("default", "all_private_chats", or a scope dict)."""
        if scope is None:
            scope = "default"
        if isinstance(scope, str):
            scope = {"type": scope}
        return self.my_commands.get((json.dumps(scope, sort_keys=True), language_code))

    def group(self, chat_id: int, *, title: str | None = None) -> ChatState:
        """The group (or, for an id starting -100, supergroup) `chat_id`, created on first use."""
        if chat_id >= 0:
            raise ValueError(f"group and channel ids are negative, not {chat_id}")
        chat = self.chats.get(chat_id)
        if chat is None:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            info: JsonDict = {"id": chat_id, "type": kind, "title": title or f"Chat {chat_id}"}
            chat = self.chats[chat_id] = ChatState(info=info)
        return chat

    def channel(self, chat_id: int, *, title: str | None = None) -> ChatState:
        """The channel `chat_id` (negative), created on first use."""
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_id >= 0:
                raise ValueError(f"channel ids are negative, not {chat_id}")
            info: JsonDict = {
                "id": chat_id,
                "type": "channel",
                "title": title or f"Channel {chat_id}",
            }
            chat = self.chats[chat_id] = ChatState(info=info)
        return chat

    async def post_in_channel(
        self, chat_id: int, text: str, *, edit: int | None = None
    ) -> list[StoredMessage]:
        """A post in channel `chat_id` (a channel_post update; with `edit`, that post edited:
        an edited_channel_post). Channel posts have no sender, only sender_chat. Returns the bot
        messages sent to the channel meanwhile."""
        chat = self.channel(chat_id)
        mark = chat.last_message_id
        if edit is None:
            message_id, kind = chat.next_message_id(), "channel_post"
        else:
            message_id, kind = edit, "edited_channel_post"
        post: JsonDict = {
            "message_id": message_id,
            "sender_chat": dict(chat.info),
            "chat": dict(chat.info),
            "date": int(time.time()),
            "text": text,
        }
        if edit is not None:
            post["edit_date"] = int(time.time())
        chat.transcript.append(f"channel: {text}")
        await self.deliver({kind: post}, f"a {kind} in {chat_id}")
        return [m for m in chat.bot_messages() if m.message_id > mark]

    async def deliver(self, update: JsonDict, what: str = "an update") -> int:
        """Queue any raw update (without update_id) and wait until the bot has settled."""
        update_id = self.enqueue_update(update)
        await self.settle(update_id, what)
        return update_id

    def chat(self, chat_id: int) -> ChatState:
        chat = self.chats.get(chat_id)
        if chat is None:
            raise KeyError(f"the emulator knows no chat {chat_id}")
        return chat

    def enqueue_update(self, update: JsonDict) -> int:
        """Queue an update (update_id is assigned) for getUpdates or webhook delivery."""
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, **update}
        self._pending.append(update)
        self._acks[self._last_update_id] = asyncio.Event()
        self._wake()
        return self._last_update_id

    @property
    def pending_updates(self) -> list[JsonDict]:
        return list(self._pending)

    async def settle(self, update_id: int | None = None, what: str = "settle()") -> None:
        """Wait for the acknowledgement of `update_id`, then settle_hook, then a quiet period.

        Raises AssertionError naming the stage that did not finish within settle_timeout.
        """
        stage = what
        try:
            async with asyncio.timeout(self.settle_timeout):
                if update_id is not None and update_id in self._acks:
                    stage = (
                        f"the bot to acknowledge update {update_id} ({what}): a getUpdates "
                        f"with offset > {update_id} or the webhook answering it"
                    )
                    await self._acks[update_id].wait()
                    del self._acks[update_id]
                if self.settle_hook is not None:
                    stage = f"settle_hook to return after {what}"
                    await self.settle_hook()
                stage = (
                    f"{self.quiet_period * 1000:.0f} ms without bot requests after {what} "
                    f"({self._inflight} request(s) in flight)"
                )
                await self._quiet()
        except TimeoutError:
            raise AssertionError(
                f"BotApiEmulator: timed out after {self.settle_timeout} s waiting for {stage}"
            ) from None

    async def _quiet(self) -> None:
        while True:
            if self._inflight == 0:
                idle = time.monotonic() - self._last_activity
                if idle >= self.quiet_period:
                    return
                await asyncio.sleep(self.quiet_period - idle)
            else:
                await asyncio.sleep(max(self.quiet_period / 3, 0.002))

    def register_callback_query(self, user_id: int) -> str:
        self._last_query_id += 1
        query_id = str(4_000_000_000 + self._last_query_id)
        self._callback_queries[query_id] = user_id
        return query_id

    @property
    def unanswered_callback_queries(self) -> list[str]:
        return list(self._callback_queries)

    # ----------------------------------------------------------------- HTTP plumbing

    def _wake(self) -> None:
        self._wakeup.set()
        self._wakeup = asyncio.Event()

    def _touch(self) -> None:
        self._last_activity = time.monotonic()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type=stored.mime_type)
        return web.json_response(ApiError(404, "Not Found").payload(), status=404)

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        canonical = self._canonical.get(name.lower())
        # A long poll is always pending; it is not "the bot doing something".
        tracked = canonical != "getUpdates"
        if tracked:
            self._inflight += 1
            self._touch()
        try:
            try:
                result = await self._answer(request, canonical or name, canonical is not None)
            except ApiError as error:
                if error.status == 429:
                    self.too_many_requests_count += 1
                return web.json_response(error.payload(), status=error.status)
            return web.json_response({"ok": True, "result": result})
        finally:
            if tracked:
                self._inflight -= 1
                self._touch()

    async def _read_params(self, request: web.Request) -> JsonDict:
        pairs: list[tuple[str, Any]] = list(request.query.items())
        files: dict[str, UploadedFile] = {}
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise bad_request("can't parse JSON request body") from None
                if not isinstance(body, dict):
                    raise bad_request("JSON request body must be an object")
                pairs.extend(body.items())
            elif request.content_type in (
                "application/x-www-form-urlencoded",
                "multipart/form-data",
            ):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        upload = UploadedFile(
                            filename=value.filename,
                            data=value.file.read(),
                            content_type=value.content_type,
                        )
                        files[key] = upload
                        pairs.append((key, upload))
                    elif isinstance(value, bytes):
                        pairs.append((key, value.decode("utf-8")))
                    else:
                        pairs.append((key, value))
        return decode_params(pairs, files)

    async def _answer(self, request: web.Request, method: str, known: bool) -> Any:
        try:
            params = await self._read_params(request)
        except ApiError:
            self._record(method, {}, request.method)
            raise
        self._record(method, params, request.method)
        if request.match_info["token"] != self.token:
            raise ApiError(401, "Unauthorized")
        if not known:
            raise ApiError(404, "Not Found: method not found")
        try:
            await self._inject_failure(method, params)
            for name in SUPPORTED_METHODS[method]:
                if params.get(name) in (None, ""):
                    raise bad_request(
                        "message text is empty" if name == "text" else f"{name} is empty"
                    )
            if self.rate_limiter is not None and method in _MESSAGE_METHODS:
                retry_after = self.rate_limiter.acquire(params["chat_id"])
                if retry_after is not None:
                    raise ApiError(
                        429,
                        f"Too Many Requests: retry after {retry_after}",
                        {"retry_after": retry_after},
                    )
            return await self._handlers[method](params)
        except ApiError as error:
            chat = self.chats.get(params.get("chat_id"))  # type: ignore[arg-type]
            if chat is not None:
                chat.transcript.append(f"!! {method} failed: {error.description}")
            raise

    async def _inject_failure(self, method: str, params: JsonDict) -> None:
        rule = next((r for r in self.failures if r.matches(method, params)), None)
        if rule is None:
            return
        rule.times -= 1
        if rule.times <= 0:
            self.failures.remove(rule)
        if rule.delay > 0:
            await asyncio.sleep(rule.delay)
        if rule.status is not None:
            parameters = {"retry_after": rule.retry_after} if rule.retry_after else None
            raise ApiError(rule.status, rule.description, parameters)

    def _record(self, method: str, params: JsonDict, http_method: str) -> None:
        self.requests.append(RecordedRequest(method, params, time.monotonic(), http_method))
        if self.log_path is not None:
            line = json.dumps(
                {"method": method, "params": jsonable(params)}, ensure_ascii=False, default=str
            )
            with self.log_path.open("a", encoding="utf-8") as log:
                log.write(line + "\n")

    # ----------------------------------------------------------------- chats & messages

    def _resolve_chat(self, chat_id: Any) -> ChatState:
        if isinstance(chat_id, str):
            username = chat_id.removeprefix("@")
            for user in self.users.values():
                if user.username == username:
                    chat_id = user.id
                    break
            else:
                raise bad_request("chat not found")
        chat = self.chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise bad_request("chat not found")
            if chat_id > 0:
                info: JsonDict = {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
            else:
                kind = "supergroup" if str(chat_id).startswith("-100") else "group"
                info = {"id": chat_id, "type": kind, "title": f"Chat {chat_id}"}
            chat = self.chats[chat_id] = ChatState(info=info)
        owner = self.users.get(chat.id)
        if owner is not None and owner.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _message_to_edit(self, params: JsonDict) -> StoredMessage:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        if params.get("chat_id") is None:
            raise bad_request("chat_id is empty")
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        message = self._resolve_chat(params["chat_id"]).find(params["message_id"])
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _reply_target(self, chat: ChatState, params: JsonDict) -> StoredMessage | None:
        reply = params.get("reply_parameters")
        target_id = reply.get("message_id") if isinstance(reply, dict) else None
        target_id = target_id or params.get("reply_to_message_id")
        if target_id is None:
            return None
        target = chat.find(int(target_id))
        allow = params.get("allow_sending_without_reply") or (
            isinstance(reply, dict) and reply.get("allow_sending_without_reply")
        )
        if target is None and not allow:
            raise bad_request("message to be replied not found")
        return target

    def _store(self, chat: ChatState, message: StoredMessage) -> JsonDict:
        chat.messages.append(message)
        chat.transcript.append(f"bot {_describe(message)}")
        return message.raw

    @staticmethod
    def _check_text(text: str) -> None:
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > 4096:
            raise bad_request("message is too long")

    # ----------------------------------------------------------------- methods

    async def _true(self, params: JsonDict) -> bool:
        return True

    async def _get_me(self, params: JsonDict) -> JsonDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _allowed(self, update: JsonDict) -> bool:
        kind = _update_type(update)
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in _OPT_IN_UPDATES

    def _acknowledge(self, update: JsonDict) -> None:
        event = self._acks.get(update["update_id"])
        if event is not None:
            event.set()

    def _drop_pending(self, before: int | None = None) -> None:
        keep: list[JsonDict] = []
        for update in self._pending:
            if before is None or update["update_id"] < before:
                self._acknowledge(update)
            else:
                keep.append(update)
        self._pending = keep

    def _deliverable(self) -> list[JsonDict]:
        ready: list[JsonDict] = []
        for update in list(self._pending):
            if self._allowed(update):
                ready.append(update)
            else:
                self._pending.remove(update)
                self._acknowledge(update)
        return ready

    async def _get_updates(self, params: JsonDict) -> list[JsonDict]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = params.get("offset")
        if offset:
            if offset > 0:
                self._drop_pending(before=offset)
            else:
                for update in self._pending[:offset]:
                    self._acknowledge(update)
                self._pending = self._pending[offset:]
        limit = min(max(params.get("limit") or 100, 1), 100)
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self._allowed_updates = [str(a) for a in allowed] if isinstance(allowed, list) else []
        timeout = max(params.get("timeout") or 0, 0)
        # Like Telegram, a newer getUpdates terminates a pending one (two bot instances conflict).
        self._poll_generation += 1
        generation = self._poll_generation
        self._wake()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(409, _DEFAULT_DESCRIPTIONS[409])
            ready = self._deliverable()
            remaining = deadline - loop.time()
            if ready or remaining <= 0 or self._closing or self.webhook_url:
                return ready[:limit]
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), remaining)

    async def _set_webhook(self, params: JsonDict) -> bool:
        url = str(params.get("url") or "")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise bad_request("secret token contains unallowed characters")
        if url and not re.match(r"https?://", url):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        if params.get("drop_pending_updates"):
            self._drop_pending()
        if "allowed_updates" in params and isinstance(params["allowed_updates"], list):
            self._allowed_updates = [str(a) for a in params["allowed_updates"]]
        await self._stop_delivery()
        self.webhook_url = url
        self.webhook_secret_token = str(secret) if secret else None
        self.webhook_max_connections = int(params.get("max_connections") or 40)
        self.webhook_last_error = None
        if url:
            self._delivery = asyncio.create_task(self._deliver_webhooks())
        self._wake()
        return True

    async def _delete_webhook(self, params: JsonDict) -> bool:
        await self._stop_delivery()
        self.webhook_url = ""
        self.webhook_secret_token = None
        if params.get("drop_pending_updates"):
            self._drop_pending()
        return True

    async def _get_webhook_info(self, params: JsonDict) -> JsonDict:
        info: JsonDict = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
        if self.webhook_last_error is not None:
            info["last_error_date"], info["last_error_message"] = self.webhook_last_error
        return info

    async def _stop_delivery(self) -> None:
        task, self._delivery = self._delivery, None
        if task is not None:
            task.cancel()
            with suppress(asyncio.CancelledError):
                await task

    async def _deliver_webhooks(self) -> None:
        """POST pending updates one by one to the webhook; an update is done on a 2xx answer."""
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret_token
        while not self._closing:
            ready = self._deliverable()
            if not ready:
                wakeup = self._wakeup
                await wakeup.wait()
                continue
            update = ready[0]
            try:
                async with self._session.post(
                    self.webhook_url,
                    data=json.dumps(update),
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=60),
                ) as response:
                    await response.read()
                    ok = 200 <= response.status < 300
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except aiohttp.ClientError as exc:
                ok, error = False, f"Connection failed: {exc}"
            if ok:
                if update in self._pending:
                    self._pending.remove(update)
                self._acknowledge(update)
            else:
                self.webhook_last_error = (int(time.time()), error)
                await asyncio.sleep(self.webhook_retry_delay)

    async def _set_my_commands(self, params: JsonDict) -> bool:
        commands = params["commands"]
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be an Array of at most 100 BotCommand")
        checked: list[JsonDict] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand: Object expected")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not _COMMAND.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("command description is empty or longer than 256 characters")
            checked.append({"command": name, "description": description})
        key = self._commands_key(params)
        if checked:
            self.my_commands[key] = checked
        else:
            self.my_commands.pop(key, None)
        return True

    def _commands_key(self, params: JsonDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise bad_request("can't parse BotCommandScope: wrong type")
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            self._resolve_chat(scope.get("chat_id"))
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language_code specified")
        return json.dumps(scope, sort_keys=True), language

    async def _get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return list(self.my_commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JsonDict) -> bool:
        self.my_commands.pop(self._commands_key(params), None)
        return True

    async def _send_message(self, params: JsonDict) -> JsonDict:
        chat = self._resolve_chat(params["chat_id"])
        text, entities, mode = format_text(
            str(params["text"]), params.get("parse_mode"), params.get("entities")
        )
        self._check_text(text)
        markup = validate_reply_markup(params.get("reply_markup"))
        message = StoredMessage(
            chat=chat.info,
            message_id=chat.next_message_id(),
            date=int(time.time()),
            sender=self.bot_user,
            from_bot=True,
            text=text,
            entities=entities,
            parse_mode=mode,
            reply_markup=markup,
            reply_to=self._reply_target(chat, params),
        )
        return self._store(chat, message)

    async def _edit_message_text(self, params: JsonDict) -> JsonDict:
        message = self._message_to_edit(params)
        if message.document is not None:
            raise bad_request("there is no text in the message to edit")
        if params.get("rich_message") is not None:
            raise bad_request("rich_message is not supported by the emulator")
        if params.get("text") in (None, ""):
            raise bad_request("message text is empty")
        text, entities, mode = format_text(
            str(params["text"]), params.get("parse_mode"), params.get("entities")
        )
        self._check_text(text)
        markup = self._inline_markup(params)
        if (
            text == message.text
            and entities == message.entities
            and markup == self._inline_of(message)
        ):
            raise bad_request(_NOT_MODIFIED)
        message.history.append(message.text)
        message.text, message.entities, message.parse_mode = text, entities, mode
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        message.reply_markup = markup
        message.edit_date = int(time.time())
        self.chat(message.chat_id).transcript.append(f"bot edited {_describe(message)}")
        return message.raw

    @staticmethod
    def _inline_markup(params: JsonDict) -> JsonDict | None:
        markup = validate_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return markup

    @staticmethod
    def _inline_of(message: StoredMessage) -> JsonDict | None:
        markup = message.reply_markup
        return markup if markup and "inline_keyboard" in markup else None

    async def _edit_message_reply_markup(self, params: JsonDict) -> JsonDict:
        message = self._message_to_edit(params)
        markup = self._inline_markup(params)
        if markup == self._inline_of(message):
            raise bad_request(_NOT_MODIFIED)
        message.reply_markup = markup
        message.edit_date = int(time.time())
        self.chat(message.chat_id).transcript.append(f"bot edited {_describe(message)}")
        return message.raw

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        query_id = str(params["callback_query_id"])
        user_id = self._callback_queries.pop(query_id, None)
        if user_id is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        answer = CallbackAnswer(
            callback_query_id=query_id,
            text=None if text is None else str(text),
            show_alert=bool(params.get("show_alert")),
            url=params.get("url"),
            cache_time=int(params.get("cache_time") or 0),
        )
        self.callback_answers.append(answer)
        user = self.users.get(user_id)
        if user is not None:
            user.callback_answers.append(answer)
            kind = "alert" if answer.show_alert else "notice"
            self.chat(user.id).transcript.append(f"bot answered callback ({kind}): {text or ''}")
        return True

    async def _send_chat_action(self, params: JsonDict) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        action = str(params["action"])
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat.id, action))
        return True

    async def _delete_message(self, params: JsonDict) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        message = chat.find(params["message_id"])
        if message is None:
            raise bad_request("message to delete not found")
        message.deleted = True
        chat.transcript.append(f"bot deleted #{message.message_id}")
        return True

    def _new_file_id(self) -> tuple[str, str]:
        self._last_file_id += 1
        return f"BQACAgIAAxkBAAI{self._last_file_id:06d}", f"AgAD{self._last_file_id:06d}"

    async def _send_document(self, params: JsonDict) -> JsonDict:
        chat = self._resolve_chat(params["chat_id"])
        document = params["document"]
        if isinstance(document, UploadedFile):
            if not document.data:
                raise bad_request("file must be non-empty")
            file_id, unique_id = self._new_file_id()
            filename = document.filename or "document"
            mime = (
                document.content_type
                if document.content_type not in ("", "application/octet-stream")
                else mimetypes.guess_type(filename)[0] or "application/octet-stream"
            )
            stored = StoredFile(file_id, unique_id, filename, document.data, mime)
            self.files[file_id] = stored
        elif isinstance(document, str) and document in self.files:
            stored = self.files[document]
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        caption, entities, mode = format_text(
            str(params.get("caption") or ""),
            params.get("parse_mode"),
            params.get("caption_entities"),
        )
        if len(caption) > 1024:
            raise bad_request("message caption is too long")
        message = StoredMessage(
            chat=chat.info,
            message_id=chat.next_message_id(),
            date=int(time.time()),
            sender=self.bot_user,
            from_bot=True,
            text=caption,
            entities=entities,
            parse_mode=mode,
            reply_markup=validate_reply_markup(params.get("reply_markup")),
            document=stored,
            reply_to=self._reply_target(chat, params),
        )
        return self._store(chat, message)

    async def _send_photo(self, params: JsonDict) -> JsonDict:
        chat = self._resolve_chat(params["chat_id"])
        photo = params["photo"]
        if isinstance(photo, UploadedFile):
            if not photo.data:
                raise bad_request("file must be non-empty")
            if len(photo.data) > PHOTO_MAX_BYTES:
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            try:
                with Image.open(io.BytesIO(photo.data)) as image:
                    width, height = image.size
            except (OSError, ValueError):  # not an image Pillow can read
                raise bad_request("IMAGE_PROCESS_FAILED") from None
            long, short = max(width, height), max(min(width, height), 1)
            if width + height > PHOTO_MAX_SUM or long / short > PHOTO_MAX_RATIO:
                raise bad_request("PHOTO_INVALID_DIMENSIONS")
            file_id, unique_id = self._new_file_id()
            filename = photo.filename or "photo.jpg"
            stored = StoredFile(
                file_id, unique_id, filename, photo.data, "image/jpeg", width, height
            )
            self.files[file_id] = stored
        elif isinstance(photo, str) and photo in self.files and self.files[photo].width:
            stored = self.files[photo]
        else:
            raise bad_request("wrong file identifier/HTTP URL specified")
        caption, entities, mode = format_text(
            str(params.get("caption") or ""),
            params.get("parse_mode"),
            params.get("caption_entities"),
        )
        if len(caption) > 1024:
            raise bad_request("message caption is too long")
        message = StoredMessage(
            chat=chat.info,
            message_id=chat.next_message_id(),
            date=int(time.time()),
            sender=self.bot_user,
            from_bot=True,
            text=caption,
            entities=entities,
            parse_mode=mode,
            reply_markup=validate_reply_markup(params.get("reply_markup")),
            photo=stored,
            reply_to=self._reply_target(chat, params),
        )
        return self._store(chat, message)

    async def _get_file(self, params: JsonDict) -> JsonDict:
        stored = self.files.get(str(params["file_id"]))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }
