"""Where the numbers are in free text: runs of tokens, split into numbers.

People paste numbers spaced, dashed and glued to words: "трек LX 123-456 785 CN", "RB…SG;UA…RU".
The normalised text (upper-case ASCII, one character per character of the input) is cut into
*runs*: tokens (a word with a digit, or a short letter group such as "LX", "CN", "TBA") one to
three separators (space, dot, dash) apart. Other words end a run: they are never part of a
number, and skipping them keeps the format matching off ordinary text.

Each run is then split into numbers by a small dynamic programme that maximises the total
plausibility: the best reading's ``score`` of each segment, minus a cost per segment and a
penalty for cutting between two tokens that likely form one number.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

from bot.tracknumbers import readings
from bot.tracknumbers.formats import MAX_LEN, MIN_LEN
from bot.tracknumbers.readings import Reading

# Tokens of the normalised text, and runs of them 1-3 separators apart.
_TOKEN = r"(?:[A-Z]*\d[A-Z0-9]*|[A-Z]{1,3})(?![A-Z0-9])"
RUN_RE = re.compile(rf"(?<![A-Z0-9]){_TOKEN}(?:[ .\-]{{1,3}}{_TOKEN})*")
TOKEN_RE = re.compile(r"[A-Z0-9]+")
_DIGIT_RE = re.compile(r"\d")

_UNKNOWN_MIN_LEN = 8
_UNKNOWN_MIN_DIGITS = 6
# A token of an unknown shape that looks like a number scores as much as a failed known shape.
UNKNOWN_SCORE = 3.5
_SEGMENT_COST = 3.0
# Cutting between two digit groups one separator apart ("123 456"): they likely form one number.
_SPLIT_PENALTY = 5.0
# Cutting off a short letter group next to digits ("LX 123", "... CN").
_AFFIX_PENALTY = 1.0


class Token(NamedTuple):
    text: str
    start: int
    end: int


class Segment(NamedTuple):
    """One number found in a run: where it is in the text, its compact form, its readings."""

    start: int
    end: int
    number: str
    readings: list[Reading]


def runs(norm: str) -> list[list[Token]]:
    """The runs of tokens of ``norm`` that hold a digit, each at least ``MIN_LEN`` long."""
    found = []
    for run in RUN_RE.finditer(norm):
        start, end = run.span()
        if end - start >= MIN_LEN and _DIGIT_RE.search(norm, start, end):
            found.append(
                [Token(t.group(), t.start(), t.end()) for t in TOKEN_RE.finditer(norm, start, end)]
            )
    return found


def looks_like_number(token: str) -> bool:
    """Long enough, with enough digits, to be a number of a shape we do not know."""
    if len(token) < _UNKNOWN_MIN_LEN:
        return False
    return sum(map(str.isdigit, token)) >= _UNKNOWN_MIN_DIGITS


def segment(tokens: list[Token]) -> list[Segment]:
    """Split one run into numbers, maximising the total plausibility."""
    if len(tokens) == 1:
        (token,) = tokens
        found = readings.readings_of(token.text)
        if found or looks_like_number(token.text):
            return [Segment(token.start, token.end, token.text, found)]
        return []
    gaps = _cut_costs(tokens)
    n = len(tokens)
    # best[i]: the best total for tokens i.., choice[i]: the segment it starts with (if any).
    best = [0.0] * (n + 1)
    choice: list[tuple[int, str, list[Reading]] | None] = [None] * (n + 1)
    # strong[j]: token j alone is a number by a strong format (known for j > i when i is tried).
    strong = [False] * n
    for i in range(n - 1, -1, -1):
        best[i] = best[i + 1] - gaps[i]  # token i left out
        for j, number, found in _segments_from(tokens, i, strong):
            if found:
                score = max(r.score for r in found)
                if score < UNKNOWN_SCORE and j == i and looks_like_number(number):
                    # A known shape that fails (an S10 look-alike with a wrong check digit and
                    # no country) is still at least as much a number as an unknown token.
                    score = UNKNOWN_SCORE
            elif j == i and looks_like_number(number):
                score = UNKNOWN_SCORE
            else:
                continue
            total = score - _SEGMENT_COST - gaps[j] + best[j + 1]
            if total >= best[i]:  # ties go to the segment, and to the longer one
                best[i] = total
                choice[i] = (j, number, found)
    segments = []
    i = 0
    while i < n:
        chosen = choice[i]
        if chosen is None:
            i += 1
            continue
        j, number, found = chosen
        segments.append(Segment(tokens[i].start, tokens[j].end, number, found))
        i = j + 1
    return segments


def _cut_costs(tokens: list[Token]) -> list[float]:
    """The cost of cutting after each token (nothing after the last one)."""
    costs = [0.0] * len(tokens)
    for i, (left, right) in enumerate(pairwise(tokens)):
        if right.start - left.end != 1:
            continue  # more than one separator: a cut costs nothing
        left_digit, right_digit = not left.text.isalpha(), not right.text.isalpha()
        if left_digit and right_digit:
            costs[i] = _SPLIT_PENALTY
        elif (left_digit and len(right.text) <= 3) or (right_digit and len(left.text) <= 3):
            costs[i] = _AFFIX_PENALTY
    return costs


def _segments_from(
    tokens: list[Token], i: int, strong: list[bool]
) -> list[tuple[int, str, list[Reading]]]:
    """The candidate numbers starting at token ``i``: (last token, compact number, readings) for
    every stretch of tokens that holds a digit and may be a number; marks ``strong[i]``."""
    candidates = []
    number = ""
    has_digit = has_alpha = spans_strong = False
    for j in range(i, len(tokens)):
        text = tokens[j].text
        if not text.isalpha():
            has_digit = True
        elif len(text) > 3:
            break  # a word, never part of a number
        if not text.isdigit():
            has_alpha = True
        number += text
        if len(number) > MAX_LEN:
            break
        if j > i and strong[j]:
            spans_strong = True
        if not has_digit or len(number) < MIN_LEN:
            continue
        if j == i:
            found = readings.read(readings.ALPHA if has_alpha else readings.ALL, number)
            if found and not all(r.fmt.id in readings.WEAK_IDS for r in found):
                strong[i] = spans_strong = True
        elif spans_strong:
            # A weak catch-all shape (DHL eCommerce's 10-39 alphanumerics) must not glue a
            # complete number to its neighbours ("LX…CN ok", or three numbers in a list).
            table = readings.STRONG_ALPHA if has_alpha else readings.STRONG
            found = readings.read(table, number)
        else:
            found = readings.read(readings.ALPHA if has_alpha else readings.ALL, number)
        candidates.append((j, number, found))
    return candidates
