"""Requests to the bot's own HTTP server (webhook, /17track, /healthz, /metrics) in tests."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import aiohttp

from tests.support.app import BotHarness

__all__ = ["get", "post", "signed"]


async def post(harness: BotHarness, path: str, body: bytes, headers: Mapping[str, str]) -> int:
    url = f"http://127.0.0.1:{harness.web.port}{path}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=dict(headers)) as response,
    ):
        return response.status


async def get(harness: BotHarness, path: str) -> tuple[int, str]:
    url = f"http://127.0.0.1:{harness.web.port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


def signed(raw: bytes, key: str) -> dict[str, str]:
    """The `sign` header 17TRACK sends with `raw`: sha256 of the body, "/", the API key."""
    return {"sign": hashlib.sha256(raw + b"/" + key.encode()).hexdigest()}
