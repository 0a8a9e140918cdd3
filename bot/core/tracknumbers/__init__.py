"""Explain any pasted track number: what it is, whether it is tracked, where to look.

Pure domain code (no Telegram). ``find_numbers`` for free text, ``analyze`` for one number;
rendering for chat and the command line lives in ``bot.core.tracknumbers.render``.
"""

from bot.core.tracknumbers.core import analyze, classify, find_numbers
from bot.core.tracknumbers.formats import FORMATS, Format
from bot.core.tracknumbers.model import (
    Analysis,
    CheckDigit,
    FoundNumbers,
    Interpretation,
    Kind,
    Link,
    Trackability,
)

__all__ = [
    "FORMATS",
    "Analysis",
    "CheckDigit",
    "Format",
    "FoundNumbers",
    "Interpretation",
    "Kind",
    "Link",
    "Trackability",
    "analyze",
    "classify",
    "find_numbers",
]
