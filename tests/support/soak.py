"""Sizes and the one-line report of the reliability suite (tests/reliability).

``make test`` runs each reliability test in its short form; ``make soak`` sets PARCEL_SCOUT_SOAK=1
and runs the long form with the sizes of issue 14, and each test then reports one line:
``reliability: <test> inputs N, failures F, lost L, duplicated D``.
"""

from __future__ import annotations

import logging
import os
import random
from dataclasses import dataclass, field

__all__ = ["LONG", "SOAK_ENV", "Tally", "error_records", "lines", "seeded", "sized"]

SOAK_ENV = "PARCEL_SCOUT_SOAK"
LONG = os.environ.get(SOAK_ENV, "") not in ("", "0")

lines: list[str] = []
"""The report lines of this session (printed by tests/reliability/conftest.py at the end)."""


def sized(short: int, long: int) -> int:
    return long if LONG else short


def seeded(name: str) -> random.Random:
    """A repeatable generator per test; PARCEL_SCOUT_SOAK_SEED varies the long runs."""
    seed = os.environ.get("PARCEL_SCOUT_SOAK_SEED", "14")
    return random.Random(f"{name}:{seed}")


@dataclass
class Tally:
    test: str
    inputs: int = 0
    failures: int = 0
    lost: int = 0
    duplicated: int = 0
    notes: list[str] = field(default_factory=list)
    """What the failures were (shown when the test fails)."""

    def fail(self, what: str, n: int = 1) -> None:
        self.failures += n
        if len(self.notes) < 40:
            self.notes.append(what)

    @property
    def line(self) -> str:
        return (
            f"reliability: {self.test} inputs {self.inputs}, failures {self.failures}, "
            f"lost {self.lost}, duplicated {self.duplicated}"
        )

    def report(self) -> None:
        """Record the line for the end of the session (long form only)."""
        if LONG:
            lines.append(self.line)

    @property
    def clean(self) -> bool:
        return self.failures == 0 and self.lost == 0


def error_records(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """Log records that mean "our bug": an ERROR or worse, or anything carrying a traceback."""
    return [r for r in records if r.levelno >= logging.ERROR or r.exc_info]
