"""The shared presentation vocabulary (bot/ui/present.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import translate, use_language
from bot.ui.present import (
    STATUSES,
    days,
    esc,
    fmt_money,
    fmt_time,
    status_label,
    status_line,
    status_meaning,
    status_word,
)


@pytest.mark.parametrize("status", sorted(STATUSES))
def test_every_status_has_every_word_in_both_languages(status: str) -> None:
    words = STATUSES[status]
    for msgid in (words.label, words.word, words.meaning):
        assert translate(msgid, "ru") != msgid
    assert len(words.word) <= 14  # it shares a /list button with the parcel's name


def test_unknown_status_reads_as_itself_and_is_escaped() -> None:
    assert status_label("held_<by>_post") == "held <by> post"
    assert status_line("held_<by>_post") == "📦 held &lt;by&gt; post"
    assert status_word("held") is None and status_meaning("held") == ""


def test_words_are_translated() -> None:
    with use_language("ru"):
        assert status_label("delivered") == "доставлена"
        assert status_word("available_for_pickup") == "в пункте выдачи"
        assert days(21) == "21 день" and days(3) == "3 дня" and days(11) == "11 дней"


def test_money_time_and_escaping() -> None:
    with use_language("en"):
        assert fmt_money(7.5, "USD") == "$7.50"
        assert fmt_money(1200, "RUB") == "RUB\u00a01,200"
        assert fmt_money(3, None) == "3"
    with use_language("ru"):
        assert fmt_money(1.99, "USD") == "1,99\u00a0$"
        assert fmt_money(1890, "RUB") == "1\u00a0890\u00a0₽"
        assert fmt_money(5, "USD") == "5\u00a0$"
    moment = int(datetime(2026, 10, 20, 3, 0, tzinfo=UTC).timestamp())
    with use_language("en"):
        assert fmt_time(moment, ZoneInfo("Asia/Vladivostok")) == "20 Oct 2026, 13:00"
        assert fmt_time(None, UTC) == "time unknown"
    assert esc('<b>"x" & y</b>') == '&lt;b&gt;"x" &amp; y&lt;/b&gt;'
