"""How one compact number reads: every format of the table whose shape it has, with a verdict.

A *reading* is one format that matched, with its check-digit verdict, the facts it shares with
every number of that format, and two numbers: a segmentation ``score`` (how much the shape looks
like a number at all, used to split text into numbers) and a ``weight`` (the prior belief in this
reading, shared out as confidence between competing readings).

Formats are looked up by the number's length and first two characters (``formats.DISPATCH``), so
most numbers try one or two formats. A number holding a letter never tries a digits-only format.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, partial

from bot.core.tracknumbers import s10
from bot.core.tracknumbers.checksums import CHECKSUMS
from bot.core.tracknumbers.checksums import s10 as s10_check_digit
from bot.core.tracknumbers.formats import (
    DIGITS_ONLY,
    DISPATCH,
    FORMATS,
    MAX_LEN,
    PREFIX_LEN,
    Format,
)
from bot.core.tracknumbers.model import CheckDigit, Facts, Kind, Trackability
from bot.i18n import N_

NOTE_WRONG_CHECK = N_(
    "The check digit does not match: a typo or an invented number. Compare it with the order "
    "page; if it is copied correctly, ask the seller for the right number."
)
NOTE_RESERVED = N_(
    "Numbers starting with J, K, S, T or W are never issued as international postal numbers."
)
_NOTE_PRIVATE = N_(
    "The last two letters are not a country: this is the carrier's own number in the postal "
    "format, tracked on its site and on 17TRACK."
)
_NOTE_NOT_COUNTRY = N_(
    "Shaped like an international postal number, but the last two letters are not a country code."
)


@dataclass(slots=True)
class Reading:
    """One format that matched a number, with its verdict.

    Not frozen: one is made for every candidate number, and a frozen dataclass takes five times
    as long to build. Nothing changes one once made.
    """

    score: float  # for segmentation: how much this looks like a number
    fmt: Format
    check: CheckDigit
    expected: str | None  # the check digit the serial calls for, when the number has another
    facts: Facts
    service_code: str | None  # S10 numbers with a country suffix only
    service_class: s10.ServiceClass | None
    weight: float  # prior belief, shared out as confidence between competing readings
    trackability: Trackability


# --- what a verdict is worth -------------------------------------------------------------------

# A wrong check digit makes a reading far less likely; a format without one sits in between.
_CHECK_FACTOR = {CheckDigit.VALID: 1.0, CheckDigit.NONE: 0.7, CheckDigit.INVALID: 0.35}
# Segmentation scores by verdict. A broad (digits-only) shape whose check digit fails is no
# reading at all: long digit strings match it by chance.
_WRONG_CHECK_SCORE = 3.0
_SCORES: dict[CheckDigit, float | None] = {
    CheckDigit.VALID: 8.0,
    CheckDigit.NONE: 6.0,
    CheckDigit.INVALID: _WRONG_CHECK_SCORE,
}
_BROAD_SCORES: dict[CheckDigit, float | None] = {
    CheckDigit.VALID: 6.0,
    CheckDigit.NONE: 4.0,
    CheckDigit.INVALID: None,
}


def _weights(prior: float) -> dict[CheckDigit, float]:
    return {check: prior * factor for check, factor in _CHECK_FACTOR.items()}


def carrier_facts(fmt: Format) -> Facts:
    note = (fmt.note,) if fmt.note else ()
    return Facts(
        kind=Kind.CARRIER,
        format_id=fmt.id,
        carrier=fmt.carrier,
        carrier_name=fmt.name,
        issuing_country=None,
        trackability=fmt.trackability,
        notes_ok=note,
        notes_bad=(NOTE_WRONG_CHECK, *note),
        link_format=fmt,
    )


# --- carrier formats ---------------------------------------------------------------------------


class _CarrierReader:
    """Reads numbers of one carrier format (everything but S10)."""

    def __init__(self, fmt: Format) -> None:
        self.fmt = fmt
        self.fullmatch = fmt.regex.fullmatch
        self.facts = carrier_facts(fmt)
        weights = _weights(fmt.prior)
        scores = _BROAD_SCORES if fmt.broad else _SCORES
        self.check_digit: Callable[[str], str] | None = None
        if fmt.checksum is not None:
            assert fmt.regex.groupindex == {"serial": 1, "check": 2}, fmt.id
            self.check_digit = partial(CHECKSUMS[fmt.checksum], **fmt.params)
        # Only a wrong check digit changes from number to number (the digit we expected).
        self.unchecked = self._reading(scores, weights, CheckDigit.NONE)
        self.valid = self._reading(scores, weights, CheckDigit.VALID)
        self.score_invalid = scores[CheckDigit.INVALID]  # None: a wrong check is no reading
        self.weight_invalid = weights[CheckDigit.INVALID]
        # Some carriers leave a fixed lead digit out of the printed serial; the checksum needs it.
        self.serial_prefix = fmt.serial_prefix[1] if fmt.serial_prefix else ""

    def _reading(
        self,
        scores: dict[CheckDigit, float | None],
        weights: dict[CheckDigit, float],
        check: CheckDigit,
    ) -> Reading:
        score = scores[check]
        assert score is not None
        return Reading(
            score=score,
            fmt=self.fmt,
            check=check,
            expected=None,
            facts=self.facts,
            service_code=None,
            service_class=None,
            weight=weights[check],
            trackability=self.fmt.trackability,
        )

    def read(self, number: str) -> Reading | None:
        match = self.fullmatch(number)
        if match is None:
            return None
        if self.check_digit is None:
            return self.unchecked
        serial, check = match.groups()
        if self.fmt.prefix_re is not None and self.fmt.prefix_re.match(serial):
            serial = self.serial_prefix + serial
        expected = self.check_digit(serial)
        if expected == check:
            return self.valid
        if self.score_invalid is None:
            return None
        return Reading(
            self.score_invalid,
            self.fmt,
            CheckDigit.INVALID,
            expected,
            self.facts,
            None,
            None,
            self.weight_invalid,
            Trackability.INVALID,
        )


# --- UPU S10 -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Suffix:
    """What the two last letters of an S10 number say (the issuing country, or a carrier)."""

    facts: Facts
    is_country: bool  # then the service code decides the trackability and weights
    score_valid: float = 10.0
    score_invalid: float = 5.0
    weight_valid: float = 0.0
    weight_invalid: float = 0.0


@dataclass(frozen=True, slots=True)
class _Service:
    """An S10 service class with the weights of its readings."""

    service_class: s10.ServiceClass
    weight_valid: float
    weight_invalid: float

    @classmethod
    def of(cls, service_class: s10.ServiceClass) -> _Service:
        tracked = service_class.trackability is not Trackability.UNKNOWN
        weights = _weights(0.95 if tracked else 0.6)
        return cls(service_class, weights[CheckDigit.VALID], weights[CheckDigit.INVALID])


_SERVICES = {code: _Service.of(cls) for code, cls in s10.SERVICE_BY_CODE.items()}
_UNASSIGNED_SERVICE = _Service.of(s10.UNASSIGNED)
_S10_FORMAT = next(f for f in FORMATS if f.kind is Kind.S10)


def _not_a_country() -> _Suffix:
    weights = _weights(0.3)
    facts = Facts(
        kind=Kind.UNKNOWN,
        format_id="s10",
        carrier=None,
        carrier_name=None,
        issuing_country=None,
        trackability=Trackability.UNKNOWN,
        notes_ok=(_NOTE_NOT_COUNTRY,),
        notes_bad=(NOTE_WRONG_CHECK, _NOTE_NOT_COUNTRY),
    )
    return _Suffix(
        facts,
        is_country=False,
        score_valid=3.0,
        score_invalid=1.0,
        weight_valid=weights[CheckDigit.VALID],
        weight_invalid=weights[CheckDigit.INVALID],
    )


def _country(cc: str) -> _Suffix:
    post = s10.POSTS.get(cc)
    facts = Facts(
        kind=Kind.S10,
        format_id="s10",
        carrier=post.slug if post else f"post_{cc.lower()}",
        carrier_name=post.name if post else None,
        issuing_country=cc,
        trackability=Trackability.UNKNOWN,  # the service class decides
        notes_ok=(),
        notes_bad=(NOTE_WRONG_CHECK,),
        link_format=_S10_FORMAT,
        post_url=post.url if post else None,
        post_name=post.name if post else None,
        russian_post=cc != "RU",
        cainiao=cc == "CN",
    )
    return _Suffix(facts, is_country=True)


def _private(carrier: str, name: str) -> _Suffix:
    weights = _weights(0.75)
    facts = Facts(
        kind=Kind.S10,
        format_id=f"s10_{carrier}",
        carrier=carrier,
        carrier_name=name,
        issuing_country=None,
        trackability=Trackability.INTERNATIONAL,
        notes_ok=(_NOTE_PRIVATE,),
        notes_bad=(NOTE_WRONG_CHECK, _NOTE_PRIVATE),
        private_suffix=True,
        link_format=_S10_FORMAT,
        post_name=name,
        cainiao=True,  # every private suffix we know is a Chinese carrier's (Yanwen)
    )
    return _Suffix(
        facts,
        is_country=False,
        weight_valid=weights[CheckDigit.VALID],
        weight_invalid=weights[CheckDigit.INVALID],
    )


_NOT_A_COUNTRY = _not_a_country()


@cache
def _suffixes() -> dict[str, _Suffix]:
    """Every suffix we know, classified on first use (Babel's territory list is slow to load,
    and a bot that never sees an S10 number should not pay for it)."""
    suffixes = {cc: _country(cc) for cc in s10.iso_countries()}
    for cc, (carrier, name) in s10.PRIVATE_SUFFIXES.items():
        suffixes[cc] = _private(carrier, name)
    return suffixes


class _S10Reader:
    """Reads UPU S10 numbers: service code, serial, check digit, issuing country."""

    def __init__(self, fmt: Format) -> None:
        assert fmt.checksum == "s10" and fmt.prefix_re is None
        assert fmt.regex.groupindex == {"svc": 1, "serial": 2, "check": 3, "cc": 4}
        self.fmt = fmt
        self.fullmatch = fmt.regex.fullmatch

    def read(self, number: str) -> Reading | None:
        match = self.fullmatch(number)
        if match is None:
            return None
        code, serial, check, cc = match.groups()
        if code[0] in s10.RESERVED_FIRST:
            return None  # never an S10 number
        expected: str | None = s10_check_digit(serial)
        valid = expected == check
        if valid:
            expected = None
        verdict = CheckDigit.VALID if valid else CheckDigit.INVALID
        suffix = _suffixes().get(cc, _NOT_A_COUNTRY)
        score = suffix.score_valid if valid else suffix.score_invalid
        if not suffix.is_country:
            weight = suffix.weight_valid if valid else suffix.weight_invalid
            trackability = suffix.facts.trackability if valid else Trackability.INVALID
            return Reading(
                score, self.fmt, verdict, expected, suffix.facts, None, None, weight, trackability
            )
        service = _SERVICES.get(code, _UNASSIGNED_SERVICE)
        weight = service.weight_valid if valid else service.weight_invalid
        cls = service.service_class
        trackability = cls.trackability if valid else Trackability.INVALID
        return Reading(
            score, self.fmt, verdict, expected, suffix.facts, code, cls, weight, trackability
        )


def _reader(fmt: Format) -> _CarrierReader | _S10Reader:
    return _S10Reader(fmt) if fmt.kind is Kind.S10 else _CarrierReader(fmt)


_READERS = {fmt.id: _reader(fmt) for fmt in FORMATS}


# --- dispatch ----------------------------------------------------------------------------------

# Formats too loose to decide a segmentation against a strong one: digits-only shapes and the
# low-prior catch-alls.
_WEAK_PRIOR = 0.2
WEAK_IDS = frozenset(f.id for f in FORMATS if f.broad or f.prior < _WEAK_PRIOR)

Table = list[dict[str, list[_CarrierReader | _S10Reader]]]


def _table(keep: Callable[[Format], bool]) -> Table:
    """Length, then the first ``PREFIX_LEN`` characters -> the readers to try, in table order."""
    table: Table = [{} for _ in range(MAX_LEN + 1)]
    for (length, prefix), fmts in DISPATCH.items():
        readers = [_READERS[f.id] for f in fmts if keep(f)]
        if readers:
            table[length][prefix] = readers
    return table


ALL = _table(lambda f: True)
# For numbers that hold a letter: no digits-only format.
ALPHA = _table(lambda f: f.id not in DIGITS_ONLY)
# For segments that span a number of their own: no weak format may glue it to its neighbours.
STRONG = _table(lambda f: f.id not in WEAK_IDS)
STRONG_ALPHA = _table(lambda f: f.id not in WEAK_IDS and f.id not in DIGITS_ONLY)


def read(table: Table, number: str) -> list[Reading]:
    """The readings of ``number`` (compact, upper-case ASCII) by the formats of ``table``."""
    size = len(number)
    readers = table[size].get(number[:PREFIX_LEN]) if size <= MAX_LEN else None
    if readers is None:
        return []
    readings = []
    for reader in readers:
        reading = reader.read(number)
        if reading is not None:
            readings.append(reading)
    return readings


def readings_of(number: str) -> list[Reading]:
    """Every reading of a whole number (letters included or not)."""
    return read(ALL if number.isdigit() else ALPHA, number)


# --- wrong check digits of broad formats -------------------------------------------------------

# Broad formats whose failed check digit is still reported (Russian Post's 14 digits): a whole
# number of that shape is most likely a typo, not the weak catch-all shape it also matches.
_WRONG_CHECK: dict[int, list[_CarrierReader]] = {}
for _fmt in FORMATS:
    if _fmt.report_wrong_check:
        for _length in range(_fmt.length[0], _fmt.length[1] + 1):
            _WRONG_CHECK.setdefault(_length, []).append(_CarrierReader(_fmt))


def with_wrong_checks(number: str, readings: Sequence[Reading]) -> Sequence[Reading]:
    """``readings`` plus the wrong-check readings of ``report_wrong_check`` formats, when no
    reading has a check digit that holds (segmentation never sees these)."""
    extra: list[Reading] = []
    for reader in _WRONG_CHECK.get(len(number), ()):
        if any(r.fmt is reader.fmt or r.check is CheckDigit.VALID for r in readings):
            continue
        match = reader.fullmatch(number)
        if match is None:
            continue
        serial, check = match.groups()
        assert reader.check_digit is not None
        expected = reader.check_digit(serial)
        if expected != check:
            extra.append(
                Reading(
                    score=_WRONG_CHECK_SCORE,  # as if the shape were not broad
                    fmt=reader.fmt,
                    check=CheckDigit.INVALID,
                    expected=expected,
                    facts=reader.facts,
                    service_code=None,
                    service_class=None,
                    weight=reader.weight_invalid,
                    trackability=Trackability.INVALID,
                )
            )
    return [*extra, *readings] if extra else readings
