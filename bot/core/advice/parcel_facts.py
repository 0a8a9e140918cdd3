"""A stored parcel as advisor facts: the tracking status map and the answers given in chat.

Pure: a parcel arrives as anything shaped like :class:`ParcelRecord` (``storage.Parcel`` is one)
and its chat answers as :class:`AnswersRecord` (``storage.ParcelAnswers``), so this module needs
neither the database nor Telegram. Day counts are computed against the ``today`` the caller
passes: the user's calendar date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol

from bot.core.advice.facts import Facts, NumberFormat, SellerResponse, Tracking
from bot.core.parsing import to_usd
from bot.core.tracknumbers import analyze
from bot.tracking.model import Status

STALLED_AFTER_DAYS = 7  # no new event this long while in transit: stalled


class ParcelRecord(Protocol):
    """What the advice reads from a stored parcel (``storage.Parcel`` satisfies it)."""

    @property
    def number(self) -> str: ...
    @property
    def real_number(self) -> str | None: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def last_event_at(self) -> int | None: ...
    @property
    def last_checked_at(self) -> int | None: ...
    @property
    def shipped_on(self) -> date | None: ...
    @property
    def price_amount(self) -> float | None: ...
    @property
    def price_currency(self) -> str | None: ...
    @property
    def protection_deadline(self) -> date | None: ...
    @property
    def seller_contacted_on(self) -> date | None: ...
    @property
    def seller_response(self) -> str | None: ...
    @property
    def dispute_status(self) -> str | None: ...
    @property
    def dispute_opened_on(self) -> date | None: ...


class AnswersRecord(Protocol):
    """A parcel's answers that have no column of their own (``storage.ParcelAnswers``)."""

    @property
    def tracking(self) -> str | None: ...
    @property
    def quiet_since(self) -> date | None: ...
    @property
    def timer_over(self) -> bool | None: ...
    @property
    def seller_contacted(self) -> bool | None: ...
    @property
    def dispute_open(self) -> bool | None: ...
    @property
    def paid_with_paypal(self) -> bool | None: ...
    @property
    def offer_amount(self) -> float | None: ...
    @property
    def order_finished_on(self) -> date | None: ...
    @property
    def asked(self) -> tuple[str, ...]: ...
    @property
    def round_done(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class NoAnswers:
    """Nothing answered yet (a parcel without a stored answers row)."""

    tracking: str | None = None
    quiet_since: date | None = None
    timer_over: bool | None = None
    seller_contacted: bool | None = None
    dispute_open: bool | None = None
    paid_with_paypal: bool | None = None
    offer_amount: float | None = None
    order_finished_on: date | None = None
    asked: tuple[str, ...] = ()
    round_done: bool = False


NO_ANSWERS = NoAnswers()


def tracking_from(parcel: ParcelRecord, today: date) -> tuple[Tracking | None, int | None]:
    """Our tracking status mapped to the advisor's, with the quiet days; (None, None) if unknown."""
    try:
        status = Status(parcel.status)
    except ValueError:
        return None, None
    quiet: int | None = None
    if parcel.last_event_at is not None:
        last = datetime.fromtimestamp(parcel.last_event_at, UTC).date()
        quiet = max(0, (today - last).days)
    if status is Status.NOT_FOUND:
        return (Tracking.NOT_FOUND, None) if parcel.last_checked_at is not None else (None, None)
    if status is Status.DELIVERED:
        return Tracking.DELIVERED, None
    if status in (Status.RETURNING, Status.RETURNED):
        return Tracking.RETURNED, None
    if status is Status.IN_CUSTOMS:
        return Tracking.CUSTOMS, quiet
    if status is Status.EXPIRED:
        return Tracking.VANISHED, quiet
    if status is Status.AWAITING_DISPATCH:  # a label, no parcel yet: the "not tracked yet" advice
        return Tracking.NOT_FOUND, None
    if status is Status.INFO_RECEIVED:
        return Tracking.ORIGIN_ONLY, quiet
    stalled = quiet is not None and quiet >= STALLED_AFTER_DAYS
    if status in (Status.EXCEPTION, Status.DELIVERY_FAILED) or stalled:
        return Tracking.STALLED, quiet
    return Tracking.MOVING, quiet


def number_format(number: str, kind: str | None) -> NumberFormat | None:
    """The stored format verdict, else the explainer's."""
    for value in (kind, analyze(number).verdict.value):
        if value is not None and value in NumberFormat.__members__.values():
            return local_digits(number, NumberFormat(value))
    return None


def local_digits(number: str, verdict: NumberFormat) -> NumberFormat:
    """A digits-only number that is no valid barcode we know is a courier's local number: the
    seed says ask the seller for the international one, not "a typo or a fake" (QA A4). A valid
    Russian Post barcode keeps its own verdict."""
    if number.isdigit() and verdict in (NumberFormat.INVALID, NumberFormat.UNKNOWN):
        return NumberFormat.LOCAL_ONLY
    return verdict


def _days_since(day: date | None, today: date) -> int | None:
    return None if day is None else (today - day).days


def facts_from_parcel(
    parcel: ParcelRecord, today: date, answers: AnswersRecord | None = None
) -> Facts:
    """Everything known about ``parcel``: its columns, its tracking and its chat answers."""
    known: AnswersRecord = answers or NO_ANSWERS
    tracking, quiet = tracking_from(parcel, today)
    told_quiet = _days_since(known.quiet_since, today)
    if tracking is None and known.tracking:
        tracking, quiet = Tracking(known.tracking), told_quiet
    elif quiet is None and told_quiet is not None:
        quiet = told_quiet
    response: SellerResponse | None = None
    if parcel.seller_response:
        try:
            response = SellerResponse(parcel.seller_response)
        except ValueError:
            response = None
    in_dispute = parcel.dispute_status == "open" or (
        parcel.dispute_opened_on is not None and parcel.dispute_status in (None, "open")
    )
    price, typed = parcel.price_amount, None
    if price is not None and parcel.price_currency not in (None, "USD"):
        # Kept as typed; the price tiers need dollars: a fixed, approximate rate.
        typed = f"{price:g} {parcel.price_currency}"
        price = to_usd(price, parcel.price_currency)
    number = parcel.real_number or parcel.number
    left = (parcel.protection_deadline - today).days if parcel.protection_deadline else None
    return Facts(
        days_since_shipped=_days_since(parcel.shipped_on, today),
        tracking=tracking,
        stalled_days=quiet,
        number_format=number_format(number, parcel.kind),
        price_usd=price,
        price_approx=typed is not None and price is not None,
        price_typed=typed if price is not None else None,
        protection_days_left=left,
        timer_over=True if left is None and known.timer_over else None,
        seller_contacted=known.seller_contacted,
        seller_contacted_days_ago=_days_since(parcel.seller_contacted_on, today),
        dispute_open=in_dispute if parcel.dispute_status is not None else known.dispute_open,
        dispute_open_days=(_days_since(parcel.dispute_opened_on, today) if in_dispute else None),
        seller_response=response,
        offer_amount=known.offer_amount,
        order_finished_days_ago=_days_since(known.order_finished_on, today),
        paid_with_paypal=known.paid_with_paypal,
        track_number=number,
    )


def facts_from_number(number: str) -> Facts:
    """Facts about a number that is not watched: the number and its format only."""
    analysis = analyze(number)
    clean = analysis.number or number
    try:
        fmt: NumberFormat | None = local_digits(clean, NumberFormat(analysis.verdict.value))
    except ValueError:
        fmt = None
    return Facts(track_number=clean, number_format=fmt)
