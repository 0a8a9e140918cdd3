"""Result types of the track-number explainer (plain data, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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
    name: str
    url: str


@dataclass(slots=True)
class Interpretation:
    """One reading of a number: which format, what it says, how sure we are."""

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
    links: tuple[Link, ...]
    notes: tuple[str, ...] = ()  # English msgids explaining this reading
    private_suffix: bool = False

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
            "links": [{"name": link.name, "url": link.url} for link in self.links],
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
