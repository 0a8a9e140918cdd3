"""One reader for typed quantities (issue 15 item 2, QA C4): the phrasing tables per language,
the impossible values that become questions, and property tests (Babel-formatted values read
back; no text ever raises)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.advice.interview import read_answer
from bot.core.parsing import parse_amount, parse_number, parse_timer_left
from bot.core.quantities import (
    USD_RATES,
    Doubt,
    Money,
    Problem,
    check_days_ago,
    check_deadline,
    check_offer_usd,
    check_past_date,
    check_price,
    find_duration,
    find_money,
    parse_date,
    parse_days_left,
    parse_duration,
    parse_money,
    read_date,
    read_days_left,
)
from bot.i18n import use_language
from bot.ui.present import days
from bot.ui.quantities import doubt_text

TODAY = date(2026, 12, 2)  # the QA session's day


def _in(n: int) -> date:
    return TODAY + timedelta(days=n)


def _ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def _read(kind: str, text: str) -> Any:
    """What each kind's reader makes of ``text``: days, a date, Money or a deadline."""
    if kind == "duration":
        span = parse_duration(text)
        return None if span is None else span.days
    if kind == "ago":  # a past day, as the ship-date step reads it
        return check_past_date(text, TODAY)
    if kind == "money":
        return parse_money(text)
    return check_deadline(text, TODAY)  # "timer"


# (typed, kind, expected): Russian phrasings, as buyers type them.
RUSSIAN: list[tuple[str, str, Any]] = [
    ("3 недели", "duration", 21),
    ("57 дн 4 ч", "duration", 57),
    ("полтора месяца", "duration", 45),
    ("полмесяца", "duration", 15),
    ("две недели", "duration", 14),
    ("пару дней", "duration", 2),
    ("месяц", "duration", 30),
    ("10 дней", "duration", 10),
    ("1 мес 2 нед", "duration", 44),
    ("5 суток", "duration", 5),
    ("уже 3 недели", "duration", 21),
    ("неделю назад", "ago", _ago(7)),
    ("12 дней назад", "ago", _ago(12)),
    ("3 недели назад", "ago", _ago(21)),
    ("месяц назад", "ago", _ago(30)),
    ("вчера", "ago", _ago(1)),
    ("позавчера", "ago", _ago(2)),
    ("сегодня", "ago", TODAY),
    ("20 ноября", "ago", date(2026, 11, 20)),
    ("20.11", "ago", date(2026, 11, 20)),
    ("20.11.2026", "ago", date(2026, 11, 20)),
    ("20 нояб. 2026 г.", "ago", date(2026, 11, 20)),
    ("1 декабря", "ago", date(2026, 12, 1)),
    ("1 890 ₽", "money", Money(1890.0, "RUB")),
    ("1890 руб.", "money", Money(1890.0, "RUB")),
    ("1,5 доллара", "money", Money(1.5, "USD")),
    ("7,5 долларов", "money", Money(7.5, "USD")),
    ("15$", "money", Money(15.0, "USD")),
    ("100 юаней", "money", Money(100.0, "CNY")),
    ("12 евро", "money", Money(12.0, "EUR")),
    ("1,99 $", "money", Money(1.99, "USD")),
    ("5 долларов США", "money", Money(5.0, "USD")),
    ("350 рублей", "money", Money(350.0, "RUB")),
    ("2 000 тенге", "money", Money(2000.0, "KZT")),
    ("осталось 3 дня", "timer", _in(3)),
    ("осталось 57 дн 4 ч", "timer", _in(57)),
    ("57 дн 4 ч", "timer", _in(57)),
    ("ещё 17 дней", "timer", _in(17)),
    ("через 2 недели", "timer", _in(14)),
    ("до 20 декабря", "timer", date(2026, 12, 20)),
    ("до 20.12", "timer", date(2026, 12, 20)),
    ("заканчивается 20.12.2026", "timer", date(2026, 12, 20)),
    ("17", "timer", _in(17)),
    ("3 дня осталось", "timer", _in(3)),
]

ENGLISH: list[tuple[str, str, Any]] = [
    ("3 weeks", "duration", 21),
    ("2 weeks", "duration", 14),
    ("a month", "duration", 30),
    ("a month and a half", "duration", 45),
    ("1.5 months", "duration", 45),
    ("10 days", "duration", 10),
    ("a couple of days", "duration", 2),
    ("two weeks", "duration", 14),
    ("1 month 2 weeks", "duration", 44),
    ("57d 4h", "duration", 57),
    ("already 3 weeks", "duration", 21),
    ("12 days ago", "ago", _ago(12)),
    ("a week ago", "ago", _ago(7)),
    ("3 weeks ago", "ago", _ago(21)),
    ("a month ago", "ago", _ago(30)),
    ("yesterday", "ago", _ago(1)),
    ("the day before yesterday", "ago", _ago(2)),
    ("today", "ago", TODAY),
    ("Nov 20", "ago", date(2026, 11, 20)),
    ("20 November", "ago", date(2026, 11, 20)),
    ("November 20, 2026", "ago", date(2026, 11, 20)),
    ("2026-11-20", "ago", date(2026, 11, 20)),
    ("the 20th of November", "ago", date(2026, 11, 20)),
    ("$1.5", "money", Money(1.5, "USD")),
    ("7.5 dollars", "money", Money(7.5, "USD")),
    ("€12", "money", Money(12.0, "EUR")),
    ("1.99 USD", "money", Money(1.99, "USD")),
    ("15 bucks", "money", Money(15.0, "USD")),
    ("$1,200.50", "money", Money(1200.5, "USD")),
    ("100 yuan", "money", Money(100.0, "CNY")),
    ("£8", "money", Money(8.0, "GBP")),
    ("US$ 3", "money", Money(3.0, "USD")),
    ("1890 rubles", "money", Money(1890.0, "RUB")),
    ("12 US dollars", "money", Money(12.0, "USD")),
    ("3 days left", "timer", _in(3)),
    ("in 17 days", "timer", _in(17)),
    ("17 days remaining", "timer", _in(17)),
    ("ends 20.12", "timer", date(2026, 12, 20)),
    ("ends on Dec 20", "timer", date(2026, 12, 20)),
    ("until December 20", "timer", date(2026, 12, 20)),
    ("Refund if no delivery before Dec 20", "timer", date(2026, 12, 20)),
    ("57 days 04:10:22", "timer", _in(57)),
    ("timer shows 5 days", "timer", _in(5)),
    ("2 weeks left", "timer", _in(14)),
]


def test_the_tables_hold_forty_phrasings_per_language_across_every_kind() -> None:
    for table in (RUSSIAN, ENGLISH):
        assert len(table) >= 40
        assert {kind for _t, kind, _e in table} == {"duration", "ago", "money", "timer"}


@pytest.mark.parametrize(("typed", "kind", "expected"), RUSSIAN)
def test_russian_phrasings(typed: str, kind: str, expected: Any) -> None:
    assert _read(kind, typed) == expected


@pytest.mark.parametrize(("typed", "kind", "expected"), ENGLISH)
def test_english_phrasings(typed: str, kind: str, expected: Any) -> None:
    assert _read(kind, typed) == expected


# --- the same phrase means the same in every step (QA C4) ---------------------------------------


@pytest.mark.parametrize(
    ("typed", "left"),
    [("осталось 3 дня", 3), ("3 days left", 3), ("57 дн 4 ч", 57), ("ends 20.12", 18)],
)
def test_a_timer_phrase_reads_alike_in_order_facts_whatnow_and_the_dispute(
    typed: str, left: int
) -> None:
    assert check_deadline(typed, TODAY) == _in(left)  # order facts
    assert read_answer("protection_days_left", typed, TODAY) == repr(float(left))  # what now
    assert parse_timer_left(typed, TODAY) == left  # dispute helper


@pytest.mark.parametrize(
    ("typed", "ago"), [("12 days ago", 12), ("3 недели", 21), ("вчера", 1), ("20.11", 12)]
)
def test_a_days_ago_phrase_reads_alike_in_every_question(typed: str, ago: int) -> None:
    assert check_days_ago(typed, TODAY) == ago
    for name in ("days_since_shipped", "stalled_days", "seller_contacted", "dispute_open"):
        assert read_answer(name, typed, TODAY) == repr(float(ago))


@pytest.mark.parametrize(
    "typed", ["seller offers 7.5 dollars", "7,5 долларов", "$7.5", "7.5", "продавец даёт 7.5 $"]
)
def test_the_offer_amount_reads_words_and_sentences(typed: str) -> None:
    assert check_offer_usd(typed) == 7.5
    assert parse_amount(typed) == 7.5
    assert read_answer("offer_amount", typed, TODAY) == "7.5"


def test_money_inside_a_sentence() -> None:
    assert find_money("Заказ стоил 1,5 доллара. Стоит открывать спор?") == Money(1.5, "USD")
    assert find_money("Order was $15. What should I do?") == Money(15.0, "USD")
    assert find_money("It's been 12 days") is None  # a count of days is no price


@pytest.mark.parametrize(
    ("text", "days", "ago"),
    [
        ("Посылка RR662103942CN уже 3 недели висит на таможне", 21, False),  # QA C2
        ("Seller gave me LA482139755CN 12 days ago … Order was $15.", 12, True),  # QA C2
        ("неделю назад отправили", 7, True),
        ("полмесяца жду", 15, False),
        ("It has been a month", 30, False),
    ],
)
def test_a_duration_inside_a_sentence(text: str, days: int, ago: bool) -> None:
    span = find_duration(text)
    assert span is not None and (span.days, span.ago) == (days, ago)


@pytest.mark.parametrize("text", ["на следующий день", "в месяц", "RB 1234 5678 5СN", "hello"])
def test_no_duration_inside_a_sentence(text: str) -> None:
    assert find_duration(text) is None


# --- impossible values come back as questions -------------------------------------------------


def test_a_yearless_ship_date_still_ahead_is_asked_about() -> None:
    """QA C4: "15.12" typed on 2 December was saved as 352 days ago."""
    assert check_past_date("15.12", TODAY) == Doubt(
        Problem.FUTURE, "15.12", suggestion=date(2025, 12, 15)
    )
    assert check_past_date("15.12.2025", TODAY) == date(2025, 12, 15)  # the year settles it
    assert check_past_date("25.11", date(2027, 1, 5)) == date(2026, 11, 25)  # just behind: fine


@pytest.mark.parametrize("typed", ["20.12.2026", "2026-12-20", "December 20, 2026"])
def test_a_full_date_ahead_is_no_ship_date(typed: str) -> None:
    found = check_past_date(typed, TODAY)
    assert isinstance(found, Doubt) and found.problem is Problem.FUTURE
    assert found.suggestion is None
    assert isinstance(read_answer("days_since_shipped", typed, TODAY), Doubt)


def test_a_timer_end_that_just_passed_is_asked_about() -> None:
    found = check_deadline("ends 20.11", TODAY)
    assert found == Doubt(Problem.PASSED, "ends 20.11", suggestion=date(2026, 11, 20))
    assert check_deadline("20.11.2026", TODAY) == date(2026, 11, 20)  # said with the year: ended
    assert read_answer("protection_days_left", "20.11.2026", TODAY) == "over"


@pytest.mark.parametrize("typed", ["-3", "-3 days", "минус 3 дня", "−5 дней"])
def test_a_negative_count_of_days_is_asked_about(typed: str) -> None:
    assert isinstance(check_deadline(typed, TODAY), Doubt)
    assert isinstance(check_days_ago(typed, TODAY), Doubt)
    assert parse_days_left(typed, TODAY) is None


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("-5 $", Problem.NEGATIVE),
        ("минус 300 руб", Problem.NEGATIVE),
        ("0", Problem.ZERO),
        ("0 $", Problem.ZERO),
        ("1 000 000 $", Problem.TOO_BIG),
        ("5 000 000 ₽", Problem.TOO_BIG),
    ],
)
def test_impossible_prices_are_asked_about(typed: str, problem: Problem) -> None:
    found = check_price(typed)
    assert isinstance(found, Doubt) and found.problem is problem
    assert isinstance(read_answer("price_usd", typed, TODAY), Doubt)


@pytest.mark.parametrize("typed", ["истёк", "Закончился.", "it is over", "expired"])
def test_the_timer_question_takes_over_in_words(typed: str) -> None:
    assert read_answer("protection_days_left", typed, TODAY) == "over"


@pytest.mark.parametrize("typed", ["нет", "No", "not yet"])
def test_a_typed_no_answers_the_seller_and_dispute_questions(typed: str) -> None:
    assert read_answer("seller_contacted", typed, TODAY) == "no"
    assert read_answer("dispute_open", typed, TODAY) == "no"


def test_a_zero_offer_is_real_but_a_negative_one_is_not() -> None:
    assert check_offer_usd("0") == 0.0  # "$0 refund" is a known trick, not a typo
    assert isinstance(check_offer_usd("-2$"), Doubt)


@pytest.mark.parametrize(
    "typed", ["", "hello", "дом", "5 днях", "3 недели назад осталось", "12", "next tuesday"]
)
def test_not_durations(typed: str) -> None:
    assert parse_duration(typed) is None


@pytest.mark.parametrize(
    ("doubt", "english", "russian"),
    [
        (
            Doubt(Problem.FUTURE, "15.12", date(2025, 12, 15)),
            "“15.12” is still ahead this year. Did you mean Dec 15, 2025?",
            "«15.12» в этом году ещё впереди. Вы имели в виду 15 дек. 2025",
        ),
        (Doubt(Problem.FUTURE, "2026-12-20"), "is in the future", "дата в будущем"),
        (
            Doubt(Problem.PASSED, "ends 20.11", date(2026, 11, 20)),
            "Nov 20, 2026 has already passed",
            "Дата 20 нояб. 2026",
        ),
        (
            Doubt(Problem.NEGATIVE, "<b>-3</b>"),
            "“&lt;b&gt;-3&lt;/b&gt;” is below zero",
            "меньше нуля",
        ),
        (Doubt(Problem.ZERO, "0"), "does not cost 0", "не может стоить 0"),
        (Doubt(Problem.TOO_BIG, "1 000 000 $"), "too big for one order", "слишком много"),
    ],
)
def test_the_question_back_in_both_languages(doubt: Doubt, english: str, russian: str) -> None:
    with use_language("en"):
        assert english in doubt_text(doubt)
    with use_language("ru"):
        assert russian in doubt_text(doubt)


# --- property tests ------------------------------------------------------------------------

_DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


@settings(max_examples=200, deadline=None)
@given(
    day=_DAYS,
    locale=st.sampled_from(["ru", "en"]),
    style=st.sampled_from(["medium", "long", "full", "yyyy-MM-dd", "dd.MM.yyyy"]),
)
def test_a_formatted_date_reads_back(day: date, locale: str, style: str) -> None:
    text = format_date(day, style, locale=locale)
    assert parse_date(text, TODAY) == day
    assert parse_date(text, TODAY, past=False) == day


@settings(max_examples=200, deadline=None)
@given(day=_DAYS, locale=st.sampled_from(["ru", "en"]), past=st.booleans())
def test_a_yearless_date_reads_back_within_a_year_on_the_asked_side(
    day: date, locale: str, past: bool
) -> None:
    text = format_date(day, "d MMMM" if locale == "ru" else "MMMM d", locale=locale)
    found = read_date(text, TODAY, past=past)
    if (day.month, day.day) == (2, 29):
        return  # a leap day without a year: the nearest leap year, either side
    assert found is not None and (found.day.month, found.day.day) == (day.month, day.day)
    assert 0 <= ((TODAY - found.day) if past else (found.day - TODAY)).days < 366


@settings(max_examples=200, deadline=None)
@given(
    cents=st.integers(min_value=1, max_value=10_000_000),
    currency=st.sampled_from(sorted(USD_RATES)),
    locale=st.sampled_from(["ru", "en"]),
)
def test_a_formatted_price_reads_back(cents: int, currency: str, locale: str) -> None:
    amount = cents / 100
    for text in (
        format_currency(amount, currency, locale=locale),
        format_decimal(amount, locale=locale) + " " + currency,
    ):
        assert parse_money(text) == Money(amount, currency), text


@settings(max_examples=200, deadline=None)
@given(n=st.integers(min_value=0, max_value=365), language=st.sampled_from(["ru", "en"]))
def test_a_formatted_count_of_days_reads_back(n: int, language: str) -> None:
    with use_language(language):
        text = days(n)
    span = parse_duration(text)
    assert span is not None and span.days == n
    left = ("осталось " if language == "ru" else "") + text + ("" if language == "ru" else " left")
    assert read_days_left(left, TODAY) is not None
    assert parse_days_left(left, TODAY) == _in(n)
    assert parse_number(text) == n


def _read_everything(text: str) -> None:
    parse_duration(text)
    parse_duration(text, bare_days=True)
    read_date(text, TODAY)
    read_days_left(text, TODAY)
    find_money(text)
    find_duration(text)
    check_past_date(text, TODAY)
    check_days_ago(text, TODAY)
    check_deadline(text, TODAY)
    check_price(text)
    check_offer_usd(text)
    parse_number(text)
    parse_amount(text)
    parse_timer_left(text)
    for name in ("price_usd", "offer_amount", "protection_days_left", "days_since_shipped"):
        read_answer(name, text, TODAY)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=120))
def test_no_text_ever_raises(text: str) -> None:
    _read_everything(text)


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("0123456789 .,-:/$₽€дннедмесчhdwago")), max_size=60)
)
def test_no_quantity_like_text_ever_raises(text: str) -> None:
    _read_everything(text)
