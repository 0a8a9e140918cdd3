"""What should I do now? The pure advisor (no telegram imports).

`advise(Facts(...))` returns one `Advice`: a situation line, one `Action`, why, when to look again,
an English letter when the action needs one, the rule that fired and the facts worth asking.
"""

from bot.core.advice.advisor import RULE_NAMES, RULES, advise, select_rule
from bot.core.advice.facts import (
    FACT_NAMES,
    Facts,
    NumberFormat,
    SellerResponse,
    Tracking,
    fact_question,
)
from bot.core.advice.letters import DisputeReason, Problem
from bot.core.advice.outcome import (
    ACTION_LABELS,
    WAITS_FOR_SELLER,
    Action,
    Advice,
    Rule,
    action_label,
    days,
)
from bot.core.advice.timelines import DEFAULTS, Timelines

__all__ = [
    "ACTION_LABELS",
    "DEFAULTS",
    "FACT_NAMES",
    "RULES",
    "RULE_NAMES",
    "WAITS_FOR_SELLER",
    "Action",
    "Advice",
    "DisputeReason",
    "Facts",
    "NumberFormat",
    "Problem",
    "Rule",
    "SellerResponse",
    "Timelines",
    "Tracking",
    "action_label",
    "advise",
    "days",
    "fact_question",
    "select_rule",
]
