"""Whole-call failures of a tracking source. Per-number trouble is a `NumberFailure` value."""

from __future__ import annotations


class SourceError(Exception):
    """Base class: the source could not answer this call at all."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(f"{source}: {message}")
        self.source = source
        self.message = message


class SourceUnavailable(SourceError):
    """5xx, timeout, connection error, garbage, truncated or empty body. Transient."""


class Blocked(SourceUnavailable):
    """The source answered a captcha / anti-bot HTML page instead of data."""


class RateLimited(SourceError):
    """The source asked us to slow down (HTTP 429, vendor limit)."""

    def __init__(self, source: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(source, message)
        self.retry_after = retry_after


class QuotaExhausted(SourceError):
    """The paid quota or the daily limit is used up: pause the source for a long time."""


class SourceMisconfigured(SourceError):
    """Bad API key or credentials: an operator has to act; retrying will not help."""


class InvalidSignature(ValueError):
    """A webhook body whose signature does not match."""
