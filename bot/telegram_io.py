"""How every request to Telegram is paced and retried.

python-telegram-bot's :class:`AIORateLimiter` keeps us under Telegram's flood limits and retries
429 answers after ``retry_after``. Telegram also answers 5xx and times out now and then; a reply
lost to that is a reply the user never sees, so we retry those too, a few times with back-off.
Client errors (400, 403) are final and go straight to the caller.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

from bot import metrics

log = logging.getLogger(__name__)

JSONish = bool | dict[str, Any] | list[dict[str, Any]]


def retry_cause(exc: NetworkError) -> str:
    """Why a request is retried, as the retries metric's label: ``timed_out`` when Telegram may
    have done it already (no answer in time after sending: a send retried may arrive twice),
    ``not_sent`` when the request never left (no connection, no free pooled connection),
    ``network`` for the rest (5xx, a dropped connection)."""
    if isinstance(exc, TimedOut):
        if isinstance(exc.__cause__, httpx.ConnectTimeout | httpx.PoolTimeout):
            return "not_sent"
        return "timed_out"
    return "network"


class ResilientRateLimiter(AIORateLimiter):
    """AIORateLimiter that also retries transient network failures (5xx, timeouts)."""

    def __init__(
        self,
        *,
        max_retries: int = 4,
        network_retries: int = 3,
        base_delay: float = 0.5,
        overall_max_rate: float = 30,
        group_max_rate: float = 20,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_max_rate,
            group_max_rate=group_max_rate,
            max_retries=max_retries,
        )
        self._network_retries = network_retries
        self._base_delay = base_delay

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONish]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONish:
        attempt = 0
        while True:
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (BadRequest, RetryAfter):
                raise
            except NetworkError as exc:
                # getUpdates has its own retry loop in the Updater; don't stack ours on top.
                if attempt >= self._network_retries or endpoint == "getUpdates":
                    raise
                delay = self._base_delay * (2**attempt) * (0.5 + random.random())
                attempt += 1
                cause = retry_cause(exc)
                metrics.TELEGRAM_RETRIES.labels(endpoint, cause).inc()
                log.warning(
                    "telegram %s failed (%s: %s); retry %d in %.1fs",
                    endpoint, cause, exc, attempt, delay,
                )  # fmt: skip
                await asyncio.sleep(delay)
