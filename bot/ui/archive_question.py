"""The question archiving asks about a parcel still under buyer protection (QA A9).

Kept apart from ``parcel_views`` so the card's screens and this one question change separately.
"""

from __future__ import annotations

from datetime import date

from bot.i18n import _
from bot.ui.buttons import Button, ParcelAction, ParcelVerb
from bot.ui.present import days, fmt_date, quoted
from storage.models import Parcel

Screen = tuple[str, list[list[Button]]]


def keep_timer_question(parcel: Parcel, today: date) -> Screen:
    """ "Keep reminding me about the protection timer?" with keep / don't keep / back."""
    assert parcel.protection_deadline is not None
    left = (parcel.protection_deadline - today).days
    when = (
        _("ends <b>today</b>")
        if left <= 0
        else _("ends in {days}, on {date}").format(
            days=days(left), date=fmt_date(parcel.protection_deadline)
        )
    )
    text = "\n\n".join(
        (
            _(
                "🗄 Archiving <b>{name}</b> stops the checks. It has not arrived, and its buyer "
                "protection {when}."
            ).format(name=quoted(parcel.display_name), when=when),
            _("Keep reminding me about the protection timer?"),
        )
    )
    rows: list[list[Button]] = [
        [(_("🔔 Yes, keep the reminders"), _verb(ParcelVerb.ARCHIVE_KEEP_TIMER, parcel))],
        [(_("🔕 No, just archive it"), _verb(ParcelVerb.ARCHIVE_DROP_TIMER, parcel))],
        [(_("⬅️ Back to the parcel"), _verb(ParcelVerb.VIEW, parcel))],
    ]
    return text, rows


def _verb(verb: ParcelVerb, parcel: Parcel) -> str:
    return ParcelAction(verb, parcel.id).pack()
