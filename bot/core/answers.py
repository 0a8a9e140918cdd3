"""Direct answers to the typed questions that are not "what should I do now?".

Each is a named rule from the seed (shared/domain/advice-and-dispute.md) over the advisor's
facts: agree to extend protection only while the parcel moves and the timer is not near its
end; under $5 an untracked parcel is normal and waiting is fairer than a dispute; a parcel that
arrived empty, wrong or broken is not confirmed but disputed with photos.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.core.advice.facts import Facts, Tracking
from bot.core.advice.outcome import days, usd
from bot.core.advice.timelines import DEFAULTS, Timelines
from bot.i18n import _


class Verdict(StrEnum):
    YES = "yes"
    NO = "no"
    DEPENDS = "depends"


@dataclass(frozen=True, slots=True)
class Answer:
    verdict: Verdict
    text: str
    dispute: bool = False  # the answer leads to a dispute: offer its help


_NOT_ARRIVING = (
    Tracking.NOT_FOUND,
    Tracking.VANISHED,
    Tracking.RETURNED,
    Tracking.DELIVERED_NOT_RECEIVED,
)


def _stuck(f: Facts, t: Timelines) -> bool:
    """Tracking shows the parcel is not coming (or stopped far longer than customs takes)."""
    if f.tracking in _NOT_ARRIVING:
        return True
    held = f.stalled_days
    return (
        f.tracking in (Tracking.STALLED, Tracking.CUSTOMS)
        and held is not None
        and (held > t.customs_max)
    )


def _moving(f: Facts, t: Timelines) -> bool:
    if f.tracking is Tracking.MOVING:
        return True
    return f.tracking in (Tracking.CUSTOMS, Tracking.STALLED) and not _stuck(f, t)


def extend_answer(f: Facts, t: Timelines = DEFAULTS) -> Answer:
    """ "The seller asks me to extend the protection: should I agree?" """
    left = f.timer_left
    if f.tracking is Tracking.DELIVERED:
        return Answer(
            Verdict.NO,
            _(
                "Tracking says delivered: there is nothing to wait for. If you have the parcel "
                "and it is fine, confirm receipt; if not, open a dispute instead of extending."
            ),
            dispute=True,
        )
    if left is not None and left < 0:
        return Answer(
            Verdict.NO,
            _(
                "Your buyer protection is already over, so an extension cannot help any more. "
                "Send /whatnow and I will tell you what is still possible."
            ),
        )
    if left is not None and left < t.extend_window_min:
        return Answer(
            Verdict.NO,
            _(
                "Only {days} left on the buyer-protection timer: too little to wait for an "
                "extension. Open a dispute now; once the timer ends the money goes to the seller."
            ).format(days=days(left)),
            dispute=True,
        )
    if _stuck(f, t):
        return Answer(
            Verdict.NO,
            _(
                "Better not: tracking does not show the parcel coming, so an extension only "
                "gives the seller time. Agree only if the seller first gives a track number "
                "that works; otherwise open a dispute (reason: no tracking information) before "
                "the timer ends."
            ),
            dispute=True,
        )
    if _moving(f, t):
        return Answer(
            Verdict.YES,
            _(
                "Yes, you can agree: the parcel is on its way, and the extension keeps your "
                "buyer protection while it travels. Check that the new end date shows on the "
                "order page, and do not cancel or close anything in return."
            ),
        )
    return Answer(
        Verdict.DEPENDS,
        _(
            "It depends on what tracking shows. If the parcel is moving, agree: the extension "
            "keeps your protection while it travels (check the new date on the order page). If "
            "tracking shows nothing or has stopped, do not: open a dispute before the timer "
            "ends. Either way, never let the timer run out."
        ),
        dispute=True,
    )


def cheap_answer(f: Facts, t: Timelines = DEFAULTS) -> Answer | None:
    """ "It cost $1.50: is a dispute worth it?" (None: not a cheap order, the advisor decides)."""
    price = f.price_usd
    if price is None or price >= t.cheap_price_usd:
        return None
    left = f.timer_left
    shown = usd(price) + (" " + _("(about)") if f.price_approx else "")
    if left is not None and left < t.extend_window:
        return Answer(
            Verdict.YES,
            _(
                "{price} is a cheap order, but only {days} left on the buyer-protection timer "
                "and the parcel has not arrived: open a dispute now, before the money goes to "
                "the seller."
            ).format(price=shown, days=days(max(0, left))),
            dispute=True,
        )
    if f.tracking in (Tracking.DELIVERED_NOT_RECEIVED, Tracking.RETURNED):
        return None  # not a matter of tracking any more: the advisor's dispute advice
    return Answer(
        Verdict.NO,
        _(
            "Not yet. At {price} (under {limit}) parcels are rarely tracked, or only until they "
            "leave China, and that is normal. Wait and watch the buyer-protection timer; if it "
            "gets close to the end and nothing has arrived, open the dispute then. You would "
            "win it, but for a deliberately untracked cheap item waiting is fairer; your call."
        ).format(price=shown, limit=usd(t.cheap_price_usd)),
    )


def arrived_bad_text() -> str:
    """The parcel came empty, with the wrong item, or broken."""
    return _(
        "Do not confirm receipt on the order page. Keep the packaging and take photos or a "
        "video of the parcel, its label and what was inside. Then open a dispute: answer "
        "“Yes” to “Did you receive your goods?” and pick what is wrong. For an empty parcel, "
        "ask the post office for the weight recorded when it was handed to you: far below "
        "the shipping weight is strong evidence."
    )


def when_text() -> str:
    """ "When will it come?" without a parcel to look at."""
    return _(
        "Standard AliExpress shipping usually takes 15–45 days; the seller's promised delivery "
        "time is on the order page. For a parcel you watch, its card shows how long parcels "
        "like it took. Paste the track number and I will look."
    )


def is_real_text() -> str:
    """ "Is this number real?" without a number in the message."""
    return _(
        "Paste the track number and I will check it: its format, who issued it and its check "
        "digit. A wrong check digit means a typo or an invented number."
    )
