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
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

from bot.core.tracknumbers import readings
from bot.core.tracknumbers.formats import MAX_LEN, MIN_LEN
from bot.core.tracknumbers.readings import Reading

# A token is a word with a digit, or 1-3 letters; a run is tokens 1-3 separators apart. Only runs
# with a digit may hold numbers, so a run starts with its short letter groups, then a token
# with a digit, then any tokens. The quantifiers are possessive (``*+``): letters, digits and
# separators are disjoint classes, so giving characters back never finds another match, and not
# trying spares the engine a backtrack through every ordinary word.
_LETTERS = r"[A-Z]{1,3}+(?![A-Z0-9])"
_WITH_DIGIT = r"[A-Z]*+\d[A-Z0-9]*+"
_SEP = r"[ .\-]{1,3}+"
RUN_RE = re.compile(
    rf"(?<![A-Z0-9])(?:{_LETTERS}{_SEP})*{_WITH_DIGIT}(?:{_SEP}(?:{_WITH_DIGIT}|{_LETTERS}))*"
)
TOKEN_RE = re.compile(r"[A-Z0-9]+")

_UNKNOWN_MIN_LEN = 8
_UNKNOWN_MIN_DIGITS = 6
# No carrier's number is longer (the longest known format is far shorter); a longer digit run is
# no number: refused, never stored or explained (issue 14: a 4,096-digit "number" was stored).
UNKNOWN_MAX_LEN = 40
# A token of an unknown shape that looks like a number scores as much as a failed known shape.
UNKNOWN_SCORE = 3.5
_SEGMENT_COST = 3.0
# Cutting between two digit groups one separator apart ("123 456"): they likely form one number.
_SPLIT_PENALTY = 5.0
# Cutting off a short letter group next to digits ("LX 123", "... CN").
_AFFIX_PENALTY = 1.0


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int
    has_digit: bool
    has_letter: bool


class Segment(NamedTuple):
    """One number found in a run: where it is in the text, its compact form, its readings."""

    start: int
    end: int
    number: str
    readings: list[Reading]


def runs(norm: str) -> list[tuple[int, int]]:
    """Where the runs of tokens that may hold a number are in ``norm``: (start, end) spans."""
    return [run.span() for run in RUN_RE.finditer(norm) if run.end() - run.start() >= MIN_LEN]


def looks_like_number(token: str) -> bool:
    """Long enough, with enough digits, to be a number of a shape we do not know (and not
    longer than any number is)."""
    if not _UNKNOWN_MIN_LEN <= len(token) <= UNKNOWN_MAX_LEN:
        return False
    return sum(map(str.isdigit, token)) >= _UNKNOWN_MIN_DIGITS


def too_long(token: str) -> bool:
    """A token that would look like a number but is longer than any number is."""
    return len(token) > UNKNOWN_MAX_LEN and sum(map(str.isdigit, token)) >= _UNKNOWN_MIN_DIGITS


def segment(norm: str, start: int, end: int) -> list[Segment]:
    """Split the run ``norm[start:end]`` into numbers, maximising the total plausibility."""
    text = norm[start:end]
    if text.isalnum():  # one token, the usual case: no choice to make
        found = readings.readings_of(text)
        if found or looks_like_number(text):
            return [Segment(start, end, text, found)]
        return []
    tokens = []
    for match in TOKEN_RE.finditer(norm, start, end):
        token = match.group()
        tokens.append(
            Token(token, match.start(), match.end(), not token.isalpha(), not token.isdigit())
        )
    return _best_split(tokens)


def _best_split(tokens: list[Token]) -> list[Segment]:
    """The segments of the best split of a run (dynamic programming from the last token)."""
    n = len(tokens)
    cuts = _cut_costs(tokens)
    # best[i]: the best total for tokens i.., choice[i]: the segment it starts with (if any) and
    # that segment's last token.
    best = [0.0] * (n + 1)
    choice: list[tuple[Segment, int] | None] = [None] * (n + 1)
    # strong[j]: token j alone is a number by a strong format (known for j > i when i is tried).
    strong = [False] * n
    # From token i on: how many characters are left, and whether a digit is among them.
    rest = [0] * (n + 1)
    rest_digit = [False] * (n + 1)
    for i in range(n - 1, -1, -1):
        rest[i] = rest[i + 1] + len(tokens[i].text)
        rest_digit[i] = rest_digit[i + 1] or tokens[i].has_digit
    for i in range(n - 1, -1, -1):
        best[i] = best[i + 1] - cuts[i]  # token i left out
        if rest[i] < MIN_LEN or not rest_digit[i]:
            continue  # no number can start here
        number = ""
        has_digit = has_letter = spans_strong = False
        for j in range(i, n):
            token = tokens[j]
            number += token.text
            size = len(number)
            if size > MAX_LEN:
                break
            has_digit = has_digit or token.has_digit
            has_letter = has_letter or token.has_letter
            spans_strong = spans_strong or (j > i and strong[j])
            if not has_digit or size < MIN_LEN:
                continue
            if spans_strong:
                # A weak catch-all shape (DHL eCommerce's 10-39 alphanumerics) must not glue a
                # complete number to its neighbours ("LX…CN ok", or three numbers in a list).
                table = readings.STRONG_ALPHA if has_letter else readings.STRONG
            else:
                table = readings.ALPHA if has_letter else readings.ALL
            found = readings.read(table, number)
            if j == i and found and not all(r.fmt.id in readings.WEAK_IDS for r in found):
                strong[i] = spans_strong = True
            score = _score(number, found, alone=j == i)
            if score is None:
                continue
            total = score - _SEGMENT_COST - cuts[j] + best[j + 1]
            if total >= best[i]:  # ties go to the segment, and to the longer one
                best[i] = total
                choice[i] = (Segment(tokens[i].start, token.end, number, found), j)
    return _follow(choice)


def _follow(choice: list[tuple[Segment, int] | None]) -> list[Segment]:
    """The segments of the best split, from the choice made at each token."""
    segments = []
    i = 0
    while i < len(choice):
        chosen = choice[i]
        if chosen is None:
            i += 1
            continue
        chosen_segment, last = chosen
        segments.append(chosen_segment)
        i = last + 1
    return segments


def _score(number: str, found: list[Reading], alone: bool) -> float | None:
    """How much ``number`` looks like a number (``None``: not at all)."""
    score = max([r.score for r in found]) if found else None
    # A lone token of an unknown shape (or of a known one that fails, such as an S10 look-alike
    # with a wrong check digit and no country) is still a number, if it looks like one.
    if alone and (score is None or score < UNKNOWN_SCORE) and looks_like_number(number):
        return UNKNOWN_SCORE
    return score


def _cut_costs(tokens: list[Token]) -> list[float]:
    """The cost of cutting after each token (nothing after the last one)."""
    costs = [0.0] * len(tokens)
    for i, (left, right) in enumerate(pairwise(tokens)):
        if right.start - left.end != 1:
            continue  # more than one separator: a cut costs nothing
        if left.has_digit and right.has_digit:
            costs[i] = _SPLIT_PENALTY
        elif (left.has_digit and len(right.text) <= 3) or (right.has_digit and len(left.text) <= 3):
            costs[i] = _AFFIX_PENALTY
    return costs
