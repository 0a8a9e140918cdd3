"""The presentation vocabulary every screen and push shares (pure: gettext, Babel, zoneinfo).

One place for how the bot says things: a user's "today", and (as they move here) status labels,
words, emoji and meanings, date/time/money/day-count formats and HTML escaping. A label or a
format changes here, once, and every screen and push agrees.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.timezones import zone


def today_in(timezone: str | None, now: datetime) -> date:
    """The user's calendar date at ``now`` (UTC when they never set a zone).

    Day counts the user sees (days since shipping, days left on the protection timer) use this
    one date, so the parcel card and the advice never count a day apart.
    """
    return now.astimezone(zone(timezone)).date()
