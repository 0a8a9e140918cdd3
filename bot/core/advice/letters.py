"""Letters to the seller and dispute texts.

Always English, never translated: sellers and AliExpress staff read English, and the dispute form
may reject anything but Latin characters. Every inserted value goes through `ascii_safe`.
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from enum import StrEnum

from bot.core.advice.timelines import DEFAULTS, Timelines


class DisputeReason(StrEnum):
    """Why the parcel did not arrive (D3)."""

    NO_TRACKING = "no_tracking"
    LATE = "late"  # still in transit past the promised time
    CUSTOMS = "customs"
    RETURNED = "returned"
    NOT_RECEIVED = "not_received"  # shows delivered, buyer has nothing


class Problem(StrEnum):
    """What is wrong with a parcel that did arrive (D5)."""

    NOT_AS_DESCRIBED = "not_as_described"
    POOR_QUALITY = "poor_quality"
    NOT_WORKING = "not_working"
    COUNTERFEIT = "counterfeit"
    DAMAGED = "damaged"
    WRONG_OR_MISSING = "wrong_or_missing"
    EMPTY = "empty"


# One Latin spelling per Cyrillic letter (hard and soft signs vanish).
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh sch - y - e yu ya".split(),  # noqa: SIM905
        strict=True,
    )
)
_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
_MONTHS += ("August", "September", "October", "November", "December")


def ascii_safe(value: object) -> str:
    """``value`` as printable ASCII: accents dropped, Cyrillic transliterated, the rest removed."""
    out: list[str] = []
    for ch in str(value):
        low = ch.lower()
        if low in _CYRILLIC:
            latin = _CYRILLIC[low].replace("-", "")
            out.append(latin.capitalize() if ch != low else latin)
            continue
        if ch in "\n\t":
            out.append(" ")
            continue
        decomposed = unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii")
        out.append("".join(c for c in decomposed if c.isprintable()))
    return " ".join("".join(out).split())


def format_date(day: date) -> str:
    """Unambiguous English date, independent of the process locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def format_usd(amount: float) -> str:
    return f"{amount:.2f} USD"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _number(track_number: str | None) -> str:
    clean = ascii_safe(track_number or "").upper().replace(" ", "")
    return f"the tracking number {clean}" if clean else "the tracking number of my order"


def _paren(track_number: str | None) -> str:
    clean = ascii_safe(track_number or "").upper().replace(" ", "")
    return f" ({clean})" if clean else ""


def _shipped(days_since_shipped: int | None, today: date | None) -> str:
    if days_since_shipped is None:
        return ""
    if today is not None:
        shipped = format_date(today - timedelta(days=days_since_shipped))
        return f" The order was marked as shipped on {shipped}, {_days(days_since_shipped)} ago."
    return f" The order was marked as shipped {_days(days_since_shipped)} ago."


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def letter_not_tracked(
    track_number: str | None, days_since_shipped: int | None = None, today: date | None = None
) -> str:
    return (
        "Hello,\n\n"
        f"{_sentence_start(_number(track_number))} cannot be found on any tracking site."
        f"{_shipped(days_since_shipped, today)} Please check where my parcel is and send me"
        " a tracking number that works.\n\nThank you."
    )


def letter_tracking_stopped(
    track_number: str | None, stalled_days: int | None = None, today: date | None = None
) -> str:
    if stalled_days is not None and today is not None:
        since = f" since {format_date(today - timedelta(days=stalled_days))}"
    elif stalled_days is not None:
        since = f" for {_days(stalled_days)}"
    else:
        since = " for a long time"
    return (
        "Hello,\n\n"
        f"Tracking of my parcel{_paren(track_number)} has shown no new event{since}."
        " You hold the postal receipt, so please ask the carrier to search for the parcel and"
        " tell me what they find.\n\nThank you."
    )


def letter_customs(track_number: str | None, days_at_customs: int | None = None) -> str:
    held = f" for {_days(days_at_customs)}" if days_at_customs is not None else ""
    return (
        "Hello,\n\n"
        f"My parcel{_paren(track_number)} has been held at customs{held}. Please send me"
        " the invoice or customs declaration data (declared contents and value) so that I can"
        " help clear it.\n\nThank you."
    )


def letter_international_number(track_number: str | None) -> str:
    return (
        "Hello,\n\n"
        f"{_sentence_start(_number(track_number))} only works inside the origin country."
        " Please give me the international tracking number of the parcel (two letters,"
        " nine digits, two letters, for example RB123456785CN).\n\nThank you."
    )


def letter_extend_protection(days: int, track_number: str | None = None) -> str:
    return (
        "Hello,\n\n"
        f"My parcel{_paren(track_number)} has not arrived yet and the buyer protection"
        f" time is almost over. Please extend the buyer protection by {_days(days)}"
        " on the order page.\n\nThank you."
    )


def letter_escalation(dispute_days: int | None = None, *, attached: bool = False) -> str:
    """For the buyer to add to a refused dispute, asking AliExpress to decide. ``attached``: the
    user said they have evidence; only then does the letter mention it (as the dispute text)."""
    open_for = f" The dispute has been open for {_days(dispute_days)}." if dispute_days else ""
    review = " and the evidence I attached" if attached else ""
    return (
        f"The seller refused my dispute without solving the problem.{open_for} I do not accept"
        f" the refusal and ask AliExpress to review the case{review}."
    )


_REASON_LINES: dict[DisputeReason, str] = {
    DisputeReason.NO_TRACKING: "{Number} cannot be found on any tracking site.",
    DisputeReason.LATE: ("My parcel{paren} is still in transit after the promised delivery time."),
    DisputeReason.CUSTOMS: "My parcel{paren} is held at customs and has not been released.",
    DisputeReason.RETURNED: ("Tracking shows that my parcel{paren} was returned to the sender."),
    DisputeReason.NOT_RECEIVED: (
        "Tracking shows my parcel{paren} as delivered, but I have not received it."
    ),
}

_PROBLEM_LINES: dict[Problem, str] = {
    Problem.NOT_AS_DESCRIBED: "The item I received is not as described on the product page.",
    Problem.POOR_QUALITY: "The item I received is of poor quality.",
    Problem.NOT_WORKING: "The item I received does not work.",
    Problem.COUNTERFEIT: "The item I received is a counterfeit.",
    Problem.DAMAGED: "The item arrived damaged.",
    Problem.WRONG_OR_MISSING: "I received the wrong item, or items are missing from the order.",
    Problem.EMPTY: "The parcel arrived empty.",
}


def dispute_text(
    subject: DisputeReason | Problem,
    *,
    track_number: str | None = None,
    days_since_shipped: int | None = None,
    seller_contacted_days_ago: int | None = None,
    seller_silent: bool | None = None,
    amount: float | None = None,
    keep_item: bool = False,
    today: date | None = None,
    timelines: Timelines = DEFAULTS,
    share: float | None = None,
    attached: bool = False,
) -> str:
    """The English text to paste into the AliExpress dispute form (ASCII only). ``attached``:
    the user said they have evidence; only then does the text mention files."""
    number = _number(track_number)
    if isinstance(subject, DisputeReason):
        first = _REASON_LINES[subject].format(
            Number=_sentence_start(number), paren=_paren(track_number)
        )
    else:
        first = _PROBLEM_LINES[subject] + (
            f" Tracking number: {ascii_safe(track_number).upper()}." if track_number else ""
        )
    parts = [first]
    shipped = _shipped(days_since_shipped, today).strip()
    if shipped:
        parts.append(shipped)
    if seller_contacted_days_ago is not None:
        answer = " and got no useful answer" if seller_silent in (None, True) else ""
        parts.append(f"I wrote to the seller {_days(seller_contacted_days_ago)} ago{answer}.")
    if isinstance(subject, DisputeReason):
        ask = "I ask for a full refund"
        ask += f" of {format_usd(amount)}." if amount is not None else "."
    elif keep_item:
        ask = "I will keep the item and ask for a partial refund"
        if amount is not None:
            ask += f" of {format_usd(amount)}."
        elif share is not None:
            ask += f" of {round(share * 100)}% of the order total."
        else:
            ask += "."
    elif subject is Problem.EMPTY:
        ask = "I ask for a full refund"
        ask += f" of {format_usd(amount)}." if amount is not None else "."
    else:
        ask = (
            "I ask for a full refund"
            + (f" of {format_usd(amount)}" if amount is not None else "")
            + f" and will ship the item back within {_days(timelines.return_shipping)}."
        )
    parts.append(ask)
    if attached:
        parts.append("Photos and screenshots are attached.")
    return ascii_safe(" ".join(parts))
