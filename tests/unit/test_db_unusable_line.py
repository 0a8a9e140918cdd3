"""A database start-up error is one line even when SQLite's own report spans several (found by
the reliability suite: quick_check says "*** in database main ***" then the page, on two lines)."""

from __future__ import annotations

from storage.db import DatabaseUnusable


def test_a_multi_line_cause_is_told_on_one_line() -> None:
    cause = "it is damaged: *** in database main ***\nPage 68: btreeInitPage() returns error 11\n"
    error = DatabaseUnusable("/data/bot.db", cause)
    assert "\n" not in str(error)
    assert str(error) == (
        "/data/bot.db: it is damaged: *** in database main *** "
        "Page 68: btreeInitPage() returns error 11"
    )
