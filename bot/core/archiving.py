"""Archiving a parcel that has not arrived: whether to ask about the protection-timer reminders.

Archiving stops the checks, and used to stop the timer reminders with them without a word (QA
A9): a buyer who archives a parcel they gave up on still has money at stake until the timer ends.
So when the timer is known and not over and the parcel has not arrived (or gone back), archiving
first asks whether to keep those reminders. Pure: the caller passes the user's "today".
"""

from __future__ import annotations

from datetime import date

# Statuses with nothing left to protect: the reminders skip them too (storage protection_due).
SETTLED = frozenset({"delivered", "returned"})


def asks_to_keep_timer(status: str, protection_deadline: date | None, today: date) -> bool:
    """Whether archiving this parcel asks "Keep reminding me about the protection timer?"."""
    return (
        protection_deadline is not None and protection_deadline >= today and status not in SETTLED
    )
