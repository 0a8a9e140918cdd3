"""A stored parcel and its chat answers as advisor facts (bot.core.advice.parcel_facts)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.core.advice import NumberFormat, SellerResponse, Tracking
from bot.core.advice.parcel_facts import facts_from_number, facts_from_parcel, tracking_from
from storage import Parcel, ParcelAnswers

TODAY = date(2026, 11, 20)
NOON = datetime(2026, 11, 20, 12, tzinfo=UTC)


def parcel(**values: object) -> Parcel:
    base = Parcel(
        id=7, user_id=1, number="RB123456785CN", nickname=None, carrier=None, kind=None,
        created_at=0, updated_at=0,
    )  # fmt: skip
    return replace(base, **values)  # type: ignore[arg-type]


def event_days_ago(n: int) -> int:
    return int((NOON - timedelta(days=n)).timestamp())


@pytest.mark.parametrize(
    ("status", "checked", "last_event", "expected"),
    [
        ("not_found", None, None, (None, None)),  # never looked up: unknown
        ("not_found", 1, None, (Tracking.NOT_FOUND, None)),
        ("info_received", 1, 2, (Tracking.ORIGIN_ONLY, 2)),
        ("in_transit", 1, 3, (Tracking.MOVING, 3)),
        ("in_transit", 1, 7, (Tracking.STALLED, 7)),  # a week without news
        ("arrived_destination", 1, 1, (Tracking.MOVING, 1)),
        ("in_customs", 1, 12, (Tracking.CUSTOMS, 12)),
        ("exception", 1, 1, (Tracking.STALLED, 1)),
        ("delivery_failed", 1, 1, (Tracking.STALLED, 1)),
        ("expired", 1, 40, (Tracking.VANISHED, 40)),
        ("delivered", 1, 1, (Tracking.DELIVERED, None)),
        ("returning", 1, 1, (Tracking.RETURNED, None)),
        ("returned", 1, 1, (Tracking.RETURNED, None)),
        ("no such status", 1, 1, (None, None)),
    ],
)
def test_status_map(
    status: str, checked: int | None, last_event: int | None, expected: tuple[object, object]
) -> None:
    stored = parcel(
        status=status,
        last_checked_at=checked,
        last_event_at=None if last_event is None else event_days_ago(last_event),
    )
    assert tracking_from(stored, TODAY) == expected


def test_columns_become_day_counts_against_today() -> None:
    stored = parcel(
        shipped_on=TODAY - timedelta(days=20),
        protection_deadline=TODAY + timedelta(days=6),
        seller_contacted_on=TODAY - timedelta(days=2),
        seller_response="promised",
        price_amount=7.5,
        price_currency="USD",
        dispute_opened_on=TODAY - timedelta(days=3),
    )
    facts = facts_from_parcel(stored, TODAY)
    assert facts.days_since_shipped == 20 and facts.protection_days_left == 6
    assert facts.seller_contacted_days_ago == 2 and facts.seller_response is SellerResponse.PROMISED
    assert facts.price_usd == 7.5 and facts.dispute_open_days == 3 and facts.in_dispute is True
    assert facts.number_format is NumberFormat.INTERNATIONAL
    assert facts.track_number == "RB123456785CN"
    # A day later every count moved by one: nothing is frozen at the day it was told.
    later = facts_from_parcel(stored, TODAY + timedelta(days=1))
    assert (later.days_since_shipped, later.protection_days_left) == (21, 5)


def test_price_in_another_currency_is_converted_and_marked_approximate() -> None:
    """QA A7: a price typed in roubles was ignored, so "under $5: wait" never applied."""
    rubles = facts_from_parcel(parcel(price_amount=700.0, price_currency="RUB"), TODAY)
    assert (rubles.price_usd, rubles.price_approx, rubles.price_typed) == (7.78, True, "700 RUB")
    dollars = facts_from_parcel(parcel(price_amount=7.5, price_currency="USD"), TODAY)
    assert (dollars.price_usd, dollars.price_approx, dollars.price_typed) == (7.5, False, None)
    # A currency without a rate stays unknown (the price question may then be asked).
    odd = facts_from_parcel(parcel(price_amount=7.5, price_currency="JPY"), TODAY)
    assert (odd.price_usd, odd.price_approx) == (None, False)


def test_answers_without_columns() -> None:
    answers = ParcelAnswers(
        parcel_id=7,
        tracking="stalled",
        quiet_since=TODAY - timedelta(days=9),
        timer_over=True,
        seller_contacted=False,
        dispute_open=False,
        paid_with_paypal=True,
        offer_amount=2.5,
        order_finished_on=TODAY - timedelta(days=16),
    )
    facts = facts_from_parcel(parcel(), TODAY, answers)
    assert facts.tracking is Tracking.STALLED and facts.stalled_days == 9
    assert facts.timer_over is True and facts.timer_left == -1
    assert facts.seller_contacted is False and facts.dispute_open is False
    assert facts.paid_with_paypal is True and facts.offer_amount == 2.5
    assert facts.order_finished_days_ago == 16
    # Dates, not frozen counts: "finished 16 days ago" is 17 days ago tomorrow.
    tomorrow = facts_from_parcel(parcel(), TODAY + timedelta(days=1), answers)
    assert (tomorrow.order_finished_days_ago, tomorrow.stalled_days) == (17, 10)


def test_columns_win_over_answers() -> None:
    answers = ParcelAnswers(parcel_id=7, tracking="not_found", timer_over=True, dispute_open=False)
    stored = parcel(
        status="in_transit",
        last_checked_at=1,
        last_event_at=event_days_ago(1),
        protection_deadline=TODAY + timedelta(days=3),
        dispute_status="open",
    )
    facts = facts_from_parcel(stored, TODAY, answers)
    assert facts.tracking is Tracking.MOVING  # looked up beats told
    assert facts.timer_over is None and facts.protection_days_left == 3  # a deadline beats "over"
    assert facts.dispute_open is True  # the recorded dispute beats an old "no"


def test_number_not_watched() -> None:
    facts = facts_from_number("ua 671580905 ru")
    assert facts.track_number == "UA671580905RU"
    assert facts.number_format is NumberFormat.ORIGIN_ONLY
