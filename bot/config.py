"""Settings from the environment (and an optional ``.env`` file).

Every variable is parsed in one place; a bad value raises :class:`ConfigError` naming the variable,
which the CLI turns into one clear line and exit code 2.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from bot.i18n import SUPPORTED

T = TypeVar("T")


class ConfigError(ValueError):
    """One bad configuration variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


DEFAULT_DB = Path("data/parcel-scout.db")
CAINIAO_URL = "https://global.cainiao.com"
TRACK17_URL = "https://api.17track.net/track/v2.2"
RUSSIAN_POST_URL = "https://tracking.russianpost.ru/rtm34"


@dataclass(frozen=True, slots=True)
class Settings:
    bot_token: str | None = None
    db_path: Path = DEFAULT_DB
    default_language: str = "en"
    log_level: str = "INFO"
    log_format: str = "text"
    admin_ids: frozenset[int] = frozenset()
    max_parcels_per_user: int = 50
    # Tracking sources: Cainiao needs no key; the others switch on when configured.
    track17_api_key: str | None = field(default=None, repr=False)
    russian_post_login: str | None = None
    russian_post_password: str | None = field(default=None, repr=False)
    cainiao_base_url: str = CAINIAO_URL
    track17_base_url: str = TRACK17_URL
    russian_post_url: str = RUSSIAN_POST_URL
    # Scheduler
    check_interval_seconds: float = 60.0
    # 50, not 200: each batch's writes are one transaction and handlers wait behind it (a query
    # during a pass waited 17 ms at p99 instead of 26 ms); the pass is about 8-12% slower
    # (benchmarks/recheck_bench.py, 8 workers, 2 requests per source: 411 vs 447 parcels/s).
    check_batch_size: int = 50
    check_concurrency: int = 8
    # "Check now": how long the user's card says "checking" before "the trackers are slow"
    check_deadline_seconds: float = 4.0
    # Production (webhook mode and the HTTP server for health and metrics)
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    http_host: str = "0.0.0.0"
    http_port: int = 8080
    telegram_api_url: str | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values that must never reach a log line."""
        values = (
            self.bot_token,
            self.track17_api_key,
            self.russian_post_password,
            self.webhook_secret,
        )
        return tuple(v for v in values if v)


def _text(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name, "").strip()
    return value or None


def _parse(
    env: Mapping[str, str],
    name: str,
    default: T,
    parse: Callable[[str], T],
    hint: str,
    *,
    secret: bool = False,
) -> T:
    raw = _text(env, name)
    if raw is None:
        return default
    try:
        return parse(raw)
    except (ValueError, TypeError):
        # A mistyped secret is still a secret: name the variable, never echo the value.
        shown = "the value" if secret else repr(raw)
        raise ConfigError(name, f"{shown} is not {hint}") from None


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError(raw)
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError(raw)
    return value


def _port(raw: str) -> int:
    value = int(raw)
    if not 0 < value < 65536:
        raise ValueError(raw)
    return value


def _url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(raw)
    return raw.rstrip("/")


_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def _https_url(raw: str) -> str:
    # Plain http only for loopback: tests, or a Bot API server on the same host.
    parts = urlsplit(raw)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        raise ValueError(raw)
    return _url(raw)


def _ids(raw: str) -> frozenset[int]:
    return frozenset(int(part) for part in raw.replace(";", ",").split(",") if part.strip())


def _token(raw: str) -> str:
    head, sep, tail = raw.partition(":")
    if not (sep and head.isdigit() and len(tail) >= 8):
        raise ValueError(raw)
    return raw


def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.lower()
        if value not in options:
            raise ValueError(raw)
        return value

    return parse


def _level(raw: str) -> str:
    value = raw.upper()
    if not isinstance(logging.getLevelName(value), int):
        raise ValueError(raw)
    return value


def _secret_token(raw: str) -> str:
    # Telegram allows 1-256 characters A-Z, a-z, 0-9, _ and -.
    if not (1 <= len(raw) <= 256) or not all(c.isalnum() or c in "_-" for c in raw):
        raise ValueError(raw)
    return raw


def load_settings(env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Read settings from ``env`` (default: the process environment plus ``./.env``)."""
    if env is None:
        if dotenv:
            from dotenv import load_dotenv

            load_dotenv(Path.cwd() / ".env", override=False)
        env = os.environ
    bot_token = _parse(
        env,
        "BOT_TOKEN",
        None,
        _token,
        "a bot token like 123456:ABC... from @BotFather",
        secret=True,
    )
    return Settings(
        bot_token=bot_token,
        db_path=Path(_text(env, "PARCEL_SCOUT_DB") or DEFAULT_DB),
        default_language=_parse(
            env, "PARCEL_SCOUT_LANGUAGE", "en", _choice(SUPPORTED), f"one of {', '.join(SUPPORTED)}"
        ),
        log_level=_parse(
            env, "LOG_LEVEL", "INFO", _level, "a log level (DEBUG, INFO, WARNING, ...)"
        ),
        log_format=_parse(env, "LOG_FORMAT", "text", _choice(("text", "json")), "text or json"),
        admin_ids=_parse(env, "ADMIN_IDS", frozenset(), _ids, "a comma-separated list of user ids"),
        max_parcels_per_user=_parse(
            env, "MAX_PARCELS_PER_USER", 50, _positive_int, "a positive whole number"
        ),
        track17_api_key=_text(env, "TRACK17_API_KEY"),
        russian_post_login=_text(env, "RUSSIAN_POST_LOGIN"),
        russian_post_password=_text(env, "RUSSIAN_POST_PASSWORD"),
        cainiao_base_url=_parse(env, "CAINIAO_BASE_URL", CAINIAO_URL, _url, "an http(s) URL"),
        track17_base_url=_parse(env, "TRACK17_BASE_URL", TRACK17_URL, _url, "an http(s) URL"),
        russian_post_url=_parse(env, "RUSSIAN_POST_URL", RUSSIAN_POST_URL, _url, "an http(s) URL"),
        check_interval_seconds=_parse(
            env, "CHECK_INTERVAL_SECONDS", 60.0, _positive_float, "a positive number of seconds"
        ),
        check_batch_size=_parse(env, "CHECK_BATCH_SIZE", 50, _positive_int, "a positive number"),
        check_concurrency=_parse(env, "CHECK_CONCURRENCY", 8, _positive_int, "a positive number"),
        check_deadline_seconds=_parse(
            env, "CHECK_DEADLINE_SECONDS", 4.0, _positive_float, "a positive number of seconds"
        ),
        webhook_url=_parse(
            env, "WEBHOOK_URL", None, _https_url, "an https:// URL (http:// only for 127.0.0.1)"
        ),
        webhook_secret=_parse(
            env,
            "WEBHOOK_SECRET",
            None,
            _secret_token,
            "1-256 characters of A-Z a-z 0-9 _ -",
            secret=True,
        ),
        http_host=_text(env, "HTTP_HOST") or "0.0.0.0",
        http_port=_parse(env, "HTTP_PORT", 8080, _port, "a port number 1-65535"),
        telegram_api_url=_parse(env, "TELEGRAM_API_URL", None, _url, "an http(s) URL"),
    )
