"""The presentation vocabulary every screen and push shares (pure: gettext, Babel, zoneinfo).

One place for how the bot says things: a status's label, short word, emoji and meaning; date,
time, money and day-count formats; HTML escaping; a user's zone and "today". A label or a format
changes here, once, and the parcel card, the list and the pushes agree.
Functions return text in the current language (``bot.i18n``); callers set it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import Final

from babel.dates import format_date, format_datetime

from bot.core.timezones import zone
from bot.i18n import N_, _, current_language, format_money, ngettext


@dataclass(frozen=True, slots=True)
class StatusWords:
    """How the bot names one tracking status (msgids; translate with ``_`` when shown)."""

    emoji: str
    label: str  # the card and the pushes
    word: str  # one or two words, for the /list buttons
    meaning: str  # what it means for the buyer (pushes)


STATUSES: Final[Mapping[str, StatusWords]] = {
    "not_found": StatusWords(
        "❔",
        N_("not found yet"),
        N_("not found"),
        N_("Often normal in the first days: the seller's label exists before the parcel moves."),
    ),
    "awaiting_dispatch": StatusWords(
        "🏷️",
        N_("the seller has created the label but not handed the parcel over yet"),
        N_("not shipped"),
        N_(
            "Sellers often make the label days before shipping; the number appears in trackers "
            "3-7 days after it. If nothing moves within a week, write to the seller."
        ),
    ),
    "info_received": StatusWords(
        "📝",
        N_("label created, waiting for the carrier"),
        N_("label created"),
        N_("The seller has shipped on paper; the carrier has not scanned it yet."),
    ),
    "in_transit": StatusWords(
        "🚚",
        N_("in transit"),
        N_("in transit"),
        N_("It is moving; nothing for you to do yet."),
    ),
    "in_customs": StatusWords(
        "🛃",
        N_("at customs"),
        N_("customs"),
        N_("Customs can take about 3 weeks; no action needed unless customs contacts you."),
    ),
    "arrived_destination": StatusWords(
        "🛬",
        N_("arrived in your country"),
        N_("arrived"),
        N_("It is in your country: local delivery usually takes days, not weeks."),
    ),
    "out_for_delivery": StatusWords(
        "🛵",
        N_("out for delivery"),
        N_("delivering"),
        N_("Expect it today or tomorrow; keep your phone at hand."),
    ),
    "available_for_pickup": StatusWords(
        "📬",
        N_("waiting for you at the pickup point"),
        N_("pickup"),
        N_("Collect it soon: pickup points send parcels back after a while."),
    ),
    "delivered": StatusWords(
        "✅",
        N_("delivered"),
        N_("delivered"),
        N_("If you did not get it, open a dispute before buyer protection ends."),
    ),
    "delivery_failed": StatusWords(
        "⚠️",
        N_("delivery attempt failed"),
        N_("failed"),
        N_("Contact the local post office or courier to arrange delivery."),
    ),
    "returning": StatusWords(
        "↩️",
        N_("being returned to the seller"),
        N_("returning"),
        N_("Ask the seller for a refund or a resend, and open a dispute if they stall."),
    ),
    "returned": StatusWords(
        "🔙",
        N_("returned to the seller"),
        N_("returned"),
        N_("Ask the seller for a refund; open a dispute if they do not answer."),
    ),
    "exception": StatusWords(
        "❗",
        N_("problem reported by the carrier"),
        N_("problem"),
        N_("Check the timeline; if nothing moves in a few days, ask the seller."),
    ),
    "expired": StatusWords(
        "⌛",
        N_("tracking expired"),
        N_("expired"),
        N_("The carrier stopped tracking it; ask the seller if it has not arrived."),
    ),
}

UNKNOWN_EMOJI: Final = "📦"


def status_label(status: str) -> str:
    """Plain text (escape it for HTML); an unknown status shows as itself, readably."""
    words = STATUSES.get(status)
    return _(words.label) if words else status.replace("_", " ")


def status_word(status: str) -> str | None:
    words = STATUSES.get(status)
    return _(words.word) if words else None


def status_emoji(status: str) -> str:
    words = STATUSES.get(status)
    return words.emoji if words else UNKNOWN_EMOJI


def status_meaning(status: str) -> str:
    words = STATUSES.get(status)
    return _(words.meaning) if words else ""


def status_line(status: str) -> str:
    """Emoji and label, HTML-escaped: "🛃 at customs"."""
    return f"{status_emoji(status)} {esc(status_label(status))}"


def esc(value: object) -> str:
    """HTML-escape a user or carrier supplied value for a chat message (quotes stay)."""
    return html.escape(str(value), quote=False)


def user_zone(timezone: str | None) -> tzinfo:
    """The user's zone, UTC when unset: the rule /settings states."""
    return zone(timezone)


def today_in(timezone: str | None, now: datetime) -> date:
    """The user's calendar date at ``now`` (UTC when they never set a zone).

    Day counts the user sees (days since shipping, days left on the protection timer) use this
    one date, so the parcel card and the advice never count a day apart.
    """
    return now.astimezone(zone(timezone)).date()


def fmt_date(value: date) -> str:
    """A calendar date as on the card: "Nov 12, 2026" / "12 нояб. 2026 г."."""
    return format_date(value, "medium", locale=current_language())


def fmt_long_date(value: date) -> str:
    """A calendar date spelled out: "December 1, 2026" / "1 декабря 2026 г."."""
    return format_date(value, "long", locale=current_language())


def fmt_time(value: int | None, tz: tzinfo) -> str:
    """A moment (unix seconds) in the user's zone and language: "20 Oct 2026, 13:00"."""
    if value is None:
        return _("time unknown")
    moment = datetime.fromtimestamp(value, UTC).astimezone(tz)
    return format_datetime(moment, "d MMM y, HH:mm", locale=current_language())


def fmt_money(amount: float, currency: str | None) -> str:
    """ "$7.50" / "7,50 $", "1 200 ₽": Babel's format for the reader's language (plain text)."""
    return format_money(amount, currency)


def fmt_approx_usd(usd: float) -> str:
    """A converted amount at a fixed rate: whole dollars from $10 up, cents are noise there."""
    return format_money(round(usd) if usd >= 10 else round(usd, 2), "USD")


# Quotation marks each language puts around a name inside a sentence.
_CODE: Final = re.compile(r"[A-Z0-9]{8,40}")
_QUOTES: Final[Mapping[str, tuple[str, str]]] = {"ru": ("«", "»"), "en": ("\u201c", "\u201d")}


def quoted(name: str) -> str:
    """A user's name for a parcel inside a sentence, quoted and HTML-escaped: «чехол».

    Russian sentences around it name the thing ("посылка «…»") so the name itself never has
    to be declined. A parcel without a name shows its track number, which is a code, not a
    name: it stays bare ("Слежу за посылкой RB123456785CN").
    """
    if _CODE.fullmatch(name):
        return esc(name)
    opening, closing = _QUOTES.get(current_language(), _QUOTES["en"])
    return f"{opening}{esc(name)}{closing}"


def days(n: int) -> str:
    """ "1 day", "5 days" / "1 день", "5 дней"."""
    return ngettext("{n} day", "{n} days", n).format(n=n)
