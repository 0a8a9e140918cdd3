"""The bot's one HTTP server: Telegram's webhook, 17TRACK pushes, /healthz and /metrics.

It runs in every mode with a token (polling too, for health and metrics). It does not import
``telegram``: the runner hands in ``on_update`` that turns a webhook body into an ``Update``.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import metrics
from bot.services import Services

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TRACK17_PATH = "/17track"
# The scheduler counts as stalled after this many check intervals without a finished pass.
STALL_INTERVALS = 3
DB_TIMEOUT = 3.0
# Telegram updates are small; refuse anything unreasonable before reading it.
MAX_BODY = 1024 * 1024
# A body that has not fully arrived by then is from a slow (or hostile) client: cut it off.
BODY_TIMEOUT = 5.0
# The same for the request line and headers, and for an idle kept-alive connection. aiohttp's
# server has no header-read timeout of its own; its keep-alive timer runs from the moment a
# connection opens until a whole request has arrived, so it is that timer (Node's default, 5 s).
HEADER_TIMEOUT = 5.0

OnUpdate = Callable[[Mapping[str, Any]], Awaitable[None]]
"""Hands a webhook body to the bot; raises ``ValueError`` for JSON that is not an Update."""


class BadBody(Exception):
    """A request body that did not arrive in time, or broke off."""


@dataclass(frozen=True, slots=True)
class Webhook:
    path: str
    secret: str
    on_update: OnUpdate


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class WebServer:
    """aiohttp server around ``services``; ``start()``/``stop()`` from the runner."""

    def __init__(
        self,
        services: Services,
        *,
        webhook: Webhook | None = None,
        host: str | None = None,
        port: int | None = None,
    ) -> None:
        self.services = services
        self.webhook = webhook
        self.host = host if host is not None else services.settings.http_host
        self.port = port if port is not None else services.settings.http_port
        self.started_at = services.clock.now()
        self.rejected_webhooks = 0
        self.body_timeout = BODY_TIMEOUT
        self.header_timeout = HEADER_TIMEOUT  # read at start()
        self._runner: web.AppRunner | None = None
        self._accepting = True

    # ------------------------------------------------------------------ wiring

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_get("/healthz", self.healthz)
        app.router.add_get("/metrics", self.metrics)
        if self.webhook is not None:
            app.router.add_post(self.webhook.path, self.telegram)
        if self.services.settings.track17_api_key:
            app.router.add_post(TRACK17_PATH, self.track17)
        return app

    async def start(self) -> None:
        self._runner = web.AppRunner(
            self.make_app(),
            access_log=None,
            shutdown_timeout=2.0,
            keepalive_timeout=self.header_timeout,
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        log.info("http server on %s:%s", self.host, self.port)

    def stop_accepting(self) -> None:
        """Shutdown step one: answer new webhook deliveries 503 so Telegram keeps them."""
        self._accepting = False

    async def stop(self) -> None:
        self._accepting = False
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    # ---------------------------------------------------------------- handlers

    async def telegram(self, request: web.Request) -> web.Response:
        assert self.webhook is not None
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.webhook.secret.encode()):
            # Never log the body: it is a user's message.
            self.rejected_webhooks += 1
            log.warning(
                "webhook: rejected a request from %s (%s secret token)",
                request.remote,
                "wrong" if given else "no",
            )
            return web.Response(status=403, text="forbidden")
        if not self._accepting:
            return web.Response(status=503, text="shutting down")
        try:
            raw = await self._read(request)
        except BadBody as exc:
            log.warning("webhook: %s", exc)
            return web.Response(status=408, text="request timeout")
        try:
            # RecursionError: deeply nested JSON; never a 500.
            data = json.loads(raw)
        except (ValueError, UnicodeDecodeError, RecursionError):
            log.warning("webhook: body is not JSON")
            return web.Response(status=400, text="bad request")
        if not isinstance(data, dict):
            return web.Response(status=400, text="bad request")
        try:
            await self.webhook.on_update(data)
        except ValueError:
            log.warning("webhook: body is JSON but not an Update")
            return web.Response(status=400, text="bad request")
        return web.Response(text="ok")

    async def _read(self, request: web.Request) -> bytes:
        """The whole body, within ``body_timeout``; ``BadBody`` when it is slow or breaks off.
        (Too large is aiohttp's 413, raised as it arrives.)"""
        try:
            async with asyncio.timeout(self.body_timeout):
                return await request.read()
        except TimeoutError:
            raise BadBody(
                f"body from {request.remote} not complete in {self.body_timeout} s"
            ) from None
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            raise BadBody(
                f"body from {request.remote} broke off ({exc.__class__.__name__})"
            ) from None

    async def track17(self, request: web.Request) -> web.Response:
        from bot.tracking.errors import InvalidSignature
        from bot.tracking.track17 import parse_17track_push

        key = self.services.settings.track17_api_key
        assert key
        try:
            raw = await self._read(request)
        except BadBody as exc:
            log.info("17track push: %s", exc)
            return web.Response(status=408, text="request timeout")
        try:
            push = parse_17track_push(raw, key, request.headers.get("sign", ""))
        except InvalidSignature:
            log.warning("17track push: bad signature from %s", request.remote)
            return web.Response(status=401, text="bad signature")
        except (ValueError, RecursionError) as exc:
            log.warning("17track push: malformed (%s)", exc.__class__.__name__)
            return web.Response(status=400, text="bad request")
        if push.event == "TRACKING_STOPPED" and push.number:
            restarted = await self.services.watcher.track17_stopped(push.number)
            log.info("17track push TRACKING_STOPPED: %s", "restarted" if restarted else "marked")
            return web.Response(text="ok")
        # Track numbers are the user's data: DEBUG only.
        if push.result is None or not push.number:
            log.info("17track push %s: nothing to ingest", push.event)
            log.debug("17track push %s for %s: nothing to ingest", push.event, push.number or "?")
            return web.Response(text="ok")
        new = await self.services.watcher.ingest({push.number: push.result})
        log.info("17track push %s: %d new event(s)", push.event, new)
        log.debug("17track push %s for %s: %d new event(s)", push.event, push.number, new)
        return web.Response(text="ok")

    async def health(self) -> tuple[bool, dict[str, Any]]:
        """(healthy, body) — shared by /healthz and the admin's /stats."""
        body: dict[str, Any] = {}
        healthy = True
        storage = self.services.storage
        try:
            async with asyncio.timeout(DB_TIMEOUT):  # a hung database is unhealthy, not a hang
                body["outbox_depth"] = await storage.outbox.depth()
            body["database"] = "ok"
        except Exception as exc:  # any failure of the database is "unhealthy", not a crash
            log.warning("healthz: database does not answer: %r", exc)
            body["database"] = "failing"
            healthy = False
        now = self.services.clock.now()
        window = STALL_INTERVALS * self.services.settings.check_interval_seconds
        last = self.services.watcher.last_pass_at
        age = None if last is None else (now - last).total_seconds()
        fresh = age is not None and age <= window
        warming = (now - self.started_at).total_seconds() <= window
        body["scheduler"] = {
            "state": "ok" if fresh else "starting" if warming else "stalled",
            "last_pass_at": _iso(last),
        }
        healthy = healthy and (fresh or warming)
        body["sources"] = source_health(self.services)
        # A source refusing our credentials needs an operator, not a restart: still 200.
        degraded = any(h.get("reason") for h in body["sources"].values())
        body["status"] = ("degraded" if degraded else "ok") if healthy else "unhealthy"
        return healthy, body

    async def healthz(self, request: web.Request) -> web.Response:
        healthy, body = await self.health()
        return web.json_response(body, status=200 if healthy else 503, dumps=json.dumps)

    async def metrics(self, request: web.Request) -> web.Response:
        await refresh_gauges(self.services)
        return web.Response(
            body=generate_latest(metrics.REGISTRY),
            headers={"Content-Type": CONTENT_TYPE_LATEST},
        )


def source_health(services: Services) -> dict[str, dict[str, Any]]:
    try:
        report = services.tracking.health()
    except Exception as exc:  # not started yet, closing: report nothing rather than fail
        log.info("source health unavailable: %r", exc)
        return {}
    out: dict[str, dict[str, Any]] = {}
    for name, h in report.items():
        entry: dict[str, Any] = {
            "state": "misconfigured" if h.misconfigured else str(h.state),
            "last_success": _iso(h.last_success),
            "last_error_at": _iso(h.last_error_at),
            "consecutive_failures": h.consecutive_failures,
        }
        if h.misconfigured:
            entry["reason"] = h.misconfigured
        out[name] = entry
    return out


async def refresh_gauges(services: Services) -> None:
    """Gauges that mirror storage are set at scrape time, not kept up to date by every writer."""
    storage = services.storage
    metrics.OUTBOX_DEPTH.set(await storage.outbox.depth())
    by_status = await storage.parcels.count_by_status()
    metrics.PARCELS_BY_STATUS.clear()
    for status, n in by_status.items():
        metrics.PARCELS_BY_STATUS.labels(status=status).set(n)
    last = services.watcher.last_pass_at
    if last is not None:
        metrics.SCHEDULER_LAST_PASS.set(last.timestamp())
