"""Result types of the track-number explainer (plain data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.i18n import N_

if TYPE_CHECKING:
    from bot.core.tracknumbers.formats import Format
    from bot.core.tracknumbers.s10 import ServiceClass


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


@dataclass(frozen=True, slots=True)
class Facts:
    """What a format (or an S10 suffix kind) says, shared by every reading of it.

    Built once per format row and per S10 suffix kind when the tables load; an ``Interpretation``
    points at one instead of copying a dozen fields for every number.
    """

    kind: Kind
    format_id: str | None
    carrier: str | None
    carrier_name: str | None
    issuing_country: str | None
    trackability: Trackability  # when the check digit holds (or there is none)
    notes_ok: tuple[str, ...]
    notes_bad: tuple[str, ...]  # with a wrong check digit
    private_suffix: bool = False
    link_format: Format | None = None
    post_url: str | None = None
    post_name: str | None = None
    russian_post: bool = False  # link Russian Post when the check digit holds
    cainiao: bool = False


@dataclass(slots=True, repr=False)
class Interpretation:
    """One reading of a number: which format, what it says, how sure we are.

    Decided per number: the check-digit verdict (and the digit we expected), the service class,
    trackability and confidence. The format's fixed facts (carrier, names, notes) are read
    through ``Facts``; the link URLs are built on first use (most answers never show them all).
    """

    facts: Facts
    number: str
    check_digit: CheckDigit
    expected_check_digit: str | None
    trackability: Trackability
    service_code: str | None = None
    service_class: ServiceClass | None = None
    confidence: float = 0.0
    _links: tuple[Link, ...] | None = field(default=None, init=False, compare=False)

    def __repr__(self) -> str:
        return (
            f"Interpretation(kind={self.kind!r}, format_id={self.format_id!r}, "
            f"carrier={self.carrier!r}, check_digit={self.check_digit!r}, "
            f"trackability={self.trackability!r}, confidence={self.confidence!r})"
        )

    @property
    def kind(self) -> Kind:
        return self.facts.kind

    @property
    def format_id(self) -> str | None:
        return self.facts.format_id

    @property
    def carrier(self) -> str | None:
        return self.facts.carrier

    @property
    def carrier_name(self) -> str | None:
        return self.facts.carrier_name

    @property
    def service_meaning(self) -> str | None:
        """English msgid; translated when rendered."""
        return self.service_class.meaning if self.service_class is not None else None

    @property
    def issuing_country(self) -> str | None:
        return self.facts.issuing_country

    @property
    def private_suffix(self) -> bool:
        return self.facts.private_suffix

    @property
    def notes(self) -> tuple[str, ...]:
        """English msgids explaining this reading."""
        facts = self.facts
        notes = facts.notes_bad if self.check_digit is CheckDigit.INVALID else facts.notes_ok
        if self.service_class is not None and self.service_class.note:
            notes = (*notes, self.service_class.note)
        return notes

    @property
    def links(self) -> tuple[Link, ...]:
        if self._links is None:
            f = self.facts
            self._links = build_links(
                self.number,
                f.link_format,
                f.post_url,
                f.post_name,
                f.russian_post and self.check_digit is not CheckDigit.INVALID,
                f.cainiao,
            )
        return self._links

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


@dataclass(slots=True)
class Analysis:
    """Everything we can say about one number found in the text."""

    input: str
    number: str
    best: Interpretation
    alternatives: tuple[Interpretation, ...]
    verdict: Trackability

    @property
    def interpretations(self) -> tuple[Interpretation, ...]:
        return (self.best, *self.alternatives)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"input": self.input, "number": self.number}
        data.update(self.best.to_json())
        data["alternatives"] = [alt.to_json() for alt in self.alternatives]
        return data


@dataclass(slots=True)
class FoundNumbers:
    """The numbers found in one text: the first ones explained, and how many there were."""

    items: list[Analysis] = field(default_factory=list)
    total_found: int = 0
    truncated: bool = False
    too_long: bool = False  # nothing found, but a digit run longer than any number was there
