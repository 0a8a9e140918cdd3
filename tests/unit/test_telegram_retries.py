"""Issue 14: why a request to Telegram is retried, as /metrics counts it. A read that timed out
may have been done by Telegram (a retried send may arrive twice); a pool or connect timeout
never left the process."""

from __future__ import annotations

import httpx
import pytest
from telegram.error import NetworkError, TimedOut

from bot.telegram_io import retry_cause


def _caused(error: NetworkError, cause: BaseException) -> NetworkError:
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "cause"),
    [
        (_caused(TimedOut(), httpx.ReadTimeout("read")), "timed_out"),
        (_caused(TimedOut(), httpx.WriteTimeout("write")), "timed_out"),
        (TimedOut(), "timed_out"),
        (_caused(TimedOut("Pool timeout"), httpx.PoolTimeout("pool")), "not_sent"),
        (_caused(TimedOut(), httpx.ConnectTimeout("connect")), "not_sent"),
        (NetworkError("Bad Gateway"), "network"),
    ],
)
def test_each_failure_has_its_cause(error: NetworkError, cause: str) -> None:
    assert retry_cause(error) == cause
