"""How often a parcel is looked at, per status, from one table of defaults.

All instants are unix seconds (UTC), as stored. Jitter spreads the checks of parcels added at the
same moment so they do not all come due together.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from bot.tracking.model import Status

HOUR = 3600
DAY = 24 * HOUR

# Status → interval bucket; a status missing here counts as "transit".
_BUCKETS: dict[str, str] = {
    Status.NOT_FOUND: "not_found",
    # Not handed over: looked at like an unknown number, never "stalled" (no hand-over yet).
    Status.AWAITING_DISPATCH: "not_found",
    Status.INFO_RECEIVED: "not_found",
    Status.IN_TRANSIT: "transit",
    Status.RETURNING: "transit",
    Status.EXCEPTION: "transit",
    Status.DELIVERY_FAILED: "near",
    Status.IN_CUSTOMS: "near",
    Status.ARRIVED_DESTINATION: "near",
    Status.OUT_FOR_DELIVERY: "near",
    Status.AVAILABLE_FOR_PICKUP: "near",
    Status.EXPIRED: "stalled",
    Status.DELIVERED: "final",
    Status.RETURNED: "final",
}

# Statuses in which a week without news is worth telling the user (stall alert).
STALL_STATUSES: tuple[str, ...] = (
    Status.INFO_RECEIVED,
    Status.IN_TRANSIT,
    Status.IN_CUSTOMS,
    Status.ARRIVED_DESTINATION,
    Status.RETURNING,
    Status.EXCEPTION,
)
FINAL: frozenset[str] = frozenset({Status.DELIVERED, Status.RETURNED})


@dataclass(frozen=True, slots=True)
class Cadence:
    intervals: dict[str, int] = field(
        default_factory=lambda: {
            "not_found": 6 * HOUR,  # the first `young_for` seconds after adding
            "not_found_old": 12 * HOUR,
            "transit": 8 * HOUR,
            "near": 3 * HOUR,  # destination country, customs, out for delivery
            "stalled": 24 * HOUR,
        }
    )
    young_for: int = 10 * DAY
    stalled_after: int = 7 * DAY  # no new event for this long: stalled
    delivered_grace: int = 2 * DAY  # keep looking after delivery, then archive
    archive_after: int = 60 * DAY  # silence before archiving
    jitter: float = 0.1  # ± fraction of the interval
    retry_base: int = 15 * 60  # failures: 15 min, 30 min, 1 h ... capped
    retry_cap: int = 12 * HOUR

    def bucket(self, status: str, now: int, created_at: int, last_event_at: int | None) -> str:
        kind = _BUCKETS.get(status, "transit")
        if kind == "not_found":
            return "not_found" if now - created_at < self.young_for else "not_found_old"
        stale = last_event_at is not None and now - last_event_at >= self.stalled_after
        if kind in ("transit", "near") and stale:
            return "stalled"
        return kind

    def _jittered(self, seconds: int, rng: random.Random) -> int:
        spread = seconds * self.jitter
        return max(60, int(seconds + rng.uniform(-spread, spread)))

    def next_check(
        self,
        status: str,
        now: int,
        *,
        created_at: int,
        last_event_at: int | None,
        status_changed_at: int | None = None,
        rng: random.Random,
    ) -> int:
        """When to look again after a successful check."""
        kind = self.bucket(status, now, created_at, last_event_at)
        if kind == "final":
            # One more look at the end of the grace period; that pass archives the parcel.
            return (status_changed_at or now) + self.delivered_grace
        return now + self._jittered(self.intervals[kind], rng)

    def retry_after_failure(self, failures: int, now: int, *, rng: random.Random) -> int:
        """When to try again after ``failures`` consecutive failed checks (1 = the first)."""
        delay = min(self.retry_cap, self.retry_base * 2 ** max(0, failures - 1))
        return now + self._jittered(delay, rng)

    def should_archive(
        self,
        status: str,
        now: int,
        *,
        created_at: int,
        last_event_at: int | None,
        status_changed_at: int | None,
    ) -> str | None:
        """``"delivered"`` / ``"silent"`` when the parcel should be archived, else ``None``."""
        if status in FINAL and now - (status_changed_at or now) >= self.delivered_grace:
            return "delivered"
        if now - (last_event_at or created_at) >= self.archive_after:
            return "silent"
        return None


DEFAULT_CADENCE = Cadence()
