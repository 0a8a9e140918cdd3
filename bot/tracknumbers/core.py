"""Finding numbers in free text and explaining each: pure functions over the format table.

Hot path notes (the explainer runs on every chat message): the per-format facts that never change
(bound ``fullmatch``, bound checksum, scores, notes, names) are precomputed once into
``_Matcher`` rows; readings are plain tuples; an input that is one bare token skips the run
finder. Every reading still gets its regex match, checksum verdict, trackability and confidence
for every input; only the link URLs are built on first access (see ``Interpretation.links``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import NamedTuple

from bot.i18n import N_
from bot.tracknumbers import s10
from bot.tracknumbers.checksums import checker
from bot.tracknumbers.formats import DISPATCH, FORMATS, MAX_LEN, MIN_LEN, Format
from bot.tracknumbers.model import (
    Analysis,
    CheckDigit,
    FoundNumbers,
    Interpretation,
    Kind,
    Trackability,
)
from bot.tracknumbers.normalize import RUN_RE, TOKEN_RE, compact, normalize

DEFAULT_LIMIT = 20
_DIGIT_RE = re.compile(r"\d")
_UNKNOWN_MIN_LEN = 8
_UNKNOWN_MIN_DIGITS = 6
_SPLIT_PENALTY = 5.0
_SEGMENT_COST = 3.0
_UNKNOWN_SCORE = 3.5

_VALID = CheckDigit.VALID
_INVALID = CheckDigit.INVALID
_NONE = CheckDigit.NONE
_CHECK_FACTOR = {_VALID: 1.0, _NONE: 0.7, _INVALID: 0.35}

_NOTE_WRONG_CHECK = N_(
    "The check digit does not match: a typo or an invented number. Compare it with the order "
    "page; if it is copied correctly, ask the seller for the right number."
)
_NOTE_RESERVED = N_(
    "Numbers starting with J, K, S, T or W are never issued as international postal numbers."
)
_NOTE_PRIVATE = N_(
    "The last two letters are not a country: this is the carrier's own number in the postal "
    "format, tracked on its site and on 17TRACK."
)
_NOTE_NOT_COUNTRY = N_(
    "Shaped like an international postal number, but the last two letters are not a country code."
)


class Reading(NamedTuple):
    """A format that matched, with its checksum verdict (expanded only when reported)."""

    fmt: Format
    match: re.Match[str]
    check: CheckDigit
    expected: str | None
    score: float


# The same five facts as a plain tuple: built for every candidate, so no class on the hot path.
_Reading = tuple[Format, re.Match[str], CheckDigit, "str | None", float]


class _Matcher(NamedTuple):
    """One format, with everything the hot path needs bound or precomputed."""

    fmt: Format
    fullmatch: Callable[[str], re.Match[str] | None]
    check_fn: Callable[[str], str] | None
    prefix_match: Callable[[str], re.Match[str] | None] | None
    prefix: str
    is_s10: bool
    broad: bool
    # Carrier readings: notes when the check digit is fine / wrong, and weight by verdict.
    notes_ok: tuple[str, ...]
    notes_bad: tuple[str, ...]
    weights: dict[CheckDigit, float]


def _matcher(fmt: Format) -> _Matcher:
    note = (fmt.note,) if fmt.note else ()
    return _Matcher(
        fmt=fmt,
        fullmatch=fmt.regex.fullmatch,
        check_fn=checker(fmt.checksum, fmt.params) if fmt.checksum else None,
        prefix_match=fmt.prefix_re.match if fmt.prefix_re is not None else None,
        prefix=fmt.serial_prefix[1] if fmt.serial_prefix else "",
        is_s10=fmt.kind is Kind.S10,
        broad=fmt.broad,
        notes_ok=note,
        notes_bad=(_NOTE_WRONG_CHECK, *note),
        weights={check: fmt.prior * factor for check, factor in _CHECK_FACTOR.items()},
    )


_MATCHERS = {id(f): _matcher(f) for f in FORMATS}
# Length, then first character -> the formats worth trying (the same rows, in table order).
_BY_LEN: list[dict[str, tuple[_Matcher, ...]]] = [{} for _ in range(MAX_LEN + 1)]
for (_n, _ch), _fmts in DISPATCH.items():
    _BY_LEN[_n][_ch] = tuple(_MATCHERS[id(f)] for f in _fmts)


# --- S10 country suffixes -------------------------------------------------------------------

_ISO, _PRIVATE, _NOT_COUNTRY = 0, 1, 2
# (kind of suffix, carrier, carrier name, post URL) by the last two letters.
_CcInfo = tuple[int, "str | None", "str | None", "str | None"]
_CC_INFO: dict[str, _CcInfo] = {}
_NOT_COUNTRY_INFO: _CcInfo = (_NOT_COUNTRY, None, None, None)


def _cc_info() -> dict[str, _CcInfo]:
    """Every two-letter suffix, classified once (Babel's territory list is loaded on first use)."""
    if not _CC_INFO:
        for cc in s10.iso_countries():
            post = s10.POSTS.get(cc)
            if post is not None:
                _CC_INFO[cc] = (_ISO, post.slug, post.name, post.url)
            else:
                _CC_INFO[cc] = (_ISO, f"post_{cc.lower()}", None, None)
        for cc, (carrier, name) in s10.PRIVATE_SUFFIXES.items():
            _CC_INFO[cc] = (_PRIVATE, carrier, name, None)
    return _CC_INFO


_RESERVED_FIRST = s10.RESERVED_FIRST


def _classify(number: str) -> list[_Reading]:
    """``classify`` over a normalised (ASCII, upper-case, compact) number, as plain tuples."""
    readings: list[_Reading] = []
    bucket = _BY_LEN[len(number)].get(number[:1]) if len(number) <= MAX_LEN else None
    if bucket is None:
        return readings
    for row in bucket:
        m = row.fullmatch(number)
        if m is None:
            continue
        if row.is_s10:
            svc, cc = m.group("svc", "cc")
            if svc[0] in _RESERVED_FIRST:
                continue  # never an S10 number (score 0)
        check_fn = row.check_fn
        if check_fn is None:
            check, want = _NONE, None
        else:
            serial, digit = m.group("serial", "check")
            if row.prefix_match is not None and row.prefix_match(serial):
                serial = row.prefix + serial
            want = check_fn(serial)
            check = _VALID if want == digit else _INVALID
        if row.is_s10:
            known = (_CC_INFO or _cc_info()).get(cc) is not None
            score = (10.0 if known else 3.0) if check is _VALID else (5.0 if known else 1.0)
        elif check is _INVALID:
            if row.broad:
                continue  # a digits-only shape with a wrong check is simply not this format
            score = 3.0
        elif check is _VALID:
            score = 6.0 if row.broad else 8.0
        else:
            score = 4.0 if row.broad else 6.0
        readings.append((row.fmt, m, check, want, score))
    return readings


def classify(number: str) -> list[Reading]:
    """Every format whose shape ``number`` (compact) has, with a score for segmentation."""
    if not number.isascii() or not number.isupper():
        number = normalize(number)  # the hot path only ever sees normalised numbers
    return [Reading(*r) for r in _classify(number)]


def _looks_like_number(token: str) -> bool:
    return len(token) >= _UNKNOWN_MIN_LEN and len(_DIGIT_RE.findall(token)) >= _UNKNOWN_MIN_DIGITS


# (start, end, compact number, readings) of one number found in a run.
_Segment = tuple[int, int, str, list[_Reading]]


def _gap_penalty(left: str, right: str, left_digit: bool, right_digit: bool) -> float:
    """Cost of cutting between two tokens one separator apart (they likely form one number)."""
    if left_digit and right_digit:
        return _SPLIT_PENALTY
    if (left_digit and len(right) <= 3) or (right_digit and len(left) <= 3):
        return 1.0  # a short letter prefix or suffix such as "LX 123" or "... CN"
    return 0.0


def _segment_run(norm: str, run_start: int, run_end: int) -> list[_Segment]:
    """Split one run of tokens into numbers, maximising the total plausibility (small DP)."""
    if run_end - run_start < MIN_LEN:
        return []  # too short to hold any number we know (or to look like one)
    token = norm[run_start:run_end]
    if token.isalnum():
        readings = _classify(token)
        if readings or _looks_like_number(token):
            return [(run_start, run_end, token, readings)]
        return []
    tokens = [(m.start(), m.end()) for m in TOKEN_RE.finditer(norm, run_start, run_end)]
    n = len(tokens)
    texts = [norm[s:e] for s, e in tokens]
    has_digit = [not t.isalpha() for t in texts]  # tokens are [A-Z0-9]+
    gap = [
        _gap_penalty(texts[i], texts[i + 1], has_digit[i], has_digit[i + 1])
        if tokens[i + 1][0] - tokens[i][1] == 1
        else 0.0
        for i in range(n - 1)
    ]
    gap.append(0.0)
    best = [0.0] * (n + 1)
    choice: list[_Segment | None] = [None] * (n + 1)
    for i in range(n - 1, -1, -1):
        best[i] = best[i + 1] - gap[i]
        joined = ""
        digits = False
        for j in range(i, n):
            token = texts[j]
            if not has_digit[j] and len(token) > 3:
                break  # a word, never part of a number
            joined += token
            digits = digits or has_digit[j]
            if len(joined) > MAX_LEN:
                break
            if not digits or len(joined) < MIN_LEN:
                continue
            readings = _classify(joined)
            if readings:
                score = max(r[4] for r in readings)
            elif j == i and _looks_like_number(joined):
                score = _UNKNOWN_SCORE
            else:
                continue
            total = score - _SEGMENT_COST - gap[j] + best[j + 1]
            if total >= best[i]:  # ties go to the segment, and to the longer one
                best[i] = total
                choice[i] = (tokens[i][0], tokens[j][1], joined, readings)
    out: list[_Segment] = []
    i = 0
    while i < n:
        seg = choice[i]
        if seg is None:
            i += 1
            continue
        out.append(seg)
        while i < n and tokens[i][0] < seg[1]:
            i += 1
    return out


def find_numbers(text: str, limit: int = DEFAULT_LIMIT) -> FoundNumbers:
    """Every candidate number in ``text`` (deduplicated), the first ``limit`` explained."""
    norm = normalize(text)
    items: list[Analysis] = []
    if norm.isalnum():
        # One bare token (the usual paste): the run finder would return it whole.
        if len(norm) >= MIN_LEN:
            readings = _classify(norm)
            if readings or _looks_like_number(norm):
                if limit > 0:
                    items.append(_explain(text, norm, readings))
                return FoundNumbers(items, 1, not items)
        return FoundNumbers(items, 0, False)
    total = 0
    seen: set[str] = set()
    for run in RUN_RE.finditer(norm):
        start, end = run.span()
        if end - start < MIN_LEN:
            continue
        for seg_start, seg_end, number, readings in _segment_run(norm, start, end):
            if number in seen:
                continue
            seen.add(number)
            total += 1
            if len(items) < limit:
                items.append(_explain(text[seg_start:seg_end], number, readings))
    return FoundNumbers(items, total, total > len(items))


def analyze(number: str) -> Analysis:
    """Explain one number the user typed (any separators, case or look-alike letters)."""
    number_c = compact(number)
    readings = _classify(number_c) if MIN_LEN <= len(number_c) <= MAX_LEN else []
    return _explain(number.strip(), number_c, readings)


# --- building the explanation ------------------------------------------------------------------


def _s10_interpretation(number: str, r: _Reading) -> tuple[Interpretation, float]:
    fmt, m, check, want, _score = r
    svc, cc = m.group("svc", "cc")
    mode, carrier, carrier_name, post_url = (_CC_INFO or _cc_info()).get(cc, _NOT_COUNTRY_INFO)
    invalid = check is _INVALID
    expected = want if invalid else None
    if mode == _ISO:
        cls = s10.SERVICE_BY_CODE.get(svc, s10.UNASSIGNED)
        note = cls.note
        if note:
            notes: tuple[str, ...] = (_NOTE_WRONG_CHECK, note) if invalid else (note,)
        else:
            notes = (_NOTE_WRONG_CHECK,) if invalid else ()
        prior = 0.95 if cls.trackability is not Trackability.UNKNOWN else 0.6
        interp = Interpretation(
            Kind.S10,
            "s10",
            carrier,
            carrier_name,
            svc,
            cls.meaning,
            cc,
            check,
            expected,
            Trackability.INVALID if invalid else cls.trackability,
            0.0,
            None,
            notes,
            False,
            (number, fmt, post_url, carrier_name, not invalid and cc != "RU"),
        )
    elif mode == _PRIVATE:
        prior = 0.75
        interp = Interpretation(
            Kind.S10,
            f"s10_{carrier}",
            carrier,
            carrier_name,
            None,
            None,
            None,
            check,
            expected,
            Trackability.INVALID if invalid else Trackability.INTERNATIONAL,
            0.0,
            None,
            (_NOTE_WRONG_CHECK, _NOTE_PRIVATE) if invalid else (_NOTE_PRIVATE,),
            True,
            (number, fmt, None, carrier_name, False),
        )
    else:
        prior = 0.3
        interp = Interpretation(
            Kind.UNKNOWN,
            "s10",
            None,
            None,
            None,
            None,
            None,
            check,
            expected,
            Trackability.INVALID if invalid else Trackability.UNKNOWN,
            0.0,
            None,
            (_NOTE_WRONG_CHECK, _NOTE_NOT_COUNTRY) if invalid else (_NOTE_NOT_COUNTRY,),
            False,
            (number, None, None, None, False),
        )
    return interp, prior * _CHECK_FACTOR[check]


def _carrier_interpretation(number: str, r: _Reading) -> tuple[Interpretation, float]:
    fmt, _m, check, want, _score = r
    row = _MATCHERS[id(fmt)]
    invalid = check is _INVALID
    interp = Interpretation(
        Kind.CARRIER,
        fmt.id,
        fmt.carrier,
        fmt.name,
        None,
        None,
        None,
        check,
        want if invalid else None,
        Trackability.INVALID if invalid else fmt.trackability,
        0.0,
        None,
        row.notes_bad if invalid else row.notes_ok,
        False,
        (number, fmt, None, None, False),
    )
    return interp, row.weights[check]


def _unknown(number: str, reserved: bool) -> Interpretation:
    return Interpretation(
        Kind.UNKNOWN,
        None,
        None,
        None,
        None,
        None,
        None,
        _NONE,
        None,
        Trackability.UNKNOWN,
        0.0,
        None,
        (_NOTE_RESERVED,) if reserved else (),
        False,
        (number, None, None, None, False),
    )


_RESERVED_S10 = re.compile(r"[JKSTW][A-Z]\d{9}[A-Z]{2}")


def _explain(raw: str, number: str, readings: Sequence[_Reading]) -> Analysis:
    if not readings:
        best = _unknown(number, _RESERVED_S10.fullmatch(number) is not None)
        return Analysis(raw, number, best, (), Trackability.UNKNOWN)
    scored = [
        _s10_interpretation(number, r)
        if r[0].kind is Kind.S10
        else _carrier_interpretation(number, r)
        for r in readings
    ]
    # Competing readings share the probability mass; a lone weak reading keeps its low prior.
    total = max(1.0, sum(w for _, w in scored))
    for interp, weight in scored:
        interp.confidence = round(weight / total, 2)
    if len(scored) > 1:
        scored.sort(key=lambda pair: -pair[1])
    best = scored[0][0]
    return Analysis(raw, number, best, tuple(i for i, _ in scored[1:]), best.trackability)
