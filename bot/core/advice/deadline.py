"""The buyer-protection deadline and the one rule for securing it.

The seed's only absolute rule: the protection timer must never run out. Every piece of advice,
the protection pushes and the dispute walk-through ask this module (a) when the timer ends — the
user's countdown, or when unknown the earliest plausible end, the default window counted from the
ship date, said as an assumption — and (b) what securing it takes today (:func:`timer_step`).
Pure: no Telegram, no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from babel.dates import format_skeleton

from bot.core.advice.facts import Facts, Tracking
from bot.core.advice.timelines import DEFAULTS, Timelines
from bot.i18n import _, current_language, ngettext

# Tracking states in which the parcel is not on its way to the buyer: no point asking for more time.
NOT_ARRIVING = (
    Tracking.NOT_FOUND,
    Tracking.ORIGIN_ONLY,
    Tracking.STALLED,
    Tracking.VANISHED,
    Tracking.RETURNED,
    Tracking.DELIVERED_NOT_RECEIVED,
)


class TimerStep(StrEnum):
    """What the timer asks for today, most urgent last."""

    NONE = "none"  # far from the end: nothing to secure yet
    CHECK = "check"  # only an assumed deadline, and it is near or over: read the real countdown
    EXTEND = "extend"  # 5-7 days left, parcel on its way: ask to extend, dispute if not extended
    DISPUTE = "dispute"  # under 5 days left, or not on its way: open the dispute now
    EXPIRED = "expired"  # the user's countdown is over


@dataclass(frozen=True, slots=True)
class Deadline:
    """Days left on the protection timer; ``assumed``: counted from the ship date with the
    default window (the user has not told us their countdown)."""

    days_left: int  # negative: ended that many days ago
    assumed: bool
    window: int | None = None  # the window assumed, in days from shipping
    approx: bool = False  # a lower bound from a range button ("more than 30 days")

    def on(self, today: date) -> date:
        return today + timedelta(days=self.days_left)


def margin(t: Timelines = DEFAULTS) -> int:
    """Safety margin: no next look may fall later than this many days before the deadline (the
    extension window opens then, and asking takes a couple of days)."""
    return t.extend_window


def deadline_of(f: Facts, t: Timelines = DEFAULTS) -> Deadline | None:
    """The user's deadline, else the earliest plausible one; None when nothing to count from."""
    if f.protection_days_left is not None:
        return Deadline(f.protection_days_left, assumed=False, approx=f.timer_approx)
    if f.timer_over:
        return Deadline(-1, assumed=False)
    if f.days_since_shipped is not None:
        # 60 days is the shortest window sources give (90 for some countries): the earliest end.
        return Deadline(t.protection - f.days_since_shipped, assumed=True, window=t.protection)
    return None


def timer_step(
    days_left: int, *, arriving: bool = True, assumed: bool = False, t: Timelines = DEFAULTS
) -> TimerStep:
    """The one rule: what the timer asks for with ``days_left`` days left.

    ``arriving``: tracking does not say the parcel is lost, stuck or returned (unknown counts as
    arriving: the extension is then offered with the dispute as its fallback). An ``assumed``
    deadline never decides between extending and disputing: the user must read the countdown.
    """
    if days_left > margin(t):
        return TimerStep.NONE
    if assumed:
        return TimerStep.CHECK
    if days_left < 0:
        return TimerStep.EXPIRED
    if days_left < t.extend_window_min or not arriving:
        return TimerStep.DISPUTE
    return TimerStep.EXTEND


def arriving(f: Facts) -> bool:
    return f.tracking not in NOT_ARRIVING


def step_for(f: Facts, t: Timelines = DEFAULTS) -> TimerStep:
    """The timer's step for a parcel (none while a dispute is open: it holds the timer)."""
    if f.in_dispute is True or f.tracking is Tracking.DELIVERED:
        return TimerStep.NONE
    d = deadline_of(f, t)
    if d is None:
        return TimerStep.NONE
    return timer_step(d.days_left, arriving=arriving(f), assumed=d.assumed, t=t)


def cap_next_look(next_in: int | None, d: Deadline | None, t: Timelines = DEFAULTS) -> int | None:
    """``next_in`` days, but never later than the deadline minus the margin (at least 1 day)."""
    if next_in is None or d is None or d.days_left <= margin(t):
        return next_in
    return max(1, min(next_in, d.days_left - margin(t)))


def _day(d: date) -> str:
    return format_skeleton("MMMd", d, locale=current_language())


def deadline_line(d: Deadline, today: date) -> str:
    """One sentence naming the deadline; an assumed one says so and where to check it."""
    when = _day(d.on(today))
    if d.assumed:
        if d.days_left < 0:
            return _(
                "If your timer is the usual {window} days, it ended about {date}: check the "
                "order page now."
            ).format(window=d.window, date=when)
        return _(
            "If your timer is the usual {window} days, it ends about {date}: check it on the "
            "order page."
        ).format(window=d.window, date=when)
    if d.approx:
        n = d.days_left - 1
        return ngettext(
            "You said more than {n} day is left: the timer ends on {date} at the earliest. For "
            "the exact day, check the order page.",
            "You said more than {n} days are left: the timer ends on {date} at the earliest. For "
            "the exact day, check the order page.",
            n,
        ).format(n=n, date=when)
    if d.days_left < 0:
        return _("Buyer protection ended on {date}.").format(date=when)
    if d.days_left == 0:
        return _("Buyer protection ends today ({date}).").format(date=when)
    return ngettext(
        "Buyer protection ends on {date}, in {n} day.",
        "Buyer protection ends on {date}, in {n} days.",
        d.days_left,
    ).format(date=when, n=d.days_left)


def push_step_text(step: TimerStep) -> str:
    """The protection push's advice line, worded as the advice words the same step."""
    if step is TimerStep.EXTEND:
        return _(
            "Not delivered yet: ask the seller to extend protection today (order page, request "
            "to extend). If it is not extended within two days, open a dispute before then."
        )
    if step is TimerStep.DISPUTE:
        return _(
            "Not delivered yet: that is too little to wait for the seller to extend it. Open a "
            "dispute now."
        )
    if step is TimerStep.EXPIRED:
        return _(
            "If it has not arrived, check your order page: if a dispute can still be opened, "
            "open it now."
        )
    return ""
