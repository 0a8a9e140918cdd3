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
from typing import Any, NamedTuple

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


# The same five facts as a plain tuple (built for every candidate, so no class on the hot path),
# plus what explaining it needs: (service, country) for S10, ``_CarrierFacts`` otherwise.
_Reading = tuple[Format, re.Match[str], CheckDigit, "str | None", float, Any]


# --- S10 country suffixes -------------------------------------------------------------------

_ISO, _PRIVATE, _NOT_COUNTRY = 0, 1, 2
# (kind of suffix, carrier, carrier name, post URL) by the last two letters.
_CcInfo = tuple[int, "str | None", "str | None", "str | None"]
_CC_INFO: dict[str, _CcInfo] = {}
_NOT_COUNTRY_INFO: _CcInfo = (_NOT_COUNTRY, None, None, None)


def _cc_info() -> dict[str, _CcInfo]:
    """Every known suffix, classified once (Babel's territory list is loaded on first use)."""
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


# Per carrier format: notes when the check digit is fine / wrong, and the weight by verdict.
_CarrierFacts = tuple[tuple[str, ...], tuple[str, ...], dict[CheckDigit, float]]
_Test = Callable[[str], "_Reading | None"]

_RESERVED_FIRST = s10.RESERVED_FIRST


def _carrier_facts(fmt: Format) -> _CarrierFacts:
    note = (fmt.note,) if fmt.note else ()
    weights = {check: fmt.prior * factor for check, factor in _CHECK_FACTOR.items()}
    return note, (_NOTE_WRONG_CHECK, *note), weights


def _make_test(fmt: Format) -> _Test:
    """``fmt`` as one function: number -> reading or ``None``, its constants bound once."""
    fullmatch = fmt.regex.fullmatch
    check_fn = checker(fmt.checksum, fmt.params) if fmt.checksum else None
    prefix_match = fmt.prefix_re.match if fmt.prefix_re is not None else None
    prefix = fmt.serial_prefix[1] if fmt.serial_prefix else ""

    def verdict(m: re.Match[str]) -> tuple[CheckDigit, str | None]:
        if check_fn is None:
            return _NONE, None
        serial, digit = m.group("serial", "check")
        if prefix_match is not None and prefix_match(serial):
            serial = prefix + serial
        want = check_fn(serial)
        return (_VALID if want == digit else _INVALID), want

    if fmt.kind is Kind.S10:

        def test_s10(number: str) -> _Reading | None:
            m = fullmatch(number)
            if m is None:
                return None
            svc, cc = m.group("svc", "cc")
            if svc[0] in _RESERVED_FIRST:
                return None  # never an S10 number
            check, want = verdict(m)
            known = cc in (_CC_INFO or _cc_info())
            score = (10.0 if known else 3.0) if check is _VALID else (5.0 if known else 1.0)
            return fmt, m, check, want, score, (svc, cc)

        return test_s10

    facts = _carrier_facts(fmt)
    # Segmentation score by verdict; a broad (digits-only) shape with a wrong check is no reading.
    scores = (
        {_VALID: 6.0, _NONE: 4.0, _INVALID: None}
        if fmt.broad
        else {_VALID: 8.0, _NONE: 6.0, _INVALID: 3.0}
    )

    def test_carrier(number: str) -> _Reading | None:
        m = fullmatch(number)
        if m is None:
            return None
        check, want = verdict(m)
        score = scores[check]
        if score is None:
            return None
        return fmt, m, check, want, score, facts

    return test_carrier


_TESTS = {id(f): _make_test(f) for f in FORMATS}
# Length, then first character -> the formats worth trying (in table order).
_BY_LEN: list[dict[str, tuple[_Test, ...]]] = [{} for _ in range(MAX_LEN + 1)]
for (_n, _ch), _fmts in DISPATCH.items():
    _BY_LEN[_n][_ch] = tuple(_TESTS[id(f)] for f in _fmts)


def _classify(number: str) -> list[_Reading]:
    """``classify`` over a normalised (ASCII, upper-case, compact) number, as plain tuples."""
    readings: list[_Reading] = []
    if len(number) > MAX_LEN:
        return readings
    bucket = _BY_LEN[len(number)].get(number[:1])
    if bucket is not None:
        for test in bucket:
            reading = test(number)
            if reading is not None:
                readings.append(reading)
    return readings


def classify(number: str) -> list[Reading]:
    """Every format whose shape ``number`` (compact) has, with a score for segmentation."""
    if not number.isascii() or not number.isupper():
        number = normalize(number)  # the hot path only ever sees normalised numbers
    return [Reading(*r[:5]) for r in _classify(number)]


def _looks_like_number(token: str) -> bool:
    return len(token) >= _UNKNOWN_MIN_LEN and len(_DIGIT_RE.findall(token)) >= _UNKNOWN_MIN_DIGITS


# Formats too loose to decide a segmentation against a strong one: digits-only shapes and the
# low-prior catch-alls.
_WEAK_PRIOR = 0.2
_WEAK_IDS = frozenset(f.id for f in FORMATS if f.broad or f.prior < _WEAK_PRIOR)

# (start, end, compact number, readings) of one number found in a run.
_Segment = tuple[int, int, str, list[_Reading]]


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
    tokens = [m.span() for m in TOKEN_RE.finditer(norm, run_start, run_end)]
    n = len(tokens)
    texts = [norm[s:e] for s, e in tokens]
    has_digit = [not t.isalpha() for t in texts]  # tokens are [A-Z0-9]+
    # Cost of cutting between two tokens one separator apart (they likely form one number).
    gap = [0.0] * n
    for i in range(n - 1):
        if tokens[i + 1][0] - tokens[i][1] != 1:
            continue
        left_digit, right_digit = has_digit[i], has_digit[i + 1]
        if left_digit and right_digit:
            gap[i] = _SPLIT_PENALTY
        elif (left_digit and len(texts[i + 1]) <= 3) or (right_digit and len(texts[i]) <= 3):
            gap[i] = 1.0  # a short letter prefix or suffix such as "LX 123" or "... CN"
    best = [0.0] * (n + 1)
    choice: list[_Segment | None] = [None] * (n + 1)
    # Tokens that are a number on their own by a strong format (filled as i goes down).
    strong = [False] * n
    for i in range(n - 1, -1, -1):
        best_i = best[i + 1] - gap[i]
        joined = ""
        digits = False
        spans_strong = False
        for j in range(i, n):
            token = texts[j]
            if has_digit[j]:
                digits = True
            elif len(token) > 3:
                break  # a word, never part of a number
            joined += token
            if len(joined) > MAX_LEN:
                break
            if j > i and strong[j]:
                spans_strong = True
            if not digits or len(joined) < MIN_LEN:
                continue
            readings = _classify(joined)
            if j == i:
                if readings and not all([r[0].id in _WEAK_IDS for r in readings]):
                    strong[i] = spans_strong = True
            elif spans_strong and readings:
                # A weak catch-all shape (DHL eCommerce's 10-39 alphanumerics) must not glue a
                # complete number to its neighbours ("LX…CN ok", or three numbers in a list).
                readings = [r for r in readings if r[0].id not in _WEAK_IDS]
            if readings:
                score = max([r[4] for r in readings])
                if score < _UNKNOWN_SCORE and j == i and _looks_like_number(joined):
                    # A known shape that fails (an S10 look-alike with a wrong check digit and
                    # no country) is still at least as much a number as an unknown token.
                    score = _UNKNOWN_SCORE
            elif j == i and _looks_like_number(joined):
                score = _UNKNOWN_SCORE
            else:
                continue
            total = score - _SEGMENT_COST - gap[j] + best[j + 1]
            if total >= best_i:  # ties go to the segment, and to the longer one
                best_i = total
                choice[i] = (tokens[i][0], tokens[j][1], joined, readings)
        best[i] = best_i
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


_find_digit = re.compile(r"[0-9]").search
_match_run = RUN_RE.match
_SEPARATOR_CHARS = frozenset(" .-")


def _runs(norm: str) -> list[tuple[int, int]]:
    """The runs of ``RUN_RE`` that hold a digit (no other run can hold a number), in order.

    Same runs as ``RUN_RE.finditer``, found faster: jump to the next digit (a C scan), step back
    over the letters of its token and over short letter tokens chained before it ("LX 123"),
    then match the run from there. ``RUN_RE`` alone tries a match at every character.
    """
    runs: list[tuple[int, int]] = []
    pos = 0
    while True:
        m = _find_digit(norm, pos)
        if m is None:
            return runs
        start = m.start()
        while start > pos and "A" <= norm[start - 1] <= "Z":
            start -= 1  # the letters before the first digit belong to its token
        while True:  # chained short letter tokens: 1-3 separators, then 1-3 letters
            j = start
            while j > pos and start - j < 3 and norm[j - 1] in _SEPARATOR_CHARS:
                j -= 1
            if j == start:
                break
            w = j
            while w > pos and "A" <= norm[w - 1] <= "Z":
                w -= 1
            if not 1 <= j - w <= 3 or (w > 0 and norm[w - 1].isalnum()):
                break
            start = w
        run = _match_run(norm, start)
        assert run is not None  # start is a token start, so a run starts there
        runs.append(run.span())
        pos = run.end()


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
    for start, end in _runs(norm):
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


def _round2(x: float) -> float:
    """``round(x, 2)`` for 0 <= x, without its decimal conversion (same float, faster)."""
    y = x * 100.0
    i = int(y)
    frac = y - i
    if 0.4999 < frac < 0.5001:
        return round(x, 2)  # near a tie: round() decides on the exact value
    return (i + 1 if frac > 0.5 else i) / 100


def _interpretation(number: str, r: _Reading) -> tuple[Interpretation, float]:
    fmt, _m, check, want, _score, extra = r
    invalid = check is _INVALID
    expected = want if invalid else None
    if fmt.kind is not Kind.S10:
        notes_ok, notes_bad, weights = extra
        interp = Interpretation(
            Kind.CARRIER,
            fmt.id,
            fmt.carrier,
            fmt.name,
            None,
            None,
            None,
            check,
            expected,
            Trackability.INVALID if invalid else fmt.trackability,
            0.0,
            None,
            notes_bad if invalid else notes_ok,
            False,
            (number, fmt, None, None, False, False),
        )
        return interp, weights[check]
    svc, cc = extra
    mode, carrier, carrier_name, post_url = (_CC_INFO or _cc_info()).get(cc, _NOT_COUNTRY_INFO)
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
            (number, fmt, post_url, carrier_name, not invalid and cc != "RU", cc == "CN"),
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
            (number, fmt, None, carrier_name, False, True),  # Yanwen: Chinese
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
            (number, None, None, None, False, False),
        )
    return interp, prior * _CHECK_FACTOR[check]


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
        (number, None, None, None, False, False),
    )


_RESERVED_S10 = re.compile(r"[JKSTW][A-Z]\d{9}[A-Z]{2}")


def _weight(pair: tuple[Interpretation, float]) -> float:
    return -pair[1]


def _explain(raw: str, number: str, readings: Sequence[_Reading]) -> Analysis:
    if not readings:
        best = _unknown(number, _RESERVED_S10.fullmatch(number) is not None)
        return Analysis(raw, number, best, (), Trackability.UNKNOWN)
    if len(readings) == 1:
        best, weight = _interpretation(number, readings[0])
        best.confidence = _round2(weight / max(1.0, weight))
        return Analysis(raw, number, best, (), best.trackability)
    scored = [_interpretation(number, r) for r in readings]
    # Competing readings share the probability mass; a lone weak reading keeps its low prior.
    total = max(1.0, sum([w for _, w in scored]))
    for interp, weight in scored:
        interp.confidence = _round2(weight / total)
    scored.sort(key=_weight)
    best = scored[0][0]
    return Analysis(raw, number, best, tuple([i for i, _ in scored[1:]]), best.trackability)
