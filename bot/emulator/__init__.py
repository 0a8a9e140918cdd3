"""A Telegram Bot API emulator: an aiohttp server on loopback speaking the Bot API over HTTP.

It lets the real bot (python-telegram-bot) run end to end in tests and in the local chat mode
without Telegram. It never imports `telegram`.

Usage::

    async with BotApiEmulator() as emu:
        app = (ApplicationBuilder().token(emu.token).base_url(emu.base_url)
               .base_file_url(emu.base_file_url).build())
        ...  # start polling (or a webhook: setWebhook makes the emulator POST updates to it)
        emu.settle_hook = app.update_queue.join
        user = emu.user(user_id=42, first_name="Anna", language_code="ru")
        replies = await user.send("/start")
        await user.press("Track")
        assert "delivered" in user.last_reply().text

What it does:

* Routes ``/bot<token>/<method>`` (method names case-insensitive, GET or POST; query string,
  urlencoded, multipart or JSON bodies, nested values as JSON strings as python-telegram-bot
  sends them) and ``/file/bot<token>/<file_path>`` for downloads. A wrong token answers 401,
  an unknown method 404, a missing required parameter 400 ("Bad Request: ...").
* Methods (see SUPPORTED_METHODS): getMe, getUpdates (long polling with offset, limit, timeout,
  allowed_updates), setWebhook / deleteWebhook / getWebhookInfo (updates are then POSTed to the
  webhook with X-Telegram-Bot-Api-Secret-Token), setMyCommands / getMyCommands /
  deleteMyCommands (per scope and language_code; see `my_commands`, `get_commands`),
  sendMessage, editMessageText, editMessageReplyMarkup, deleteMessage, answerCallbackQuery,
  sendChatAction, sendDocument and sendPhoto (uploads kept in `files`; a photo is decoded and
  held to the size rules), getFile, close, logOut.
* Telegram's checks: text 1-4096 characters after entity parsing, caption up to 1024, HTML
  parse mode with Telegram's tag set only (see `bot.emulator.html`), callback_data 1-64 bytes,
  inline keyboard shape, "message is not modified" on identical edits, an edit without
  reply_markup removing the inline keyboard.
* Failure injection: `fail_next(method, status=429, retry_after=N, chat_id=..., times=...,
  delay=...)`, `delay_next`; `SimulatedUser.blocked`; optional flood limits
  (`rate_limit=True`: 30 msg/s overall, ~1 msg/s per chat with a small burst, 20/min per group),
  with `too_many_requests_count` counting every 429 given.
* Recording: `requests` (method, decoded params, monotonic time), `calls(method)`; with
  `log_path=` or the env var PARCEL_SCOUT_EMULATOR_LOG one JSON line per request:
  ``{"method": ..., "params": {...}}``.
* Settling: the emulator cannot see inside the bot. `SimulatedUser.send/press` wait until the
  update is acknowledged (a getUpdates with a higher offset, or the webhook's 2xx answer), then
  await `settle_hook` (set it to the Application's ``update_queue.join``), then until no request
  is in flight and none arrived for `quiet_period` seconds; all within `settle_timeout`, else an
  AssertionError names the stage that hung.
"""

from bot.emulator.html import EntityParseError, parse_html, utf16_len
from bot.emulator.models import (
    ApiError,
    CallbackAnswer,
    FailureRule,
    RecordedRequest,
    StoredFile,
    StoredMessage,
    UploadedFile,
)
from bot.emulator.ratelimit import RateLimiter, RateLimitPolicy
from bot.emulator.server import (
    BOT_USERNAME,
    DEFAULT_TOKEN,
    LOG_ENV_VAR,
    SUPPORTED_METHODS,
    BotApiEmulator,
    ChatState,
)
from bot.emulator.users import SimulatedUser

BotReply = StoredMessage

__all__ = [
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "LOG_ENV_VAR",
    "SUPPORTED_METHODS",
    "ApiError",
    "BotApiEmulator",
    "BotReply",
    "CallbackAnswer",
    "ChatState",
    "EntityParseError",
    "FailureRule",
    "RateLimitPolicy",
    "RateLimiter",
    "RecordedRequest",
    "SimulatedUser",
    "StoredFile",
    "StoredMessage",
    "UploadedFile",
    "parse_html",
    "utf16_len",
]
