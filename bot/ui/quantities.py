"""The question back when a typed quantity is understood but cannot be right (a ship date ahead,
a timer end that has passed, a negative or absurd price)."""

from __future__ import annotations

from bot.core.quantities import Doubt, Problem
from bot.i18n import _
from bot.ui.present import esc, fmt_date


def doubt_text(doubt: Doubt) -> str:
    """One short question in the user's language, quoting what they typed (HTML-escaped)."""
    typed = esc(doubt.typed)
    if doubt.problem is Problem.FUTURE and doubt.suggestion is not None:
        return _(
            "🤔 “{typed}” is still ahead this year. Did you mean {date}? "
            "Type the date with the year, or how many days ago it was."
        ).format(typed=typed, date=fmt_date(doubt.suggestion))
    if doubt.problem is Problem.FUTURE:
        return _(
            "🤔 “{typed}” is in the future. When was it? Type a date or how many days ago."
        ).format(typed=typed)
    if doubt.problem is Problem.PASSED and doubt.suggestion is not None:
        return _(
            "🤔 {date} has already passed. If the protection is over, type that date with the "
            "year; otherwise type how many days the timer shows."
        ).format(date=fmt_date(doubt.suggestion))
    if doubt.problem is Problem.PASSED:
        return _("🤔 “{typed}” has already passed. How many days does the timer show?").format(
            typed=typed
        )
    if doubt.problem is Problem.NEGATIVE:
        return _(
            "🤔 “{typed}” is below zero, which cannot be right here. Please type it again."
        ).format(typed=typed)
    if doubt.problem is Problem.ZERO:
        return _("🤔 An order does not cost 0. What did it cost?")
    return _("🤔 “{typed}” looks too big for one order. Please check it and type it again.").format(
        typed=typed
    )
