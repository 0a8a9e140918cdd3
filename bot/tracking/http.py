"""One place that turns HTTP trouble into typed source errors."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import aiohttp

from bot.tracking.errors import RateLimited, SourceUnavailable

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=20, connect=5, sock_read=15)
MAX_BODY = 8 * 1024 * 1024  # a tracking answer is never this large; refuse rather than buffer
READ_CHUNK = 64 * 1024

BROWSER_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    status: int
    content_type: str
    body: bytes


def parse_retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


async def request(
    session: aiohttp.ClientSession,
    source: str,
    method: str,
    url: str,
    *,
    timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109 - aiohttp’s own per-request timeout
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    data: bytes | None = None,
    xml_errors: bool = False,
) -> HttpAnswer:
    """Send one request; 429 → RateLimited, 5xx/network/timeout → SourceUnavailable.
    Other statuses are returned for the client to interpret. With `xml_errors`, a 5xx answer
    with an XML body is returned too (SOAP 1.2 sends its faults as HTTP 500)."""
    try:
        async with session.request(
            method, url, headers=headers, params=params, data=data, timeout=timeout
        ) as resp:
            if resp.status == 429:
                raise RateLimited(
                    source, "HTTP 429", parse_retry_after(resp.headers.get("Retry-After"))
                )
            if resp.status >= 500 and not (xml_errors and "xml" in (resp.content_type or "")):
                raise SourceUnavailable(source, f"HTTP {resp.status}")
            body = await read_body(resp, source)
            return HttpAnswer(resp.status, resp.content_type or "", body)
    except TimeoutError:
        raise SourceUnavailable(source, "timeout") from None
    except aiohttp.ClientError as exc:
        raise SourceUnavailable(source, f"network error: {type(exc).__name__}: {exc}") from None


async def read_body(resp: aiohttp.ClientResponse, source: str, limit: int = MAX_BODY) -> bytes:
    """The whole body, however it arrives (one `content.read(n)` returns only what is buffered),
    refused past `limit`: by Content-Length before reading, by a running count for chunked ones."""
    length = resp.content_length
    if length is not None and length > limit:
        raise SourceUnavailable(source, "answer too large")
    body = bytearray()
    async for chunk in resp.content.iter_chunked(READ_CHUNK):
        body += chunk
        if len(body) > limit:
            raise SourceUnavailable(source, "answer too large")
    return bytes(body)


def load_json(source: str, body: bytes) -> Any:
    """Decode a JSON body; empty, truncated or non-JSON bodies become SourceUnavailable."""
    if not body.strip():
        raise SourceUnavailable(source, "empty body")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise SourceUnavailable(source, f"not JSON: {exc}") from None


def looks_like_html(body: bytes) -> bool:
    head = body.lstrip()[:200].lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script"))
