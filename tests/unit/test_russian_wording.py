"""Issue 15 item 5: money, numbers, names and numerals the way each language writes them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.advice.deadline import Deadline, deadline_line
from bot.i18n import format_money, format_percent, ngettext, use_language
from bot.ui.present import fmt_approx_usd, quoted

NBSP = "\u00a0"

MONEY = [
    # language, amount, currency, written
    ("en", 1.99, "USD", "$1.99"),
    ("en", 5.0, "USD", "$5"),  # a whole amount drops its ".00", as buyers type it
    ("en", 0.5, "USD", "$0.50"),
    ("en", 1890.0, "RUB", f"RUB{NBSP}1,890"),  # a code is never glued to the digits
    ("en", 7.5, "EUR", "€7.50"),
    ("en", 12.0, None, "12"),
    ("ru", 1.99, "USD", f"1,99{NBSP}$"),
    ("ru", 5.0, "USD", f"5{NBSP}$"),
    ("ru", 0.5, "USD", f"0,50{NBSP}$"),
    ("ru", 1890.0, "RUB", f"1{NBSP}890{NBSP}₽"),
    ("ru", 1234567.5, "USD", f"1{NBSP}234{NBSP}567,50{NBSP}$"),
    ("ru", 7.5, "eur", f"7,50{NBSP}€"),
]


@pytest.mark.parametrize(("language", "amount", "currency", "written"), MONEY)
def test_money_is_written_by_babel_for_the_reader(
    language: str, amount: float, currency: str | None, written: str
) -> None:
    with use_language(language):
        assert format_money(amount, currency) == written


@pytest.mark.parametrize(
    ("language", "usd", "written"),
    [("ru", 21.04, f"21{NBSP}$"), ("ru", 3.456, f"3,46{NBSP}$"), ("en", 21.6, "$22")],
)
def test_a_converted_amount_drops_cents_from_ten_dollars(
    language: str, usd: float, written: str
) -> None:
    with use_language(language):
        assert fmt_approx_usd(usd) == written


@pytest.mark.parametrize(
    ("language", "share", "written"), [("ru", 0.5, "50%"), ("en", 0.25, "25%")]
)
def test_percentages_follow_the_language(language: str, share: float, written: str) -> None:
    with use_language(language):
        assert format_percent(share) == written


QUOTES = [
    ("ru", "чехол для телефона", "«чехол для телефона»"),
    ("en", "phone case", "\u201cphone case\u201d"),
    ("ru", "Lamp <3>", "«Lamp &lt;3&gt;»"),  # escaped for the chat's HTML
    ("ru", "RB123456785CN", "RB123456785CN"),  # a track number is a code: no quotes
    ("en", "LP00123456789012", "LP00123456789012"),
]


@pytest.mark.parametrize(("language", "name", "shown"), QUOTES)
def test_a_name_in_a_sentence_is_quoted_per_language(language: str, name: str, shown: str) -> None:
    with use_language(language):
        assert quoted(name) == shown


@pytest.mark.parametrize(
    ("days_left", "said"),
    [(2, "больше 1 дня"), (3, "больше 2 дней"), (8, "больше 7 дней"), (22, "больше 21 дня")],
)
def test_more_than_n_days_is_genitive_in_russian(days_left: int, said: str) -> None:
    """«больше 21 дней» was a hand-made form; the phrase is one ngettext now."""
    with use_language("ru"):
        line = deadline_line(Deadline(days_left, assumed=False, approx=True), date(2026, 12, 1))
    assert said in line


@pytest.mark.parametrize(
    ("n", "written"),
    [(1, "1 день"), (3, "3 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день"), (22, "22 дня")],
)
def test_day_counts_have_three_russian_forms(n: int, written: str) -> None:
    with use_language("ru"):
        assert ngettext("{n} day", "{n} days", n).format(n=n) == written
