"""Result types of the track-number explainer (plain data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.i18n import N_

if TYPE_CHECKING:
    from bot.tracknumbers.formats import Format
    from bot.tracknumbers.s10 import ServiceClass


class Trackability(StrEnum):
    INTERNATIONAL = "international"
    ORIGIN_ONLY = "origin_only"
    LOCAL_ONLY = "local_only"
    INVALID = "invalid"
    UNKNOWN = "unknown"


class Kind(StrEnum):
    S10 = "s10"
    CARRIER = "carrier"
    UNKNOWN = "unknown"


class CheckDigit(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Link:
    name: str  # English msgid (brand names have no translation); translated when shown
    url: str


RUSSIAN_POST_INBOUND = N_("Russian Post (parcels to Russia)")


def _track17(number: str) -> Link:
    return Link("17TRACK", f"https://t.17track.net/en#nums={number}")


def _russian_post(number: str) -> Link:
    return Link(RUSSIAN_POST_INBOUND, f"https://www.pochta.ru/tracking?barcode={number}")


def _cainiao(number: str) -> Link:
    return Link("Cainiao", f"https://global.cainiao.com/newDetail.htm?mailNoList={number}")


def build_links(
    number: str,
    fmt: Format | None,
    post_url: str | None = None,
    post_name: str | None = None,
    russian_post: bool = False,
    cainiao: bool = False,
) -> tuple[Link, ...]:
    """Where to track ``number`` read as ``fmt`` (``None``: a shape we only guess at).

    ``cainiao``: the number was issued in China (S10 …CN, Yanwen's suffixes), so Cainiao's
    global tracker, where AliExpress parcels live, shows it even though the format row says no.
    """
    links = [_track17(number)]
    if fmt is None:
        return tuple(links)
    if fmt.cainiao or cainiao:
        links.append(_cainiao(number))
    if fmt.url:
        links.append(Link(fmt.name, fmt.url.replace("{n}", number)))
    if post_url and post_name:
        links.append(Link(post_name, post_url.replace("{n}", number)))
    if fmt.russian_post and not (post_url and "pochta.ru" in post_url):
        links.append(_russian_post(number))
    if russian_post:
        links.append(_russian_post(number))
    return tuple(links)


class Facts:
    """What a format (or an S10 suffix kind) says, shared by every reading of it.

    Built once per format row and per S10 suffix kind when the tables load; an ``Interpretation``
    points at one instead of copying a dozen fields for every number.
    """

    __slots__ = (
        "cainiao",
        "carrier",
        "carrier_name",
        "format_id",
        "issuing_country",
        "kind",
        "link_format",
        "notes_bad",
        "notes_ok",
        "post_name",
        "post_url",
        "private_suffix",
        "russian_post",
        "trackability",
    )

    def __init__(
        self,
        kind: Kind,
        format_id: str | None,
        carrier: str | None,
        carrier_name: str | None,
        issuing_country: str | None,
        trackability: Trackability,
        notes_ok: tuple[str, ...],
        notes_bad: tuple[str, ...],
        private_suffix: bool = False,
        link_format: Format | None = None,
        post_url: str | None = None,
        post_name: str | None = None,
        russian_post: bool = False,
        cainiao: bool = False,
    ) -> None:
        self.kind = kind
        self.format_id = format_id
        self.carrier = carrier
        self.carrier_name = carrier_name
        self.issuing_country = issuing_country
        self.trackability = trackability  # when the check digit holds (or there is none)
        self.notes_ok = notes_ok
        self.notes_bad = notes_bad  # with a wrong check digit
        self.private_suffix = private_suffix
        self.link_format = link_format
        self.post_url = post_url
        self.post_name = post_name
        self.russian_post = russian_post  # link Russian Post when the check digit holds
        self.cainiao = cainiao


class Interpretation:
    """One reading of a number: which format, what it says, how sure we are.

    Decided per number when it is made: the check-digit verdict (and the digit we expected), the
    service class, trackability and confidence. The format's fixed facts (carrier, names, notes)
    are read through ``Facts``; the link URLs are built on first access.
    """

    __slots__ = (
        "_cls",
        "_facts",
        "_links",
        "_number",
        "check_digit",
        "confidence",
        "expected_check_digit",
        "service_code",
        "trackability",
    )

    service_code: str | None
    check_digit: CheckDigit
    expected_check_digit: str | None
    trackability: Trackability
    confidence: float
    _links: tuple[Link, ...] | None

    def __init__(
        self,
        facts: Facts,
        number: str,
        check_digit: CheckDigit,
        expected_check_digit: str | None,
        trackability: Trackability,
        service_code: str | None = None,
        service_class: ServiceClass | None = None,
        confidence: float = 0.0,
    ) -> None:
        self._facts = facts
        self._number = number
        self.check_digit = check_digit
        self.expected_check_digit = expected_check_digit
        self.trackability = trackability
        self.service_code = service_code
        self._cls = service_class
        self.confidence = confidence
        self._links = None

    @property
    def kind(self) -> Kind:
        return self._facts.kind

    @property
    def format_id(self) -> str | None:
        return self._facts.format_id

    @property
    def carrier(self) -> str | None:
        return self._facts.carrier

    @property
    def carrier_name(self) -> str | None:
        return self._facts.carrier_name

    @property
    def service_meaning(self) -> str | None:
        """English msgid; translated when rendered."""
        return self._cls.meaning if self._cls is not None else None

    @property
    def issuing_country(self) -> str | None:
        return self._facts.issuing_country

    @property
    def private_suffix(self) -> bool:
        return self._facts.private_suffix

    @property
    def notes(self) -> tuple[str, ...]:
        """English msgids explaining this reading."""
        facts = self._facts
        notes = facts.notes_bad if self.check_digit is CheckDigit.INVALID else facts.notes_ok
        if self._cls is not None and self._cls.note:
            notes = (*notes, self._cls.note)
        return notes

    @property
    def links(self) -> tuple[Link, ...]:
        links = self._links
        if links is None:
            f = self._facts
            links = self._links = build_links(
                self._number,
                f.link_format,
                f.post_url,
                f.post_name,
                f.russian_post and self.check_digit is not CheckDigit.INVALID,
                f.cainiao,
            )
        return links

    def _fields(self) -> tuple[Any, ...]:
        return (
            self.kind,
            self.format_id,
            self.carrier,
            self.carrier_name,
            self.service_code,
            self.service_meaning,
            self.issuing_country,
            self.check_digit,
            self.expected_check_digit,
            self.trackability,
            self.confidence,
            self.links,
            self.notes,
            self.private_suffix,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Interpretation):
            return NotImplemented
        return self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable (confidence), like the dataclass was

    def __repr__(self) -> str:
        return (
            f"Interpretation(kind={self.kind!r}, format_id={self.format_id!r}, "
            f"carrier={self.carrier!r}, check_digit={self.check_digit!r}, "
            f"trackability={self.trackability!r}, confidence={self.confidence!r})"
        )

    def to_json(self) -> dict[str, Any]:
        from bot.i18n import _

        return {
            "kind": str(self.kind),
            "carrier": self.carrier,
            "carrier_name": self.carrier_name,
            "format": self.format_id,
            "service": (
                {"code": self.service_code, "meaning": _(self.service_meaning)}
                if self.service_code and self.service_meaning
                else None
            ),
            "issuing_country": self.issuing_country,
            "check_digit": str(self.check_digit),
            "expected_check_digit": self.expected_check_digit,
            "trackability": str(self.trackability),
            "confidence": self.confidence,
            "links": [{"name": _(link.name), "url": link.url} for link in self.links],
        }


# Plain classes rather than dataclasses: the compiled build calls a dataclass's generated
# ``__init__`` through Python, and one of each is made for every number found.
class Analysis:
    """Everything we can say about one number found in the text."""

    __slots__ = ("alternatives", "best", "input", "number", "verdict")

    def __init__(
        self,
        input: str,
        number: str,
        best: Interpretation,
        alternatives: tuple[Interpretation, ...],
        verdict: Trackability,
    ) -> None:
        self.input = input
        self.number = number
        self.best = best
        self.alternatives = alternatives
        self.verdict = verdict

    def __repr__(self) -> str:
        return (
            f"Analysis(input={self.input!r}, number={self.number!r}, best={self.best!r}, "
            f"alternatives={self.alternatives!r}, verdict={self.verdict!r})"
        )

    @property
    def interpretations(self) -> tuple[Interpretation, ...]:
        return (self.best, *self.alternatives)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"input": self.input, "number": self.number}
        data.update(self.best.to_json())
        data["alternatives"] = [alt.to_json() for alt in self.alternatives]
        return data


class FoundNumbers:
    """The numbers found in one text: the first ones explained, and how many there were."""

    __slots__ = ("items", "total_found", "truncated")

    def __init__(
        self, items: list[Analysis] | None = None, total_found: int = 0, truncated: bool = False
    ) -> None:
        self.items: list[Analysis] = [] if items is None else items
        self.total_found = total_found
        self.truncated = truncated

    def __repr__(self) -> str:
        return (
            f"FoundNumbers(items={self.items!r}, total_found={self.total_found!r}, "
            f"truncated={self.truncated!r})"
        )
