"""Secrets never reach a log line, whatever logs them and however; JSON is one object per line."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from bot.config import load_settings
from bot.logs import setup_logging

TOKEN = "7081726354:AAFq3kVYx9T2mZ0pLrQ8sWbN4cHdJ6eGiUo"
KEY = "17track-secret-key-9f8e7d"
PASSWORD = "hunter2-but-longer"
SECRET = "webhook_secret-abc123"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    settings = load_settings(
        {
            "BOT_TOKEN": TOKEN,
            "TRACK17_API_KEY": KEY,
            "RUSSIAN_POST_LOGIN": "me",
            "RUSSIAN_POST_PASSWORD": PASSWORD,
            "WEBHOOK_SECRET": SECRET,
        },
        dotenv=False,
    )
    out = io.StringIO()
    setup_logging("DEBUG", "json", settings.secrets, stream=out)
    try:
        yield out
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])


def lines(out: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_secrets_in_messages_args_and_tracebacks_are_scrubbed(stream: io.StringIO) -> None:
    log = logging.getLogger("parcel.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.debug("headers {'17token': '%s'} password=%s secret=%s", KEY, PASSWORD, SECRET)
    log.warning(f"f-string with the token {TOKEN} inline")  # a careless caller
    try:
        raise RuntimeError(f"request to /bot{TOKEN}/sendMessage failed")
    except RuntimeError:
        log.exception("send failed")
    log.info("percent-encoded %s", quote(f"https://x/bot{TOKEN}", safe=""))
    log.info("stack", stack_info=True)
    text = stream.getvalue()
    for secret in (TOKEN, KEY, PASSWORD, SECRET, quote(TOKEN, safe="")):
        assert secret not in text
    entries = lines(stream)
    assert len(entries) == 6  # one line per event, even with a traceback
    assert entries[0]["message"] == "calling https://api.telegram.org/bot***/getMe"
    assert "RuntimeError" in entries[3]["message"] and "***" in entries[3]["message"]
    assert {e["level"] for e in entries} == {"info", "debug", "warning", "error"}


def test_httpx_request_logging_at_debug_is_scrubbed(stream: io.StringIO) -> None:
    # Even if someone turns httpx logging up to DEBUG, its request lines carry no token.
    logging.getLogger("httpx").setLevel(logging.DEBUG)
    logging.getLogger("httpx").info(
        'HTTP Request: %s %s "%s %d %s"',
        "POST",
        f"https://api.telegram.org/bot{TOKEN}/getUpdates",
        "HTTP/1.1",
        200,
        "OK",
    )
    logging.getLogger("httpcore.http11").debug("send_request_headers.started request=<%s>", TOKEN)
    text = stream.getvalue()
    assert TOKEN not in text and "bot***/getUpdates" in text


def test_httpx_kept_at_warning_by_default() -> None:
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        setup_logging("DEBUG", "text", (TOKEN,), stream=io.StringIO())
        assert logging.getLogger("httpx").level == logging.WARNING
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])


def test_config_error_never_echoes_a_secret() -> None:
    from bot.config import ConfigError

    with pytest.raises(ConfigError) as caught:
        load_settings({"BOT_TOKEN": "not-a-token-but-secret"}, dotenv=False)
    assert "not-a-token-but-secret" not in str(caught.value)
    assert KEY not in repr(load_settings({"TRACK17_API_KEY": KEY}, dotenv=False))
