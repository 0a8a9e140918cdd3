"""Result types of the track-number explainer (plain data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from bot.i18n import N_

if TYPE_CHECKING:
    from bot.tracknumbers.formats import Format


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


# The arguments of ``build_links``, kept until the links are first needed.
LinkArgs = tuple[str, "Format | None", "str | None", "str | None", bool, bool]


class Interpretation:
    """One reading of a number: which format, what it says, how sure we are.

    ``links`` are built on first access (from the number and the format): every field that
    decides the reading is set when it is made, the URLs only when an answer shows them.
    """

    __slots__ = (
        "_link_args",
        "_links",
        "carrier",
        "carrier_name",
        "check_digit",
        "confidence",
        "expected_check_digit",
        "format_id",
        "issuing_country",
        "kind",
        "notes",
        "private_suffix",
        "service_code",
        "service_meaning",
        "trackability",
    )

    kind: Kind
    format_id: str | None
    carrier: str | None
    carrier_name: str | None
    service_code: str | None
    service_meaning: str | None  # English msgid; translated when rendered
    issuing_country: str | None
    check_digit: CheckDigit
    expected_check_digit: str | None
    trackability: Trackability
    confidence: float
    notes: tuple[str, ...]  # English msgids explaining this reading
    private_suffix: bool
    _links: tuple[Link, ...] | None
    _link_args: LinkArgs | None

    def __init__(
        self,
        kind: Kind,
        format_id: str | None,
        carrier: str | None,
        carrier_name: str | None,
        service_code: str | None,
        service_meaning: str | None,
        issuing_country: str | None,
        check_digit: CheckDigit,
        expected_check_digit: str | None,
        trackability: Trackability,
        confidence: float,
        links: tuple[Link, ...] | None,
        notes: tuple[str, ...] = (),
        private_suffix: bool = False,
        link_args: LinkArgs | None = None,
    ) -> None:
        """``links`` given, or ``None`` and ``link_args`` for ``build_links`` (lazy)."""
        self.kind = kind
        self.format_id = format_id
        self.carrier = carrier
        self.carrier_name = carrier_name
        self.service_code = service_code
        self.service_meaning = service_meaning
        self.issuing_country = issuing_country
        self.check_digit = check_digit
        self.expected_check_digit = expected_check_digit
        self.trackability = trackability
        self.confidence = confidence
        self.notes = notes
        self.private_suffix = private_suffix
        self._links = links
        self._link_args = link_args

    @property
    def links(self) -> tuple[Link, ...]:
        links = self._links
        if links is None:
            assert self._link_args is not None
            links = self._links = build_links(*self._link_args)
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
    items: list[Analysis] = field(default_factory=list)
    total_found: int = 0
    truncated: bool = False
