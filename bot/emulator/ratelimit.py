"""Telegram's flood limits as token buckets (optional in the emulator).

Telegram documents about 30 messages per second overall, about one message per second in one
chat (short bursts are tolerated) and 20 messages per minute in a group. Exceeding them yields
429 with parameters.retry_after.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["RateLimitPolicy", "RateLimiter"]


@dataclass(frozen=True)
class RateLimitPolicy:
    global_per_second: float = 30.0
    global_burst: int = 30
    chat_per_second: float = 1.0
    chat_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 20


@dataclass
class _Bucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float
    updated: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def wait_time(self) -> float:
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate


@dataclass
class RateLimiter:
    policy: RateLimitPolicy = field(default_factory=RateLimitPolicy)
    clock: Callable[[], float] = time.monotonic
    _global: _Bucket | None = None
    _chats: dict[int | str, _Bucket] = field(default_factory=dict)

    def _bucket_for_chat(self, chat_id: int | str, now: float) -> _Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            is_group = isinstance(chat_id, int) and chat_id < 0
            if is_group:
                rate, burst = self.policy.group_per_minute / 60, self.policy.group_burst
            else:
                rate, burst = self.policy.chat_per_second, self.policy.chat_burst
            bucket = _Bucket(rate=rate, capacity=burst, tokens=burst, updated=now)
            self._chats[chat_id] = bucket
        return bucket

    def acquire(self, chat_id: int | str) -> int | None:
        """Take one message slot; None when allowed, else retry_after in whole seconds."""
        now = self.clock()
        if self._global is None:
            burst = self.policy.global_burst
            self._global = _Bucket(self.policy.global_per_second, burst, burst, now)
        chat = self._bucket_for_chat(chat_id, now)
        self._global.refill(now)
        chat.refill(now)
        wait = max(self._global.wait_time(), chat.wait_time())
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.tokens -= 1
        chat.tokens -= 1
        return None
