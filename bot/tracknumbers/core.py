"""Finding numbers in free text and explaining each: pure functions over the format table.

Hot path notes (the explainer runs on every chat message, and ``make native`` compiles this
module with mypyc, so the code is written for both builds):

- dispatch on length and the first two characters picks a bucket of formats (often one), matched
  by a single regex call; a candidate holding a letter skips the digits-only formats;
- the per-format facts that never change (scores, notes, names, the bound checksum) are computed
  once into ``_Step`` objects; readings are plain tuples;
- runs of tokens are found in one pass over the bytes (``_runs``); a bare token skips it;
- module constants are ``Final`` (C statics when compiled, not module-dict lookups).

Every reading still gets its regex match, checksum verdict, trackability and confidence for
every input; only the link URLs are built on first access (see ``Interpretation.links``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final, NamedTuple

from bot.i18n import N_
from bot.tracknumbers import s10
from bot.tracknumbers.checksums import Checker
from bot.tracknumbers.checksums import s10 as s10_check_digit
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
from bot.tracknumbers.normalize import compact, normalize

DEFAULT_LIMIT: Final = 20
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
_TRACK_INVALID: Final = Trackability.INVALID

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
# The formats worth trying for one dispatch key are matched by one regex: each format's pattern
# sits in its own ``(?=(...)\Z)`` lookahead (or the empty branch), so a single C call tells which
# formats match and captures their groups. Per format, a step turns the group tuple into a
# reading; a format without a checksum has one constant reading. Steps and buckets are plain
# classes (not closures) so that the compiled build calls them directly.

_Groups = tuple["str | None", ...]


class _Step:
    """One format inside a bucket regex."""

    def __init__(self, whole: int, const: _Reading | None = None) -> None:
        self.whole = whole  # index of the format's whole group in ``groups()``
        self.const = const  # the reading, when it never depends on the number

    def read(self, g: _Groups) -> _Reading | None:
        return self.const


class _S10Step(_Step):
    def __init__(self, whole: int, fmt: Format, index: dict[str, int], tag: str) -> None:
        super().__init__(whole)
        assert fmt.checksum == "s10" and fmt.prefix_re is None
        self.fmt = fmt
        self.i_svc, self.i_serial = index[tag + "svc"], index[tag + "serial"]
        self.i_check, self.i_cc = index[tag + "check"], index[tag + "cc"]

    def read(self, g: _Groups) -> _Reading | None:
        svc = g[self.i_svc]
        serial, cc = g[self.i_serial], g[self.i_cc]
        assert svc is not None and serial is not None and cc is not None
        if svc[0] in _RESERVED_FIRST:
            return None  # never an S10 number
        fmt = self.fmt
        want = s10_check_digit(serial)
        facts, score_ok, score_bad, iso, w_ok, w_bad = (_CC_INFO or _cc_info()).get(
            cc, _NOT_COUNTRY_INFO
        )
        if iso:
            cls, w_ok, w_bad = _SVC_INFO.get(svc, _SVC_UNASSIGNED)
            if want == g[self.i_check]:
                return score_ok, fmt, _VALID, want, facts, svc, cls, w_ok, cls.trackability
            return score_bad, fmt, _INVALID, want, facts, svc, cls, w_bad, _TRACK_INVALID
        if want == g[self.i_check]:
            return score_ok, fmt, _VALID, want, facts, None, None, w_ok, facts.trackability
        return score_bad, fmt, _INVALID, want, facts, None, None, w_bad, _TRACK_INVALID


class _CheckedStep(_Step):
    def __init__(
        self,
        whole: int,
        fmt: Format,
        check: Checker,
        index: dict[str, int],
        tag: str,
        facts: Facts,
        weights: dict[CheckDigit, float],
        scores: dict[CheckDigit, float | None],
    ) -> None:
        super().__init__(whole)
        self.fmt = fmt
        self.check = check
        self.facts = facts
        self.prefix_match = fmt.prefix_re.match if fmt.prefix_re is not None else None
        self.prefix = fmt.serial_prefix[1] if fmt.serial_prefix else ""
        self.i_serial, self.i_check = index[tag + "serial"], index[tag + "check"]
        score_ok = scores[_VALID]
        assert score_ok is not None
        self.score_ok, self.weight_ok, self.track_ok = score_ok, weights[_VALID], fmt.trackability
        # A broad (digits-only) shape with a wrong check digit is no reading at all.
        self.score_bad = scores[_INVALID]
        self.weight_bad = weights[_INVALID]

    def read(self, g: _Groups) -> _Reading | None:
        serial = g[self.i_serial]
        assert serial is not None
        if self.prefix_match is not None and self.prefix_match(serial):
            serial = self.prefix + serial
        want = self.check.digit(serial)
        if want == g[self.i_check]:
            return (
                self.score_ok, self.fmt, _VALID, want, self.facts, None, None,
                self.weight_ok, self.track_ok,
            )  # fmt: skip
        if self.score_bad is None:
            return None
        return (
            self.score_bad, self.fmt, _INVALID, want, self.facts, None, None,
            self.weight_bad, _TRACK_INVALID,
        )  # fmt: skip


def _make_step(fmt: Format, index: dict[str, int], tag: str) -> _Step:
    """``fmt`` inside a bucket regex whose groups are named ``tag`` + the format's group name."""
    whole = index[tag]
    checksum = Checker(fmt.checksum, fmt.params) if fmt.checksum else None
    if fmt.kind is Kind.S10:
        return _S10Step(whole, fmt, index, tag)
    facts = _carrier_facts(fmt)
    weights = _weights(fmt.prior)
    # Segmentation score by verdict; a broad (digits-only) shape with a wrong check is no reading.
    scores: dict[CheckDigit, float | None] = (
        {_VALID: 6.0, _NONE: 4.0, _INVALID: None}
        if fmt.broad
        else {_VALID: 8.0, _NONE: 6.0, _INVALID: 3.0}
    )
    if checksum is None:
        score = scores[_NONE]
        assert score is not None
        const = (score, fmt, _NONE, None, facts, None, None, weights[_NONE], fmt.trackability)
        return _Step(whole, const)
    return _CheckedStep(whole, fmt, checksum, index, tag, facts, weights, scores)


_GROUP_RE = re.compile(r"\(\?P<(\w+)>")


class _Bucket:
    """The formats of one dispatch key (in table order), matched by one regex call."""

    def __init__(self, fmts: Sequence[Format]) -> None:
        parts = []
        for k, fmt in enumerate(fmts):
            pattern = _GROUP_RE.sub(rf"(?P<f{k}_\1>", fmt.pattern)
            parts.append(f"(?P<f{k}_>{pattern})")
        self.single = len(fmts) == 1
        if self.single:
            regex = re.compile(parts[0])
        else:
            regex = re.compile("".join(f"(?:(?={part}\\Z)|)" for part in parts))
        self.regex = regex
        # Bound once: calling a stored method skips the attribute lookup on every number.
        self.fullmatch: Callable[[str], re.Match[str] | None] = regex.fullmatch
        self.match: Callable[[str], re.Match[str] | None] = regex.match
        index = {name: i - 1 for name, i in regex.groupindex.items()}  # into ``groups()``
        self.steps = [_make_step(fmt, index, f"f{k}_") for k, fmt in enumerate(fmts)]
        self.const = self.steps[0].const if self.single else None

    def readings(self, number: str) -> list[_Reading]:
        if self.single:
            m = self.fullmatch(number)
            if m is None:
                return []
            if self.const is not None:
                return [self.const]
            reading = self.steps[0].read(m.groups())
            return [] if reading is None else [reading]
        m = self.match(number)
        assert m is not None  # every branch may be empty
        g = m.groups()
        readings: list[_Reading] = []
        for step in self.steps:
            if g[step.whole] is not None:
                reading = step.read(g)
                if reading is not None:
                    readings.append(reading)
        return readings


def _readings(table: list[dict[str, _Bucket]], number: str) -> list[_Reading]:
    """The readings of ``number`` by the formats of ``table``."""
    bucket = table[len(number)].get(number[:PREFIX_LEN])
    return [] if bucket is None else bucket.readings(number)


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
                bucket = _buckets[ids] = _Bucket(kept)
            table[n][prefix] = bucket
    return table


_BY_LEN: Final = _tables(lambda f: True)
_BY_LEN_ALPHA: Final = _tables(lambda f: f.id not in DIGITS_ONLY)
_BY_LEN_STRONG: Final = _tables(lambda f: f.id not in _WEAK_IDS)
_BY_LEN_STRONG_ALPHA: Final = _tables(lambda f: f.id not in _WEAK_IDS and f.id not in DIGITS_ONLY)


# Broad formats whose failed check digit is still reported (Russian Post's 14 digits): by
# length, (format, full match, checksum, the wrong-check reading without its expected digit).
_WrongCheck = tuple[Format, "Callable[[str], re.Match[str] | None]", Checker, _Reading]
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
                (_fmt, _fmt.regex.fullmatch, Checker(_fmt.checksum, _fmt.params), _bad)
            )


def _with_wrong_checks(number: str, readings: Sequence[_Reading]) -> Sequence[_Reading]:
    """``readings`` plus the wrong-check readings of ``report_wrong_check`` formats, when no
    reading has a check digit that holds (segmentation never sees these)."""
    extra: list[_Reading] = []
    for fmt, fullmatch, checksum, bad in _WRONG_CHECK.get(len(number), ()):
        m = fullmatch(number)
        if m is None or any(r[1] is fmt or r[2] is _VALID for r in readings):
            continue
        want = checksum.digit(m["serial"])
        if want != m["check"]:
            extra.append((*bad[:3], want, *bad[4:]))
    return [*extra, *readings] if extra else readings


def _classify(number: str) -> list[_Reading]:
    """``classify`` over a normalised (ASCII, upper-case, compact) number, as plain tuples."""
    if len(number) > MAX_LEN:
        return []
    return _readings(_BY_LEN if number.isdigit() else _BY_LEN_ALPHA, number)


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
    """Long enough, with enough digits, to be a number of a shape we do not know."""
    if len(token) < _UNKNOWN_MIN_LEN:
        return False
    letters = len(token.encode().translate(None, b"0123456789"))  # digits deleted, in C
    return len(token) - letters >= _UNKNOWN_MIN_DIGITS


# (start, end, compact number, readings) of one number found in a run.
_Segment = tuple[int, int, str, list[_Reading]]


def _segment_run(norm: str, spans: list[int]) -> list[_Segment]:
    """Split one run of tokens (``_runs``' spans) into numbers, maximising the total plausibility
    (small DP)."""
    run_start, run_end = spans[0], spans[-1]
    if run_end - run_start < MIN_LEN:
        return []  # too short to hold any number we know (or to look like one)
    if len(spans) == 2:
        token = norm[run_start:run_end]
        readings = _classify(token)
        if readings or _looks_like_number(token):
            return [(run_start, run_end, token, readings)]
        return []
    n = len(spans) // 2
    texts = [norm[spans[2 * k] : spans[2 * k + 1]] for k in range(n)]
    has_digit = [not t.isalpha() for t in texts]  # tokens are [A-Z0-9]+
    has_alpha = [not t.isdigit() for t in texts]
    # Cost of cutting between two tokens one separator apart (they likely form one number).
    gap = [0.0] * n
    for i in range(n - 1):
        if spans[2 * i + 2] - spans[2 * i + 1] != 1:  # one separator between the tokens
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
                readings = _readings(table, joined)
                if readings and not all([r[1].id in _WEAK_IDS for r in readings]):
                    strong[i] = spans_strong = True
            elif spans_strong:
                # A weak catch-all shape (DHL eCommerce's 10-39 alphanumerics) must not glue a
                # complete number to its neighbours ("LX…CN ok", or three numbers in a list).
                table = _BY_LEN_STRONG_ALPHA if alpha else _BY_LEN_STRONG
                readings = _readings(table, joined)
            else:
                table = _BY_LEN_ALPHA if alpha else _BY_LEN
                readings = _readings(table, joined)
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
    i = 0
    while i < n:
        seg = choice[i]
        if seg is None:
            i += 1
            continue
        j, number, readings = seg
        out.append((spans[2 * i], spans[2 * j + 1], number, readings))
        i = j + 1
    return out


# Character classes of the normalised (ASCII, upper-case) text, for the run finder.
_OTHER: Final = 0
_LETTER: Final = 1
_DIGIT: Final = 2
_SEP: Final = 3
_CLASS: Final = bytes(
    _LETTER if 65 <= b <= 90 else _DIGIT if 48 <= b <= 57 else _SEP if b in b" .-" else _OTHER
    for b in range(256)
)


def _runs(norm: str) -> list[list[int]]:
    """The runs of tokens that may hold numbers, each as flat token spans [start, end, ...].

    A token is a word (a maximal stretch of A-Z and 0-9) that holds a digit or is a short letter
    group ("LX", "CN", "TBA"); tokens 1-3 separators (space, dot, dash) apart form a run. Other
    words and characters end a run: they are never part of a number, and skipping them keeps
    the per-format matching off ordinary text. Only runs with a digit are kept.

    One pass over the bytes (``norm`` is ASCII): the compiled build makes it a C loop, far
    cheaper than any regex scan of the text.
    """
    data = norm.encode()
    classes = _CLASS
    size = len(data)
    runs: list[list[int]] = []
    run: list[int] = []
    run_digit = False
    i = 0
    while i < size:
        c = classes[data[i]]
        if c != _LETTER and c != _DIGIT:
            if run:  # a separator only joins tokens (checked after each token)
                if run_digit:
                    runs.append(run)
                run, run_digit = [], False
            i += 1
            continue
        start = i
        digit = False
        while i < size:
            c = classes[data[i]]
            if c == _DIGIT:
                digit = True
            elif c != _LETTER:
                break
            i += 1
        if not digit and i - start > 3:  # a word: never part of a number
            if run:
                if run_digit:
                    runs.append(run)
                run, run_digit = [], False
            continue
        run.append(start)
        run.append(i)
        run_digit = run_digit or digit
        j = i
        while j < size and classes[data[j]] == _SEP:
            j += 1
        if 1 <= j - i <= 3 and j < size and classes[data[j]] != _OTHER:
            i = j  # the next word continues the run if it is a token
            continue
        if run_digit:
            runs.append(run)
        run, run_digit = [], False
        i = j
    if run and run_digit:
        runs.append(run)
    return runs


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
    for spans in _runs(norm):
        if spans[-1] - spans[0] < MIN_LEN:
            continue
        for seg_start, seg_end, number, readings in _segment_run(norm, spans):
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


_ROUNDED: Final[dict[float, float]] = {}
_ROUNDED_LIMIT: Final = 4096


def _round2(x: float) -> float:
    """``round(x, 2)``, remembered: confidences are ratios of a few fixed weights, so the same
    few hundred values recur (and ``round`` with digits is a slow decimal conversion)."""
    r = _ROUNDED.get(x)
    if r is None:
        r = round(x, 2)
        if len(_ROUNDED) < _ROUNDED_LIMIT:
            _ROUNDED[x] = r
    return r


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
    total = 0.0
    for r in readings:
        total += r[7]
    if total < 1.0:
        total = 1.0
    if len(readings) == 2:  # the usual clash: no sort needed
        first, second = readings[0], readings[1]
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
