"""The advisor: facts about a parcel in, exactly one next action out.

Rules are an ordered table of named rules; the first whose condition holds decides. The order is
the priority: an open dispute first, then the protection timer (never let it run out), then the
parcel's own story. Conditions are cheap pure predicates, so the advisor can also probe which
unknown facts would change the answer (`Advice.missing`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from bot.core.advice.deadline import (
    TimerStep,
    cap_next_look,
    deadline_line,
    deadline_of,
    step_for,
)
from bot.core.advice.facts import Facts, NumberFormat, SellerResponse, Tracking
from bot.core.advice.outcome import (
    Action,
    Advice,
    Ctx,
    Rule,
    usd,
)
from bot.core.advice.outcomes import (
    cheap_untracked_outcome,
    customs_long,
    customs_outcome,
    delivered,
    delivered_not_received,
    dispute_accepted,
    dispute_asked_cancel,
    dispute_offer,
    dispute_refused,
    dispute_seller_late,
    dispute_wait,
    fallback,
    invalid_number,
    local_number,
    moving,
    origin_only,
    pricey_untracked,
    returned,
    seller_failed_outcome,
    seller_pending_outcome,
    stalled_long,
    stalled_short,
    timer_assumed_near,
    timer_critical,
    timer_dispute,
    timer_expired,
    timer_extend,
    too_early,
    untracked_early,
    untracked_write,
    vanished,
)
from bot.core.advice.predicates import (
    LOCAL_FORMATS,
    cheap_untracked,
    dispute,
    pricey,
    seller_failed,
    seller_pending,
)
from bot.core.advice.timelines import DEFAULTS, Timelines
from bot.core.parsing import USD_RATES
from bot.i18n import _, format_money, format_number

# --- the table ---------------------------------------------------------------------------------


def _tracking_is(*states: Tracking) -> Callable[[Facts, Timelines], bool]:
    return lambda f, t: f.tracking in states


def _stalled(f: Facts, lo: int | None, hi: int | None) -> bool:
    s = f.stalled_days
    if s is None:
        return lo is None
    return (lo is None or s >= lo) and (hi is None or s <= hi)


RULES: tuple[Rule, ...] = (
    Rule("delivered", _tracking_is(Tracking.DELIVERED), delivered),
    Rule(
        "dispute_accepted",
        lambda f, t: dispute(f) and f.seller_response is SellerResponse.ACCEPTED,
        dispute_accepted,
    ),
    Rule(
        "dispute_offer",
        lambda f, t: dispute(f) and f.seller_response is SellerResponse.OFFER,
        dispute_offer,
        ("offer_amount", "price_usd"),
    ),
    Rule(
        "dispute_refused",
        lambda f, t: dispute(f) and f.seller_response is SellerResponse.REFUSED,
        dispute_refused,
    ),
    Rule(
        "dispute_asked_cancel",
        lambda f, t: dispute(f) and f.seller_response is SellerResponse.ASKED_CANCEL,
        dispute_asked_cancel,
        ("protection_days_left", "tracking"),
    ),
    Rule(
        "dispute_seller_late",
        lambda f, t: (
            dispute(f)
            and f.dispute_open_days is not None
            and f.dispute_open_days >= t.seller_dispute_response
        ),
        dispute_seller_late,
    ),
    Rule("dispute_wait_seller", lambda f, t: dispute(f), dispute_wait, ("dispute_open",)),
    # The timer first (the one rule in bot.core.advice.deadline), then the parcel's own story.
    Rule(
        "timer_expired",
        lambda f, t: step_for(f, t) is TimerStep.EXPIRED,
        timer_expired,
        ("order_finished_days_ago", "paid_with_paypal"),
    ),
    Rule(
        "timer_critical",
        lambda f, t: (
            step_for(f, t) is TimerStep.DISPUTE
            and (f.protection_days_left or 0) < t.extend_window_min
        ),
        timer_critical,
    ),
    Rule("timer_extend", lambda f, t: step_for(f, t) is TimerStep.EXTEND, timer_extend),
    Rule("timer_dispute", lambda f, t: step_for(f, t) is TimerStep.DISPUTE, timer_dispute),
    Rule(
        "timer_assumed_near",
        lambda f, t: step_for(f, t) is TimerStep.CHECK,
        timer_assumed_near,
        ("protection_days_left",),
    ),
    Rule("returned", _tracking_is(Tracking.RETURNED), returned),
    Rule(
        "delivered_not_received",
        _tracking_is(Tracking.DELIVERED_NOT_RECEIVED),
        delivered_not_received,
    ),
    Rule("cheap_untracked", cheap_untracked, cheap_untracked_outcome),
    Rule("seller_silent_dispute", seller_failed, seller_failed_outcome),
    Rule("seller_reply_wait", seller_pending, seller_pending_outcome),
    Rule(
        "invalid_number",
        lambda f, t: (
            f.number_format is NumberFormat.INVALID and f.tracking in (None, Tracking.NOT_FOUND)
        ),
        invalid_number,
        ("seller_contacted",),
    ),
    Rule(
        "local_number",
        lambda f, t: (
            f.number_format in LOCAL_FORMATS
            and f.tracking in (None, Tracking.NOT_FOUND, Tracking.ORIGIN_ONLY)
        ),
        local_number,
        ("seller_contacted",),
    ),
    Rule(
        "too_early",
        lambda f, t: (
            f.tracking is Tracking.NOT_FOUND
            and f.days_since_shipped is not None
            and f.days_since_shipped < t.tracking_appears_min
        ),
        too_early,
    ),
    Rule(
        "pricey_untracked",
        lambda f, t: (
            f.tracking is Tracking.NOT_FOUND
            and pricey(f, t)
            and f.days_since_shipped is not None
            and t.pricey_untracked_after <= f.days_since_shipped < t.write_seller_after
        ),
        pricey_untracked,
        ("seller_contacted",),
    ),
    Rule(
        "untracked_early",
        lambda f, t: (
            f.tracking is Tracking.NOT_FOUND
            and (f.days_since_shipped is None or f.days_since_shipped < t.write_seller_after)
        ),
        untracked_early,
    ),
    Rule(
        "untracked_write_seller",
        _tracking_is(Tracking.NOT_FOUND),
        untracked_write,
        ("seller_contacted",),
    ),
    Rule("origin_only", _tracking_is(Tracking.ORIGIN_ONLY), origin_only),
    Rule("vanished", _tracking_is(Tracking.VANISHED), vanished, ("seller_contacted",)),
    Rule(
        "stalled_short",
        lambda f, t: f.tracking is Tracking.STALLED and _stalled(f, None, t.stall_normal - 1),
        stalled_short,
    ),
    Rule(
        "stalled_customs_likely",
        lambda f, t: f.tracking is Tracking.STALLED and _stalled(f, t.stall_normal, t.customs_max),
        customs_outcome,
    ),
    Rule(
        "stalled_long",
        _tracking_is(Tracking.STALLED),
        stalled_long,
        ("seller_contacted",),
    ),
    Rule(
        "customs",
        lambda f, t: f.tracking is Tracking.CUSTOMS and _stalled(f, None, t.customs_max),
        customs_outcome,
    ),
    Rule("customs_long", _tracking_is(Tracking.CUSTOMS), customs_long, ("seller_contacted",)),
    Rule("moving", _tracking_is(Tracking.MOVING), moving),
    Rule("fallback", lambda f, t: True, fallback),
)

RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)


def select_rule(facts: Facts, timelines: Timelines = DEFAULTS) -> Rule:
    """The first rule whose condition holds (the last one always does)."""
    for rule in RULES:
        if rule.when(facts, timelines):
            return rule
    raise AssertionError("the fallback rule always applies")  # pragma: no cover


# Candidate values used to probe whether an unknown fact would change the answer, most important
# fact first (the timer can override everything else).
_PROBES: tuple[tuple[str, tuple[dict[str, Any], ...]], ...] = (
    ("protection_days_left", tuple({"protection_days_left": v} for v in (-20, -1, 3, 6, 30))),
    ("tracking", tuple({"tracking": v} for v in Tracking)),
    ("days_since_shipped", tuple({"days_since_shipped": v} for v in (1, 5, 8, 12, 30))),
    ("dispute_open", ({"dispute_open_days": 1}, {"dispute_open_days": 7})),
    ("seller_contacted", ({"seller_contacted_days_ago": 1}, {"seller_contacted_days_ago": 7})),
    ("seller_response", tuple({"seller_response": v} for v in SellerResponse)),
    ("number_format", tuple({"number_format": v} for v in NumberFormat)),
    ("price_usd", tuple({"price_usd": v} for v in (3.0, 7.0, 20.0))),
    ("stalled_days", tuple({"stalled_days": v} for v in (3, 10, 30))),
    ("offer_amount", ()),
    ("order_finished_days_ago", ()),
    ("paid_with_paypal", ()),
)
_ASKS_DISPUTE = (
    Action.OPEN_DISPUTE,
    Action.TIMER_EXPIRED,
    Action.EXTEND_PROTECTION,
    Action.CHECK_TIMER,
)


def _unknown(facts: Facts, name: str) -> bool:
    if name == "seller_contacted":
        return facts.contacted is None
    if name == "dispute_open":
        return facts.in_dispute is None
    if name == "protection_days_left":
        return facts.timer_left is None
    if name == "order_finished_days_ago":
        return facts.finished_days_ago is None
    return bool(getattr(facts, name) is None)


def missing_facts(
    facts: Facts, rule: Rule, action: Action, timelines: Timelines = DEFAULTS
) -> tuple[str, ...]:
    """Unknown facts that would switch the rule, or that the rule says sharpen its answer."""
    out: list[str] = []
    for name, probes in _PROBES:
        if not _unknown(facts, name):
            continue
        if name in rule.sharpen:
            out.append(name)
            continue
        if name == "dispute_open" and action not in _ASKS_DISPUTE:
            continue  # only worth asking when we are about to suggest a dispute
        if any(select_rule(facts.replace(**p), timelines) is not rule for p in probes):
            out.append(name)
    return tuple(out)


# Rules the price tier decides: they say when the price they used is approximate.
_PRICE_RULES = frozenset({"cheap_untracked", "pricey_untracked"})


def _price_note(f: Facts) -> str:
    if f.price_typed and f.price_usd is not None:
        amount, _sep, currency = f.price_typed.rpartition(" ")
        try:
            typed = format_money(float(amount), currency)  # "1 890 ₽", as the reader writes it
        except ValueError:
            typed = f.price_typed
        return _(
            "I counted your {typed} as about {usd} at a fixed rate of {rate} {currency} per US "
            "dollar: approximate, today's rate may differ."
        ).format(
            typed=typed,
            usd=usd(f.price_usd),
            rate=format_number(USD_RATES.get(currency, 0)),
            currency=currency,
        )
    return _("This uses the price range you picked, not the exact total.")


def advise(
    facts: Facts,
    *,
    today: date | None = None,
    timelines: Timelines = DEFAULTS,
    with_missing: bool = True,
) -> Advice:
    """The one next step for ``facts``, localized in the current language (letters stay English)."""
    rule = select_rule(facts, timelines)
    when = today or date.today()
    outcome = rule.build(Ctx(facts, timelines, when))
    deadline = deadline_of(facts, timelines)
    why = outcome.why
    if rule.name in _PRICE_RULES and facts.price_approx:
        why += " " + _price_note(facts)
    next_check = outcome.next_check_in_days
    if facts.in_dispute is not True:
        # An open dispute holds the timer; otherwise no look falls past the deadline's margin.
        next_check = cap_next_look(next_check, deadline, timelines)
    return Advice(
        action=outcome.action,
        rule=rule.name,
        situation=outcome.situation,
        why=why,
        next_check_in_days=next_check,
        letter=outcome.letter,
        # Probing the unknown facts is most of the cost; the coach needs only the step.
        missing=missing_facts(facts, rule, outcome.action, timelines) if with_missing else (),
        deadline=deadline,
        deadline_on=deadline.on(when) if deadline is not None else None,
        # An open dispute holds the timer: naming its end would only worry.
        deadline_note=(
            deadline_line(deadline, when)
            if deadline is not None and facts.in_dispute is not True
            else None
        ),
    )
