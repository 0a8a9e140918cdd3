"""What people type: dates relative to a given today, prices, the protection timer, zones."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.core.parsing import (
    Money,
    format_minutes,
    parse_amount,
    parse_date,
    parse_days_left,
    parse_money,
    parse_number,
    parse_quiet_hours,
    to_usd,
)
from bot.core.timezones import PRESETS, describe, offset_zone, parse_timezone, zone

TODAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12.11", date(2026, 11, 12)),
        ("12.11.2026", date(2026, 11, 12)),
        ("12.11.26", date(2026, 11, 12)),
        ("12/11/2026", date(2026, 11, 12)),
        ("2026-11-12", date(2026, 11, 12)),
        ("25.12", date(2025, 12, 25)),  # no year and still ahead this year: last year's
        ("20.11", TODAY),
        ("12 ноября", date(2026, 11, 12)),
        ("12 November", date(2026, 11, 12)),
        ("Nov 12", date(2026, 11, 12)),
        ("today", TODAY),
        ("Сегодня", TODAY),
        ("вчера", date(2026, 11, 19)),
        ("yesterday", date(2026, 11, 19)),
        ("позавчера", date(2026, 11, 18)),
        ("12 days ago", date(2026, 11, 8)),
        ("12 дней назад", date(2026, 11, 8)),
        ("1 день назад", date(2026, 11, 19)),
        ("3 дня назад", date(2026, 11, 17)),
        ("неделю назад", date(2026, 11, 13)),
        ("a week ago", date(2026, 11, 13)),
        ("2 недели назад", date(2026, 11, 6)),
        ("  12   days   ago ", date(2026, 11, 8)),
    ],
)
def test_dates(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    "typed", ["", "hello", "31.02.2026", "13.13", "99 days", "12", "ж" * 4000, "2026-02-30"]
)
def test_not_dates(typed: str) -> None:
    assert parse_date(typed, TODAY) is None


def test_future_dates_without_year() -> None:
    assert parse_date("25.12", TODAY, past=False) == date(2026, 12, 25)
    assert parse_date("01.01", TODAY, past=False) == date(2027, 1, 1)
    assert parse_date("29.02", date(2027, 3, 1)) is not None  # a leap day still means something


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("$7.5", Money(7.5, "USD")),
        ("7,50 $", Money(7.5, "USD")),
        ("15 USD", Money(15.0, "USD")),
        ("15usd", Money(15.0, "USD")),
        ("US $3.99", Money(3.99, "USD")),
        ("1200 руб", Money(1200.0, "RUB")),
        ("1200 руб.", Money(1200.0, "RUB")),
        ("1 200 ₽", Money(1200.0, "RUB")),
        ("1200р", Money(1200.0, "RUB")),
        ("€10", Money(10.0, "EUR")),
        ("10 евро", Money(10.0, "EUR")),
        ("¥ 50", Money(50.0, "CNY")),
        ("5000 тенге", Money(5000.0, "KZT")),
        ("7.5", Money(7.5, None)),
    ],
)
def test_money(typed: str, expected: Money) -> None:
    assert parse_money(typed) == expected


@pytest.mark.parametrize("typed", ["", "abc", "0", "-5 $", "12 bananas", "$", "1" * 200])
def test_not_money(typed: str) -> None:
    assert parse_money(typed) is None


def test_usd_is_approximate_and_known_currencies_only() -> None:
    assert to_usd(15, "USD") == 15
    rub = to_usd(900, "RUB")
    assert rub is not None and 5 < rub < 20
    assert to_usd(10, "XYZ") is None
    assert to_usd(10, None) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("17 дней", date(2026, 12, 7)),
        ("17 days", date(2026, 12, 7)),
        ("in 17 days", date(2026, 12, 7)),
        ("через 17 дней", date(2026, 12, 7)),
        ("осталось 17 дней", date(2026, 12, 7)),
        ("17 days left", date(2026, 12, 7)),
        ("17", date(2026, 12, 7)),
        ("5 д 3 ч", date(2026, 11, 25)),
        ("5 days 03:12:44", date(2026, 11, 25)),
        ("0", TODAY),
        ("25.12", date(2026, 12, 25)),
        ("до 25.11", date(2026, 11, 25)),
        ("2026-12-01", date(2026, 12, 1)),
    ],
)
def test_days_left(typed: str, expected: date) -> None:
    assert parse_days_left(typed, TODAY) == expected


@pytest.mark.parametrize("typed", ["", "soon", "999 days", "x" * 500])
def test_not_days_left(typed: str) -> None:
    assert parse_days_left(typed, TODAY) is None


def test_quiet_hours() -> None:
    assert parse_quiet_hours("23:00-08:00") == (1380, 480)
    assert parse_quiet_hours("22 - 7") == (1320, 420)
    assert parse_quiet_hours("22:30 до 07:15") == (1350, 435)
    assert parse_quiet_hours("off") is False
    assert parse_quiet_hours("выкл") is False
    assert parse_quiet_hours("8-8") is None
    assert parse_quiet_hours("25-7") is None
    assert parse_quiet_hours("night") is None
    assert format_minutes(435) == "07:15"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Москва", "Europe/Moscow"),
        ("москва", "Europe/Moscow"),
        ("Moscow", "Europe/Moscow"),
        ("Екатеринбург", "Asia/Yekaterinburg"),
        ("New York", "America/New_York"),
        ("+3", "Etc/GMT-3"),
        ("UTC-5", "Etc/GMT+5"),
        ("utc +10", "Etc/GMT-10"),
        ("GMT+05:30", "Asia/Kolkata"),
        ("UTC", "UTC"),
        ("+0", "UTC"),
        ("мск+4", "Etc/GMT-7"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("asia/tokyo", "Asia/Tokyo"),
    ],
)
def test_timezones(typed: str, expected: str) -> None:
    assert parse_timezone(typed) == expected


@pytest.mark.parametrize("typed", ["", "Atlantis", "+15", "UTC+3:75", "x" * 4000])
def test_not_timezones(typed: str) -> None:
    assert parse_timezone(typed) is None


def test_offsets_and_presets_are_real_zones() -> None:
    moment = datetime(2026, 7, 1, 12, tzinfo=UTC)
    for minutes in range(-12 * 60, 14 * 60 + 1, 60):
        name = offset_zone(minutes)
        assert name is not None
        offset = moment.astimezone(zone(name)).utcoffset()
        assert offset is not None and offset.total_seconds() == minutes * 60
    for presets in PRESETS.values():
        for _label, name in presets:
            assert zone(name) is not zone("UTC")
    assert describe("Europe/Moscow", moment) == "Europe/Moscow (UTC+03:00)"
    assert describe("Etc/GMT+5", moment) == "UTC-05:00"
    assert str(zone("No/Such_Zone")) == "UTC"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("12-11-2026", date(2026, 11, 12)),
        ("12th of November", date(2026, 11, 12)),
        ("on Nov 12", date(2026, 11, 12)),
        ("десять дней назад", date(2026, 11, 10)),
    ],
)
def test_more_dates_people_type(typed: str, expected: date) -> None:
    assert parse_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("1,200.50", 1200.5), ("1.200,50", 1200.5), ("1,200 $", 1200.0), ("12,5", 12.5)],
)
def test_money_with_thousands_separators(typed: str, amount: float) -> None:
    money = parse_money(typed)
    assert money is not None and money.amount == amount


@pytest.mark.parametrize(
    ("typed", "days"),
    [
        ("Осталось: 17 дн. 05:12:33", 17),
        ("через 2 недели", 14),
        ("2 weeks", 14),
    ],
)
def test_timer_as_the_order_page_shows_it(typed: str, days: int) -> None:
    deadline = parse_days_left(typed, TODAY)
    assert deadline is not None and (deadline - TODAY).days == days


def test_timer_from_the_refund_line() -> None:
    assert parse_days_left("Refund if no delivery before Dec 2", TODAY) == date(2026, 12, 2)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("с 23 до 8", (1380, 480)),
        ("23.00-08.00", (1380, 480)),
        ("from 22 to 7", (1320, 420)),
        ("11pm-7am", (1380, 420)),
        ("13pm-7am", None),
    ],
)
def test_quiet_hours_typed_naturally(typed: str, expected: tuple[int, int] | None) -> None:
    assert parse_quiet_hours(typed) == expected


# --- typed numbers and amounts in chat answers ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17", 17.0),
        (" 17 дн. ", 17.0),  # one reader of durations everywhere (QA C4): "дн." is days
        ("17 дней", 17.0),
        ("17 days", 17.0),
        ("-3", -3.0),
        ("+3", 3.0),
        ("$5", 5.0),
        ("7,5 USD", 7.5),
        ("123456", None),  # six digits are no day count
        ("17 weeks", 119.0),
        ("осталось 3 дня", 3.0),
        ("57 дн 4 ч", 57.0),
        ("seventeen", None),
        ("", None),
    ],
)
def test_parse_number(text: str, expected: float | None) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7.5", 7.5),
        ("$5", 5.0),
        ("0", 0.0),  # a $0 offer is a known trick, not a typo
        ("12 USD", 12.0),
        ("123456", 123456.0),
        ("-5", None),
        ("5 days", None),
        ("seller offers 7.5 dollars", 7.5),
        ("7,5 долларов", 7.5),
        ("1234567", None),
    ],
)
def test_parse_amount(text: str, expected: float | None) -> None:
    assert parse_amount(text) == expected
