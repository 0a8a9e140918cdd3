"""Finding numbers in free text and explaining each: pure functions over the format table."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.i18n import N_
from bot.tracknumbers import s10
from bot.tracknumbers.checksums import expected as expected_check
from bot.tracknumbers.formats import DISPATCH, MAX_LEN, MIN_LEN, Format
from bot.tracknumbers.model import (
    Analysis,
    CheckDigit,
    FoundNumbers,
    Interpretation,
    Kind,
    Link,
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


@dataclass(frozen=True, slots=True)
class Reading:
    """A format that matched, with its checksum verdict (cheap; expanded only when reported)."""

    fmt: Format
    match: re.Match[str]
    check: CheckDigit
    expected: str | None
    score: float


def _check(fmt: Format, m: re.Match[str]) -> tuple[CheckDigit, str | None]:
    if fmt.checksum is None:
        return CheckDigit.NONE, None
    serial = m.group("serial")
    if fmt.prefix_re is not None and fmt.prefix_re.match(serial):
        serial = fmt.serial_prefix[1] + serial  # type: ignore[index]
    want = expected_check(fmt.checksum, serial, fmt.params)
    return (CheckDigit.VALID if want == m.group("check") else CheckDigit.INVALID), want


def _s10_score(m: re.Match[str], check: CheckDigit) -> float:
    svc, cc = m.group("svc"), m.group("cc")
    if svc[0] in s10.RESERVED_FIRST:
        return 0.0
    known = cc in s10.iso_countries() or cc in s10.PRIVATE_SUFFIXES
    if check is CheckDigit.VALID:
        return 10.0 if known else 3.0
    return 5.0 if known else 1.0


def classify(number: str) -> list[Reading]:
    """Every format whose shape ``number`` (compact) has, with a score for segmentation."""
    readings: list[Reading] = []
    for fmt in DISPATCH.get((len(number), number[:1]), ()):
        m = fmt.regex.fullmatch(number)
        if m is None:
            continue
        check, want = _check(fmt, m)
        if fmt.kind is Kind.S10:
            score = _s10_score(m, check)
            if score == 0.0:
                continue
        elif check is CheckDigit.INVALID:
            if fmt.broad:
                continue  # a digits-only shape with a wrong check is simply not this format
            score = 3.0
        elif check is CheckDigit.VALID:
            score = 6.0 if fmt.broad else 8.0
        else:
            score = 4.0 if fmt.broad else 6.0
        readings.append(Reading(fmt, m, check, want, score))
    return readings


def _looks_like_number(token: str) -> bool:
    return len(token) >= _UNKNOWN_MIN_LEN and len(_DIGIT_RE.findall(token)) >= _UNKNOWN_MIN_DIGITS


@dataclass(frozen=True, slots=True)
class _Segment:
    start: int
    end: int
    number: str
    readings: list[Reading]


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
        readings = classify(token) if len(token) <= MAX_LEN else []
        if readings or _looks_like_number(token):
            return [_Segment(run_start, run_end, token, readings)]
        return []
    tokens = [(m.start(), m.end()) for m in TOKEN_RE.finditer(norm, run_start, run_end)]
    n = len(tokens)
    texts = [norm[s:e] for s, e in tokens]
    has_digit = [_DIGIT_RE.search(t) is not None for t in texts]
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
            readings = classify(joined)
            if readings:
                score = max(r.score for r in readings)
            elif j == i and _looks_like_number(joined):
                score = _UNKNOWN_SCORE
            else:
                continue
            total = score - _SEGMENT_COST - gap[j] + best[j + 1]
            if total >= best[i]:  # ties go to the segment, and to the longer one
                best[i] = total
                choice[i] = _Segment(tokens[i][0], tokens[j][1], joined, readings)
    out: list[_Segment] = []
    i = 0
    while i < n:
        seg = choice[i]
        if seg is None:
            i += 1
            continue
        out.append(seg)
        while i < n and tokens[i][0] < seg.end:
            i += 1
    return out


def find_numbers(text: str, limit: int = DEFAULT_LIMIT) -> FoundNumbers:
    """Every candidate number in ``text`` (deduplicated), the first ``limit`` explained."""
    norm = normalize(text)
    found = FoundNumbers()
    seen: set[str] = set()
    for run in RUN_RE.finditer(norm):
        for seg in _segment_run(norm, run.start(), run.end()):
            if seg.number in seen:
                continue
            seen.add(seg.number)
            found.total_found += 1
            if len(found.items) < limit:
                found.items.append(_explain(text[seg.start : seg.end], seg.number, seg.readings))
    found.truncated = found.total_found > len(found.items)
    return found


def analyze(number: str) -> Analysis:
    """Explain one number the user typed (any separators, case or look-alike letters)."""
    number_c = compact(number)
    readings = classify(number_c) if MIN_LEN <= len(number_c) <= MAX_LEN else []
    return _explain(number.strip(), number_c, readings)


# --- building the explanation ------------------------------------------------------------------

_CHECK_FACTOR = {CheckDigit.VALID: 1.0, CheckDigit.NONE: 0.7, CheckDigit.INVALID: 0.35}
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


def _links(
    number: str, fmt: Format, post_url: str | None, post_name: str | None
) -> tuple[Link, ...]:
    links = [Link("17TRACK", f"https://t.17track.net/en#nums={number}")]
    if fmt.cainiao:
        links.append(Link("Cainiao", f"https://global.cainiao.com/detail.htm?mailNoList={number}"))
    if fmt.url:
        links.append(Link(fmt.name, fmt.url.replace("{n}", number)))
    if post_url and post_name:
        links.append(Link(post_name, post_url.replace("{n}", number)))
    if fmt.russian_post and not (post_url and "pochta.ru" in post_url):
        links.append(Link("Russian Post", f"https://www.pochta.ru/tracking?barcode={number}"))
    return tuple(links)


def _s10_interpretation(number: str, r: Reading) -> tuple[Interpretation, float]:
    m = r.match
    svc, cc = m.group("svc"), m.group("cc")
    cls = s10.service_class(svc)
    notes: list[str] = []
    private = s10.PRIVATE_SUFFIXES.get(cc)
    country: str | None = None
    post_url: str | None = None
    kind = Kind.S10
    carrier: str | None
    carrier_name: str | None
    if private is not None:
        carrier, carrier_name = private
        trackability = Trackability.INTERNATIONAL
        prior = 0.75
        notes.append(_NOTE_PRIVATE)
        service_code: str | None = None
        meaning: str | None = None
    elif cc in s10.iso_countries():
        country = cc
        post = s10.POSTS.get(cc)
        carrier = post.slug if post else f"post_{cc.lower()}"
        carrier_name = post.name if post else None
        post_url = post.url if post else None
        trackability = cls.trackability
        prior = 0.95 if cls.trackability is not Trackability.UNKNOWN else 0.6
        service_code, meaning = svc, cls.meaning
        if cls.note:
            notes.append(cls.note)
    else:
        kind = Kind.UNKNOWN
        carrier = carrier_name = None
        trackability = Trackability.UNKNOWN
        prior = 0.3
        service_code = meaning = None
        notes.append(_NOTE_NOT_COUNTRY)
    if r.check is CheckDigit.INVALID:
        trackability = Trackability.INVALID
        notes.insert(0, _NOTE_WRONG_CHECK)
    link_fmt = r.fmt
    links = (
        _links(number, link_fmt, post_url, carrier_name)
        if kind is not Kind.UNKNOWN
        else (Link("17TRACK", f"https://t.17track.net/en#nums={number}"),)
    )
    if kind is Kind.S10 and trackability is not Trackability.INVALID and private is None:
        links += (
            (Link("Russian Post", f"https://www.pochta.ru/tracking?barcode={number}"),)
            if (cc != "RU")
            else ()
        )
    interp = Interpretation(
        kind=kind,
        format_id="s10" if private is None else f"s10_{carrier}",
        carrier=carrier,
        carrier_name=carrier_name,
        service_code=service_code,
        service_meaning=meaning,
        issuing_country=country,
        check_digit=r.check,
        expected_check_digit=r.expected if r.check is CheckDigit.INVALID else None,
        trackability=trackability,
        confidence=0.0,
        links=links,
        notes=tuple(notes),
        private_suffix=private is not None,
    )
    return interp, prior * _CHECK_FACTOR[r.check]


def _carrier_interpretation(number: str, r: Reading) -> tuple[Interpretation, float]:
    fmt = r.fmt
    notes: list[str] = []
    trackability = fmt.trackability
    if r.check is CheckDigit.INVALID:
        trackability = Trackability.INVALID
        notes.append(_NOTE_WRONG_CHECK)
    if fmt.note:
        notes.append(fmt.note)
    interp = Interpretation(
        kind=Kind.CARRIER,
        format_id=fmt.id,
        carrier=fmt.carrier,
        carrier_name=fmt.name,
        service_code=None,
        service_meaning=None,
        issuing_country=None,
        check_digit=r.check,
        expected_check_digit=r.expected if r.check is CheckDigit.INVALID else None,
        trackability=trackability,
        confidence=0.0,
        links=_links(number, fmt, None, None),
        notes=tuple(notes),
    )
    return interp, fmt.prior * _CHECK_FACTOR[r.check]


def _unknown(number: str, reserved: bool) -> Interpretation:
    return Interpretation(
        kind=Kind.UNKNOWN,
        format_id=None,
        carrier=None,
        carrier_name=None,
        service_code=None,
        service_meaning=None,
        issuing_country=None,
        check_digit=CheckDigit.NONE,
        expected_check_digit=None,
        trackability=Trackability.UNKNOWN,
        confidence=0.0,
        links=(Link("17TRACK", f"https://t.17track.net/en#nums={number}"),),
        notes=(_NOTE_RESERVED,) if reserved else (),
    )


_RESERVED_S10 = re.compile(r"[JKSTW][A-Z]\d{9}[A-Z]{2}")


def _explain(raw: str, number: str, readings: Sequence[Reading]) -> Analysis:
    scored: list[tuple[Interpretation, float]] = []
    for r in readings:
        if r.fmt.kind is Kind.S10:
            scored.append(_s10_interpretation(number, r))
        else:
            scored.append(_carrier_interpretation(number, r))
    if not scored:
        best = _unknown(number, bool(_RESERVED_S10.fullmatch(number)))
        return Analysis(raw, number, best, (), Trackability.UNKNOWN)
    # Competing readings share the probability mass; a lone weak reading keeps its low prior.
    total = max(1.0, sum(w for _, w in scored))
    for interp, weight in scored:
        interp.confidence = round(weight / total, 2)
    if len(scored) > 1:
        scored.sort(key=lambda pair: -pair[1])
    best = scored[0][0]
    return Analysis(raw, number, best, tuple(i for i, _ in scored[1:]), best.trackability)
