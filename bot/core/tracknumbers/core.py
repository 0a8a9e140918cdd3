"""Finding numbers in free text and explaining each: pure functions over the format table.

``find_numbers`` normalises the text, finds the runs of tokens that may hold numbers and splits
them into numbers (``segment``), reads each number by every format of its shape (``readings``)
and turns the readings into an ``Analysis``: the best interpretation and the alternatives, each
with a confidence (its weight's share among the competing readings).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from operator import attrgetter
from typing import NamedTuple

from bot.core.tracknumbers import readings, segment
from bot.core.tracknumbers.formats import MAX_LEN, MIN_LEN, Format
from bot.core.tracknumbers.model import (
    Analysis,
    CheckDigit,
    Facts,
    FoundNumbers,
    Interpretation,
    Kind,
    Trackability,
)
from bot.core.tracknumbers.normalize import compact, normalize
from bot.core.tracknumbers.readings import Reading

DEFAULT_LIMIT = 20


class FormatMatch(NamedTuple):
    """A format that matched (``classify``), with its checksum verdict."""

    fmt: Format
    match: re.Match[str]
    check: CheckDigit
    expected: str | None
    score: float


def classify(number: str) -> list[FormatMatch]:
    """Every format whose shape ``number`` (compact) has, with a score for segmentation."""
    if not number.isascii() or not number.isupper():
        number = normalize(number)
    matches = []
    for r in readings.readings_of(number):
        match = r.fmt.regex.fullmatch(number)
        assert match is not None
        # A check digit that holds is the one expected.
        expected = match["check"] if r.check is CheckDigit.VALID else r.expected
        matches.append(FormatMatch(r.fmt, match, r.check, expected, r.score))
    return matches


def find_numbers(text: str, limit: int = DEFAULT_LIMIT) -> FoundNumbers:
    """Every candidate number in ``text`` (deduplicated), the first ``limit`` explained."""
    norm = normalize(text)
    if norm.isalnum():  # one bare token, the usual paste: no runs to find or split
        if len(norm) < MIN_LEN:
            return FoundNumbers()
        found = readings.readings_of(norm)
        if not found and not segment.looks_like_number(norm):
            return FoundNumbers(too_long=segment.too_long(norm))
        items = [_explain(text, norm, found)] if limit > 0 else []
        return FoundNumbers(items, 1, not items)
    items = []
    total = 0
    seen = set()
    for run_start, run_end in segment.runs(norm):
        for start, end, number, found in segment.segment(norm, run_start, run_end):
            if number in seen:
                continue
            seen.add(number)
            total += 1
            if len(items) < limit:
                items.append(_explain(text[start:end], number, found))
    if not total:
        too_long = any(segment.too_long(m.group()) for m in segment.TOKEN_RE.finditer(norm))
        return FoundNumbers(too_long=too_long)
    return FoundNumbers(items, total, total > len(items))


def analyze(number: str) -> Analysis:
    """Explain one number the user typed (any separators, case or look-alike letters)."""
    number_c = compact(number)
    found = readings.readings_of(number_c) if MIN_LEN <= len(number_c) <= MAX_LEN else []
    return _explain(number.strip(), number_c, found)


# --- building the explanation ------------------------------------------------------------------


def _unknown_facts(notes: tuple[str, ...]) -> Facts:
    return Facts(
        kind=Kind.UNKNOWN,
        format_id=None,
        carrier=None,
        carrier_name=None,
        issuing_country=None,
        trackability=Trackability.UNKNOWN,
        notes_ok=notes,
        notes_bad=(),
    )


_UNKNOWN_FACTS = _unknown_facts(())
_RESERVED_FACTS = _unknown_facts((readings.NOTE_RESERVED,))
_RESERVED_S10 = re.compile(r"[JKSTW][A-Z]\d{9}[A-Z]{2}")


def _explain(raw: str, number: str, found: Sequence[Reading]) -> Analysis:
    found = readings.with_wrong_checks(number, found)
    if not found:
        reserved = _RESERVED_S10.fullmatch(number) is not None
        facts = _RESERVED_FACTS if reserved else _UNKNOWN_FACTS
        best = Interpretation(facts, number, CheckDigit.NONE, None, Trackability.UNKNOWN)
        return Analysis(raw, number, best, (), Trackability.UNKNOWN)
    if len(found) == 1:
        # A lone reading keeps its prior: a weak shape stays unsure.
        (r,) = found
        best = _interpretation(number, r, _confidence(r.weight / max(1.0, r.weight)))
        return Analysis(raw, number, best, (), best.trackability)
    # Competing readings share the probability mass, heaviest first (``sorted`` is stable: ties
    # keep the format table's order).
    total = max(1.0, sum([r.weight for r in found]))
    ordered = sorted(found, key=attrgetter("weight"), reverse=True)
    interpretations = [_interpretation(number, r, _confidence(r.weight / total)) for r in ordered]
    best = interpretations[0]
    return Analysis(raw, number, best, tuple(interpretations[1:]), best.trackability)


@lru_cache(maxsize=4096)
def _confidence(share: float) -> float:
    """``share`` to two decimals. Cached: shares are ratios of a few fixed weights, so the same
    few hundred recur, and rounding to decimal digits is slow (a third of a microsecond)."""
    return round(share, 2)


def _interpretation(number: str, r: Reading, confidence: float) -> Interpretation:
    return Interpretation(
        r.facts,
        number,
        r.check,
        r.expected,
        r.trackability,
        r.service_code,
        r.service_class,
        confidence,
    )
