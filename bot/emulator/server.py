"""The HTTP server: lifecycle, routing, request decoding, recording and failure injection.

`BotApiEmulator` is composed of the Bot API methods (`bot.emulator.methods`) and the test
controls (`bot.emulator.controls`), both built on the shared state (`bot.emulator.state`).
"""

from __future__ import annotations

import asyncio
import json
import time
from functools import cached_property
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

from bot.emulator.controls import EmulatorControls
from bot.emulator.methods import PHOTO_MAX_BYTES, PHOTO_MAX_RATIO, PHOTO_MAX_SUM, BotApiMethods
from bot.emulator.models import ApiError, RecordedRequest, UploadedFile
from bot.emulator.params import bad_request, decode_params, jsonable
from bot.emulator.state import (
    BOT_FIRST_NAME,
    BOT_USERNAME,
    DEFAULT_TOKEN,
    LOG_ENV_VAR,
    SUPPORTED_METHODS,
    ChatState,
    JsonDict,
)

# The constants stay importable from here, where they were defined before the split.
__all__ = [
    "BOT_FIRST_NAME",
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "LOG_ENV_VAR",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_RATIO",
    "PHOTO_MAX_SUM",
    "SUPPORTED_METHODS",
    "BotApiEmulator",
    "ChatState",
]

# Methods that send a message and therefore count against Telegram's flood limits.
_MESSAGE_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})


class BotApiEmulator(EmulatorControls, BotApiMethods):
    """A local Telegram Bot API server for tests and the local chat mode.

    See the package docstring of `bot.emulator` for the whole picture.
    """

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

    # ----------------------------------------------------------------- HTTP plumbing

    @cached_property
    def _canonical(self) -> dict[str, str]:
        return {name.lower(): name for name in self._handlers}

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
