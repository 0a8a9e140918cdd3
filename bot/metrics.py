"""Prometheus metrics, defined once; features import and update them, /metrics exposes them.

A dedicated registry (not the global default) so tests can build several applications in one
process without duplicate-metric errors leaking between them.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

UPDATES = Counter(
    "parcel_scout_updates_total", "Telegram updates handled, by type", ["type"], registry=REGISTRY
)
HANDLER_LATENCY = Histogram(
    "parcel_scout_handler_seconds",
    "Time to handle one update",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
PUSHES = Counter(
    "parcel_scout_pushes_total",
    "Notifications sent (outcome=sent) or not (outcome=failed, with the reason)",
    ["outcome", "reason"],
    registry=REGISTRY,
)
PUSH_UNPARSABLE = Counter(
    "parcel_scout_push_unparsable_total",
    "Pushes Telegram refused as malformed HTML (a renderer bug; dropped), by push kind",
    ["kind"],
    registry=REGISTRY,
)
TELEGRAM_RETRIES = Counter(
    "parcel_scout_telegram_retries_total",
    "Requests to Telegram retried after a network failure, by method and cause (timed_out: "
    "Telegram may have done it already, so a retried send may arrive twice; not_sent; network)",
    ["method", "cause"],
    registry=REGISTRY,
)
CHECKS = Counter(
    "parcel_scout_checks_total",
    "Tracking lookups by source and outcome (found, not_found, failed, skipped)",
    ["source", "outcome"],
    registry=REGISTRY,
)
OUTBOX_DEPTH = Gauge(
    "parcel_scout_outbox_depth", "Notifications waiting to be sent", registry=REGISTRY
)
PARCELS_BY_STATUS = Gauge(
    "parcel_scout_parcels", "Active parcels by tracking status", ["status"], registry=REGISTRY
)
SCHEDULER_LAST_PASS = Gauge(
    "parcel_scout_scheduler_last_pass_timestamp",
    "Unix time when the re-check scheduler last finished a pass",
    registry=REGISTRY,
)
