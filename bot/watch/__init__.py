"""The watch engine: cadence table, claim-check-diff pass, outbox payloads, stall/timer alerts,
and the one push pipeline (reminders → outbox, the renderer registry, the sender's rules).

Pure domain code (no telegram imports). `Watcher` is the entry point for checks;
`sender.drain` sends the outbox through the ``deliver`` function handlers/notifications.py gives.
"""

from bot.watch.cadence import DEFAULT_CADENCE, Cadence
from bot.watch.diff import Change, detect_change
from bot.watch.service import CheckOutcome, PassStats, Watcher

__all__ = [
    "DEFAULT_CADENCE",
    "Cadence",
    "Change",
    "CheckOutcome",
    "PassStats",
    "Watcher",
    "detect_change",
]
