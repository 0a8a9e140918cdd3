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
from itertools import accumulate
from typing import Final, NamedTuple

from bot.i18n import N_
from bot.tracknumbers import s10
from bot.tracknumbers.checksums import checker
from bot.tracknumbers.formats import (
    DIGITS_ONLY,
    DISPATCH,
    FORMATS,
    MAX_LEN,
    MIN_LEN,
    PREFIX_LEN,
    Format,
)
from bot.tracknumbers.model import (
    Analysis,
    CheckDigit,
    Facts,
    FoundNumbers,
    Interpretation,
    Kind,
    Trackability,
)
from bot.tracknumbers.normalize import RUN_RE, compact, normalize

DEFAULT_LIMIT: Final = 20
_DIGIT_RE: Final = re.compile(r"\d")
_UNKNOWN_MIN_LEN: Final = 8
_UNKNOWN_MIN_DIGITS: Final = 6
_SPLIT_PENALTY: Final = 5.0
_SEGMENT_COST: Final = 3.0
_UNKNOWN_SCORE: Final = 3.5

_VALID: Final = CheckDigit.VALID
_INVALID: Final = CheckDigit.INVALID
_NONE: Final = CheckDigit.NONE
_CHECK_FACTOR = {_VALID: 1.0, _NONE: 0.7, _INVALID: 0.35}
_TRACK_UNKNOWN: Final = Trackability.UNKNOWN

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


# One candidate reading as a plain tuple (built for every candidate, so no class on the hot
# path): segmentation score, format, verdict, expected digit, the shared facts, the S10 service
# (code and class), the weight for confidence, and the trackability.
_Reading = tuple[
    float,
    Format,
    CheckDigit,
    "str | None",
    Facts,
    "str | None",
    "s10.ServiceClass | None",
    float,
    Trackability,
]

_RESERVED_FIRST: Final = s10.RESERVED_FIRST
_S10_FORMAT: Final = next(f for f in FORMATS if f.kind is Kind.S10)


# --- shared facts -----------------------------------------------------------------------------


def _weights(prior: float) -> dict[CheckDigit, float]:
    return {check: prior * factor for check, factor in _CHECK_FACTOR.items()}


def _carrier_facts(fmt: Format) -> Facts:
    note = (fmt.note,) if fmt.note else ()
    return Facts(
        Kind.CARRIER,
        fmt.id,
        fmt.carrier,
        fmt.name,
        None,
        fmt.trackability,
        note,
        (_NOTE_WRONG_CHECK, *note),
        link_format=fmt,
    )


# S10 service indicators: (class, weight if the check digit holds, weight if not).
_SvcInfo = tuple[s10.ServiceClass, float, float]


def _svc_info(cls: s10.ServiceClass) -> _SvcInfo:
    weights = _weights(0.95 if cls.trackability is not Trackability.UNKNOWN else 0.6)
    return cls, weights[_VALID], weights[_INVALID]


_SVC_UNASSIGNED: Final = _svc_info(s10.UNASSIGNED)
_SVC_INFO: Final[dict[str, _SvcInfo]] = {
    code: _svc_info(cls) for code, cls in s10.SERVICE_BY_CODE.items()
}

# S10 suffixes: (facts, score valid, score invalid, is an ISO country, weight valid, invalid).
_CcInfo = tuple[Facts, float, float, bool, float, float]
_CC_INFO: Final[dict[str, _CcInfo]] = {}
_NOT_COUNTRY_WEIGHTS = _weights(0.3)
_NOT_COUNTRY_INFO: Final[_CcInfo] = (
    Facts(
        Kind.UNKNOWN,
        "s10",
        None,
        None,
        None,
        Trackability.UNKNOWN,
        (_NOTE_NOT_COUNTRY,),
        (_NOTE_WRONG_CHECK, _NOTE_NOT_COUNTRY),
    ),
    3.0,
    1.0,
    False,
    _NOT_COUNTRY_WEIGHTS[_VALID],
    _NOT_COUNTRY_WEIGHTS[_INVALID],
)
_UNKNOWN_FACTS: Final = Facts(Kind.UNKNOWN, None, None, None, None, Trackability.UNKNOWN, (), ())
_RESERVED_FACTS: Final = Facts(
    Kind.UNKNOWN, None, None, None, None, Trackability.UNKNOWN, (_NOTE_RESERVED,), ()
)


def _cc_info() -> dict[str, _CcInfo]:
    """Every known suffix, classified once (Babel's territory list is loaded on first use)."""
    if not _CC_INFO:
        for cc in s10.iso_countries():
            post = s10.POSTS.get(cc)
            slug, name, url = (
                (post.slug, post.name, post.url) if post else (f"post_{cc.lower()}", None, None)
            )
            facts = Facts(
                Kind.S10,
                "s10",
                slug,
                name,
                cc,
                Trackability.UNKNOWN,  # the service class decides
                (),
                (_NOTE_WRONG_CHECK,),
                link_format=_S10_FORMAT,
                post_url=url,
                post_name=name,
                russian_post=cc != "RU",
                cainiao=cc == "CN",
            )
            _CC_INFO[cc] = (facts, 10.0, 5.0, True, 0.0, 0.0)
        private = _weights(0.75)
        for cc, (carrier, name) in s10.PRIVATE_SUFFIXES.items():
            facts = Facts(
                Kind.S10,
                f"s10_{carrier}",
                carrier,
                name,
                None,
                Trackability.INTERNATIONAL,
                (_NOTE_PRIVATE,),
                (_NOTE_WRONG_CHECK, _NOTE_PRIVATE),
                private_suffix=True,
                link_format=_S10_FORMAT,
                post_name=name,
                cainiao=True,  # every private suffix we know is a Chinese carrier's (Yanwen)
            )
            _CC_INFO[cc] = (facts, 10.0, 5.0, False, private[_VALID], private[_INVALID])
    return _CC_INFO


# --- per-bucket matchers ----------------------------------------------------------------------
#
# The formats worth trying for one (length, first character) are matched by one regex: each
# format's pattern sits in its own ``(?=(...)\Z)`` lookahead (or the empty branch), so a single C
# call tells which formats match and captures their groups. Per format, a handler turns the group
# tuple into a reading; a format without a checksum has one constant reading.

_Groups = tuple["str | None", ...]
_Handler = Callable[[_Groups], "_Reading | None"]
# (index of the format's whole group, constant reading or None, handler or None)
_Step = tuple[int, "_Reading | None", "_Handler | None"]


def _make_step(fmt: Format, index: dict[str, int], tag: str) -> _Step:
    """``fmt`` inside a bucket regex whose groups are named ``tag`` + the format's group name."""
    whole = index[tag]
    check_fn = checker(fmt.checksum, fmt.params) if fmt.checksum else None

    if fmt.kind is Kind.S10:
        assert check_fn is not None and fmt.prefix_re is None
        s10_check = check_fn
        invalid = Trackability.INVALID
        i_svc, i_serial = index[tag + "svc"], index[tag + "serial"]
        i_check, i_cc = index[tag + "check"], index[tag + "cc"]

        def s10_reading(g: _Groups) -> _Reading | None:
            svc = g[i_svc]
            assert svc is not None
            if svc[0] in _RESERVED_FIRST:
                return None  # never an S10 number
            want = s10_check(g[i_serial])  # type: ignore[arg-type]
            facts, score_ok, score_bad, iso, w_ok, w_bad = (_CC_INFO or _cc_info()).get(
                g[i_cc],  # type: ignore[arg-type]
                _NOT_COUNTRY_INFO,
            )
            if iso:
                cls, w_ok, w_bad = _SVC_INFO.get(svc, _SVC_UNASSIGNED)
                if want == g[i_check]:
                    return score_ok, fmt, _VALID, want, facts, svc, cls, w_ok, cls.trackability
                return score_bad, fmt, _INVALID, want, facts, svc, cls, w_bad, invalid
            if want == g[i_check]:
                return score_ok, fmt, _VALID, want, facts, None, None, w_ok, facts.trackability
            return score_bad, fmt, _INVALID, want, facts, None, None, w_bad, invalid

        return whole, None, s10_reading

    facts = _carrier_facts(fmt)
    weights = _weights(fmt.prior)
    # Segmentation score by verdict; a broad (digits-only) shape with a wrong check is no reading.
    scores = (
        {_VALID: 6.0, _NONE: 4.0, _INVALID: None}
        if fmt.broad
        else {_VALID: 8.0, _NONE: 6.0, _INVALID: 3.0}
    )

    def tail(check: CheckDigit) -> tuple[float, float, Trackability] | None:
        score = scores[check]
        if score is None:
            return None
        track = Trackability.INVALID if check is _INVALID else fmt.trackability
        return score, weights[check], track

    if check_fn is None:
        plain = tail(_NONE)
        assert plain is not None
        score, weight, track = plain
        return whole, (score, fmt, _NONE, None, facts, None, None, weight, track), None

    prefix_match = fmt.prefix_re.match if fmt.prefix_re is not None else None
    prefix = fmt.serial_prefix[1] if fmt.serial_prefix else ""
    i_serial, i_check = index[tag + "serial"], index[tag + "check"]
    tail_ok, tail_bad = tail(_VALID), tail(_INVALID)
    assert tail_ok is not None
    score_ok, weight_ok, track_ok = tail_ok

    def checked_reading(g: _Groups) -> _Reading | None:
        serial = g[i_serial]
        assert serial is not None
        if prefix_match is not None and prefix_match(serial):
            serial = prefix + serial
        want = check_fn(serial)
        if want == g[i_check]:
            return score_ok, fmt, _VALID, want, facts, None, None, weight_ok, track_ok
        if tail_bad is None:
            return None
        score, weight, track = tail_bad
        return score, fmt, _INVALID, want, facts, None, None, weight, track

    return whole, None, checked_reading


_GROUP_RE = re.compile(r"\(\?P<(\w+)>")
_Bucket = Callable[[str], "list[_Reading]"]


def _make_bucket(fmts: Sequence[Format]) -> _Bucket:
    """All of ``fmts`` (in table order) as one function: number -> readings."""
    parts = []
    for k, fmt in enumerate(fmts):
        pattern = _GROUP_RE.sub(rf"(?P<f{k}_\1>", fmt.pattern)
        parts.append(f"(?P<f{k}_>{pattern})")
    if len(fmts) == 1:
        regex = re.compile(parts[0])
    else:
        regex = re.compile("".join(f"(?:(?={part}\\Z)|)" for part in parts))
    index = {name: i - 1 for name, i in regex.groupindex.items()}  # into ``groups()``
    steps = tuple(_make_step(fmt, index, f"f{k}_") for k, fmt in enumerate(fmts))

    if len(fmts) == 1:
        fullmatch = regex.fullmatch
        ((_whole, const, handler),) = steps
        if const is not None:

            def one_plain(number: str) -> list[_Reading]:
                return [const] if fullmatch(number) is not None else []

            return one_plain
        assert handler is not None

        def one_checked(number: str) -> list[_Reading]:
            m = fullmatch(number)
            if m is None:
                return []
            reading = handler(m.groups())
            return [] if reading is None else [reading]

        return one_checked

    match = regex.match

    def many(number: str) -> list[_Reading]:
        m = match(number)
        assert m is not None  # every branch may be empty
        g = m.groups()
        readings: list[_Reading] = []
        for whole, const, handler in steps:
            if g[whole] is not None:
                if const is not None:
                    readings.append(const)
                else:
                    assert handler is not None
                    reading = handler(g)
                    if reading is not None:
                        readings.append(reading)
        return readings

    return many


def _no_readings(number: str) -> list[_Reading]:
    return []


# Formats too loose to decide a segmentation against a strong one: digits-only shapes and the
# low-prior catch-alls.
_WEAK_PRIOR = 0.2
_WEAK_IDS: Final = frozenset(f.id for f in FORMATS if f.broad or f.prior < _WEAK_PRIOR)


# Length, then the first ``PREFIX_LEN`` characters -> the bucket (``_BY_LEN``); ``_STRONG``
# leaves the weak formats out (segments that span a number of their own never take a weak
# reading). The ``_ALPHA`` tables are for candidates that hold a letter: they leave the
# digits-only formats out. Buckets are shared by every key with the same formats (66 in all).
_buckets: dict[tuple[str, ...], _Bucket] = {}


def _tables(keep: Callable[[Format], bool]) -> list[dict[str, _Bucket]]:
    table: list[dict[str, _Bucket]] = [{} for _ in range(MAX_LEN + 1)]
    for (n, prefix), fmts in DISPATCH.items():
        kept = [f for f in fmts if keep(f)]
        if kept:
            ids = tuple([f.id for f in kept])
            bucket = _buckets.get(ids)
            if bucket is None:
                bucket = _buckets[ids] = _make_bucket(kept)
            table[n][prefix] = bucket
    return table


_BY_LEN: Final = _tables(lambda f: True)
_BY_LEN_ALPHA: Final = _tables(lambda f: f.id not in DIGITS_ONLY)
_BY_LEN_STRONG: Final = _tables(lambda f: f.id not in _WEAK_IDS)
_BY_LEN_STRONG_ALPHA: Final = _tables(lambda f: f.id not in _WEAK_IDS and f.id not in DIGITS_ONLY)


# Broad formats whose failed check digit is still reported (Russian Post's 14 digits): by
# length, (format, full match, checksum, the wrong-check reading without its expected digit).
_WrongCheck = tuple[
    Format, "Callable[[str], re.Match[str] | None]", "Callable[[str], str]", _Reading
]
_WRONG_CHECK: Final[dict[int, list[_WrongCheck]]] = {}
for _fmt in FORMATS:
    if _fmt.report_wrong_check:
        assert _fmt.checksum is not None
        _bad = (
            3.0,
            _fmt,
            _INVALID,
            None,
            _carrier_facts(_fmt),
            None,
            None,
            _weights(_fmt.prior)[_INVALID],
            Trackability.INVALID,
        )
        for _len in range(_fmt.length[0], _fmt.length[1] + 1):
            _WRONG_CHECK.setdefault(_len, []).append(
                (_fmt, _fmt.regex.fullmatch, checker(_fmt.checksum, _fmt.params), _bad)
            )


def _with_wrong_checks(number: str, readings: Sequence[_Reading]) -> Sequence[_Reading]:
    """``readings`` plus the wrong-check readings of ``report_wrong_check`` formats, when no
    reading has a check digit that holds (segmentation never sees these)."""
    extra: list[_Reading] = []
    for fmt, fullmatch, check_fn, bad in _WRONG_CHECK.get(len(number), ()):
        m = fullmatch(number)
        if m is None or any(r[1] is fmt or r[2] is _VALID for r in readings):
            continue
        want = check_fn(m["serial"])
        if want != m["check"]:
            extra.append((*bad[:3], want, *bad[4:]))
    return [*extra, *readings] if extra else readings


def _classify(number: str) -> list[_Reading]:
    """``classify`` over a normalised (ASCII, upper-case, compact) number, as plain tuples."""
    if len(number) > MAX_LEN:
        return []
    table = _BY_LEN if number.isdigit() else _BY_LEN_ALPHA
    return table[len(number)].get(number[:PREFIX_LEN], _no_readings)(number)


def classify(number: str) -> list[Reading]:
    """Every format whose shape ``number`` (compact) has, with a score for segmentation."""
    if not number.isascii() or not number.isupper():
        number = normalize(number)  # the hot path only ever sees normalised numbers
    out: list[Reading] = []
    for r in _classify(number):
        match = r[1].regex.fullmatch(number)
        assert match is not None
        out.append(Reading(r[1], match, r[2], r[3], r[0]))
    return out


def _looks_like_number(token: str) -> bool:
    return len(token) >= _UNKNOWN_MIN_LEN and len(_DIGIT_RE.findall(token)) >= _UNKNOWN_MIN_DIGITS


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
    parts = _split_separators(token)  # token, separator, token, ... (a run starts and ends
    texts = parts[0::2]  # with a token, and its separators are 1-3 of " .-")
    n = len(texts)
    has_digit = [not t.isalpha() for t in texts]  # tokens are [A-Z0-9]+
    has_alpha = [not t.isdigit() for t in texts]
    # Cost of cutting between two tokens one separator apart (they likely form one number).
    gap = [0.0] * n
    for i, sep in enumerate(parts[1::2]):
        if len(sep) != 1:
            continue
        left_digit, right_digit = has_digit[i], has_digit[i + 1]
        if left_digit and right_digit:
            gap[i] = _SPLIT_PENALTY
        elif (left_digit and len(texts[i + 1]) <= 3) or (right_digit and len(texts[i]) <= 3):
            gap[i] = 1.0  # a short letter prefix or suffix such as "LX 123" or "... CN"
    best = [0.0] * (n + 1)
    # (last token, number, readings) of the best segment starting at each token.
    choice: list[tuple[int, str, list[_Reading]] | None] = [None] * (n + 1)
    # Tokens that are a number on their own by a strong format (filled as i goes down).
    strong = [False] * n
    for i in range(n - 1, -1, -1):
        best_i = best[i + 1] - gap[i]
        joined = ""
        digits = alpha = False
        spans_strong = False
        for j in range(i, n):
            token = texts[j]
            if has_digit[j]:
                digits = True
            elif len(token) > 3:
                break  # a word, never part of a number
            if has_alpha[j]:
                alpha = True
            joined += token
            size = len(joined)
            if size > MAX_LEN:
                break
            if j > i and strong[j]:
                spans_strong = True
            if not digits or size < MIN_LEN:
                continue
            if j == i:
                table = _BY_LEN_ALPHA if alpha else _BY_LEN
                readings = table[size].get(joined[:PREFIX_LEN], _no_readings)(joined)
                if readings and not all([r[1].id in _WEAK_IDS for r in readings]):
                    strong[i] = spans_strong = True
            elif spans_strong:
                # A weak catch-all shape (DHL eCommerce's 10-39 alphanumerics) must not glue a
                # complete number to its neighbours ("LX…CN ok", or three numbers in a list).
                table = _BY_LEN_STRONG_ALPHA if alpha else _BY_LEN_STRONG
                readings = table[size].get(joined[:PREFIX_LEN], _no_readings)(joined)
            else:
                table = _BY_LEN_ALPHA if alpha else _BY_LEN
                readings = table[size].get(joined[:PREFIX_LEN], _no_readings)(joined)
            if readings:
                score = max([r[0] for r in readings])
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
                choice[i] = (j, joined, readings)
        best[i] = best_i
    out: list[_Segment] = []
    offsets: list[int] | None = None
    i = 0
    while i < n:
        seg = choice[i]
        if seg is None:
            i += 1
            continue
        if offsets is None:
            offsets = list(accumulate(map(len, parts), initial=run_start))
        j, number, readings = seg
        out.append((offsets[2 * i], offsets[2 * j + 1], number, readings))
        i = j + 1
    return out


_split_separators: Final = re.compile(r"([ .\-]+)").split
_find_digit: Final = re.compile(r"[0-9]").search
_match_run: Final = RUN_RE.match
_SEPARATOR_CHARS: Final = frozenset(" .-")


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


_RESERVED_S10: Final = re.compile(r"[JKSTW][A-Z]\d{9}[A-Z]{2}")


def _interpretation(number: str, r: _Reading) -> Interpretation:
    check = r[2]
    return Interpretation(
        r[4], number, check, r[3] if check is _INVALID else None, r[8], r[5], r[6]
    )


def _explain(raw: str, number: str, readings: Sequence[_Reading]) -> Analysis:
    if len(number) in _WRONG_CHECK:
        readings = _with_wrong_checks(number, readings)
    if not readings:
        reserved = _RESERVED_S10.fullmatch(number) is not None
        best = Interpretation(
            _RESERVED_FACTS if reserved else _UNKNOWN_FACTS, number, _NONE, None, _TRACK_UNKNOWN
        )
        return Analysis(raw, number, best, (), _TRACK_UNKNOWN)
    if len(readings) == 1:
        r = readings[0]
        best = _interpretation(number, r)
        weight = r[7]
        best.confidence = _round2(weight / max(1.0, weight))
        return Analysis(raw, number, best, (), best.trackability)
    # Competing readings share the probability mass; a lone weak reading keeps its low prior.
    total = max(1.0, sum([r[7] for r in readings]))
    if len(readings) == 2:  # the usual clash: no sort needed
        first, second = readings
        if second[7] > first[7]:
            first, second = second, first
        ordered = [first, second]
    else:  # heaviest first, ties in table order (decorated: no key function to call)
        ordered = [readings[k] for _, k in sorted([(-r[7], k) for k, r in enumerate(readings)])]
    interps: list[Interpretation] = []
    for r in ordered:
        interp = _interpretation(number, r)
        interp.confidence = _round2(r[7] / total)
        interps.append(interp)
    best = interps[0]
    return Analysis(raw, number, best, tuple(interps[1:]), best.trackability)
