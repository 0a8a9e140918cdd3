"""What every parser does first: one case, one kind of space, no "ё", a length cap."""

from __future__ import annotations

import re

# Longer inputs are not a quantity anyone types; refuse them before any regex runs.
MAX_INPUT = 100


def clean(text: str) -> str:
    """Casefolded, "ё" as "е", runs of any space (NBSP, thin space) as one space."""
    return re.sub(r"\s+", " ", text.strip().casefold().replace("ё", "е"))


def number(raw: str) -> float:
    """``"7"``, ``"7.5"``, ``"7,5"`` → a float."""
    return float(raw.replace(",", "."))
