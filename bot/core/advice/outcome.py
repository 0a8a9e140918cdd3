"""What the advisor answers: the actions, an advice, and the rule and outcome types."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from bot.core.advice.deadline import (
    Deadline,
)
from bot.core.advice.facts import Facts
from bot.core.advice.timelines import Timelines
from bot.i18n import N_, _, format_money, ngettext


class Action(StrEnum):
    """Stable codes of the one thing to do now (tools, the chat and tests read them)."""

    WAIT = "wait"
    CHECK_OTHER_SITE = "check_other_site"
    WRITE_SELLER = "write_seller"
    ASK_INTERNATIONAL_NUMBER = "ask_international_number"
    EXTEND_PROTECTION = "extend_protection"
    OPEN_DISPUTE = "open_dispute"
    CUSTOMS_WAIT = "customs_wait"
    ASK_SELLER_SEARCH = "ask_seller_search"
    DISPUTE_WAIT_SELLER = "dispute_wait_seller"
    DISPUTE_KEEP_OPEN = "dispute_keep_open"
    CHECK_OFFER = "check_offer"
    DISPUTE_ESCALATE = "dispute_escalate"
    TIMER_EXPIRED = "timer_expired"
    CONFIRM_RECEIPT = "confirm_receipt"
    CHECK_TIMER = "check_timer"


# After these the user waits for the seller: the advice offers "remind me if the seller is
# silent", and the reminder asks whether the seller answered.
WAITS_FOR_SELLER = frozenset(
    {
        Action.WRITE_SELLER,
        Action.ASK_INTERNATIONAL_NUMBER,
        Action.ASK_SELLER_SEARCH,
        Action.EXTEND_PROTECTION,
    }
)


ACTION_LABELS: dict[Action, str] = {
    Action.WAIT: N_("Wait"),
    Action.CHECK_OTHER_SITE: N_("Check another tracking site"),
    Action.WRITE_SELLER: N_("Write to the seller"),
    Action.ASK_INTERNATIONAL_NUMBER: N_("Ask the seller for the international number"),
    Action.EXTEND_PROTECTION: N_("Ask to extend buyer protection"),
    Action.OPEN_DISPUTE: N_("Open a dispute"),
    Action.CUSTOMS_WAIT: N_("Wait for customs"),
    Action.ASK_SELLER_SEARCH: N_("Ask the seller to start a search"),
    Action.DISPUTE_WAIT_SELLER: N_("Wait for the seller's answer to the dispute"),
    Action.DISPUTE_KEEP_OPEN: N_("Keep the dispute open"),
    Action.CHECK_OFFER: N_("Check the seller's offer"),
    Action.DISPUTE_ESCALATE: N_("Escalate the dispute to AliExpress"),
    Action.TIMER_EXPIRED: N_("Protection has ended: act now"),
    Action.CONFIRM_RECEIPT: N_("Check the item, then confirm receipt"),
    Action.CHECK_TIMER: N_("Check the protection timer now"),
}


def action_label(action: Action) -> str:
    """Short localized name of an action (buttons, headings)."""
    return _(ACTION_LABELS[action])


@dataclass(frozen=True, slots=True)
class Advice:
    """One answer, already localized in the language current when `advise` ran.

    ``letter`` is English on purpose (for the seller or the dispute form). ``missing`` names facts
    (keys of `bot.core.advice.facts.fact_question`) that would change or sharpen the answer, most
    important first.
    """

    action: Action
    rule: str
    situation: str
    why: str
    next_check_in_days: int | None = None
    letter: str | None = None
    missing: tuple[str, ...] = ()
    # The protection deadline the advice was given against (None: nothing to count from).
    deadline: Deadline | None = None
    deadline_on: date | None = None
    deadline_note: str | None = None  # localized: "If your timer is the usual 60 days, ..."

    def to_dict(self) -> dict[str, Any]:
        d = self.deadline
        return {
            "action": self.action.value,
            "rule": self.rule,
            "situation": self.situation,
            "why": self.why,
            "next_check_in_days": self.next_check_in_days,
            "letter": self.letter,
            "missing": list(self.missing),
            "deadline": None
            if d is None or self.deadline_on is None
            else {
                "days_left": d.days_left,
                "date": self.deadline_on.isoformat(),
                "assumed": d.assumed,
                "assumed_window_days": d.window,
                "approximate": d.approx,
                "note": self.deadline_note,
            },
        }


@dataclass(frozen=True, slots=True)
class Ctx:
    facts: Facts
    t: Timelines
    today: date


@dataclass(frozen=True, slots=True)
class Outcome:
    action: Action
    situation: str
    why: str
    next_check_in_days: int | None = None
    letter: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    when: Callable[[Facts, Timelines], bool]
    build: Callable[[Ctx], Outcome]
    # Facts that do not switch the rule but make its answer more precise.
    sharpen: tuple[str, ...] = field(default=())


def days(n: int) -> str:
    """A localized count of days ("1 day", "5 дней")."""
    return ngettext("{n} day", "{n} days", n).format(n=n)


def usd(amount: float) -> str:
    """Dollars as the reader writes them: "$1.99", "1,99 $"."""
    return format_money(amount, "USD")


def _trust_page() -> str:
    return _("Sources disagree on these deadlines: trust the countdown on your own order page.")
