"""Update delivery, the Bot API methods getUpdates (long polling), setWebhook, deleteWebhook
and getWebhookInfo: the updates queued by the test controls reach the bot one way or the other,
and an update counts as acknowledged (for settling) once the bot has confirmed it."""

from __future__ import annotations

import asyncio
import json
import re
import time
from contextlib import suppress

import aiohttp

from bot.emulator.models import ApiError
from bot.emulator.params import bad_request
from bot.emulator.state import DEFAULT_DESCRIPTIONS, EmulatorState, JsonDict

__all__ = ["UpdateDelivery"]

# allowed_updates=[] means "all types except these", as in Telegram.
_OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _update_type(update: JsonDict) -> str:
    return next((key for key in update if key != "update_id"), "")


class UpdateDelivery(EmulatorState):
    """How queued updates reach the bot: getUpdates long polling or POSTs to its webhook."""

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
                raise ApiError(409, DEFAULT_DESCRIPTIONS[409])
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
