"""Tracking sources (pure aiohttp clients), the normalised model and the source router.

No telegram imports here. Entry point for the app: `TrackingService`.
"""

from bot.tracking.breaker import BreakerState, CircuitBreaker, NumberBackoff
from bot.tracking.errors import (
    Blocked,
    InvalidSignature,
    QuotaExhausted,
    RateLimited,
    SourceError,
    SourceMisconfigured,
    SourceUnavailable,
)
from bot.tracking.model import (
    FINAL_STATUSES,
    NumberFailure,
    Source,
    Status,
    TrackEvent,
    TrackOutcome,
    TrackResult,
    event_key,
    normalise_events,
)
from bot.tracking.router import SourceHealth, TrackingRouter, TrackQuery
from bot.tracking.service import TrackingService
from bot.tracking.track17 import (
    InMemoryRegistrationStore,
    RegistrationStore,
    Track17Push,
    parse_17track_push,
)

__all__ = [
    "FINAL_STATUSES",
    "Blocked",
    "BreakerState",
    "CircuitBreaker",
    "InMemoryRegistrationStore",
    "InvalidSignature",
    "NumberBackoff",
    "NumberFailure",
    "QuotaExhausted",
    "RateLimited",
    "RegistrationStore",
    "Source",
    "SourceError",
    "SourceHealth",
    "SourceMisconfigured",
    "SourceUnavailable",
    "Status",
    "Track17Push",
    "TrackEvent",
    "TrackOutcome",
    "TrackQuery",
    "TrackResult",
    "TrackingRouter",
    "TrackingService",
    "event_key",
    "normalise_events",
    "parse_17track_push",
]
