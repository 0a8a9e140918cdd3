"""``parcel-scout advise``: the advisor from the command line (bot/cli.py dispatches here)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from bot.core.advice.advisor import advise
from bot.core.advice.facts import Facts, NumberFormat, SellerResponse, Tracking
from bot.core.advice.outcome import action_label, days
from bot.core.parsing import Money, parse_money, to_usd
from bot.i18n import SUPPORTED, _, use_language


def _price(text: str) -> float:
    try:
        value = float(text.strip().lstrip("$").replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an amount: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("the price cannot be negative")
    return value


def _money(text: str) -> Money:
    """``7.5``, ``$7.5`` or a price in another currency (``"1890 RUB"``, ``"1 890 ₽"``)."""
    money = parse_money(text) if text.strip() not in ("0", "0.0") else Money(0.0, None)
    if money is None:
        raise argparse.ArgumentTypeError(f"not a price: {text!r}")
    if money.currency not in (None, "USD") and to_usd(money.amount, money.currency) is None:
        raise argparse.ArgumentTypeError(f"no rate for {money.currency}")
    return money


def _days(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="parcel-scout advise",
        description="What should I do now with an untracked, stuck or lost parcel?",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--lang", choices=SUPPORTED, default="en")
    p.add_argument("--days-since-shipped", type=_days)
    p.add_argument("--tracking", choices=[t.value for t in Tracking])
    p.add_argument("--stalled-days", type=_days, help="days without a new event (or at customs)")
    p.add_argument(
        "--price", type=_money, help='order total: USD, or with its currency ("1890 RUB")'
    )
    p.add_argument("--protection-days-left", type=_days, help="negative: ended that long ago")
    p.add_argument(
        "--protection-more-than",
        type=_days,
        metavar="N",
        help="only known to be more than N days (a range answer: approximate)",
    )
    p.add_argument("--format", dest="number_format", choices=[f.value for f in NumberFormat])
    p.add_argument("--seller-contacted-days-ago", type=_days)
    p.add_argument("--dispute-open-days", type=_days)
    p.add_argument("--seller-response", choices=[r.value for r in SellerResponse])
    p.add_argument("--offer", type=_price, help="the seller's counter-offer in USD")
    p.add_argument("--order-finished-days-ago", type=_days)
    p.add_argument("--paypal", action="store_true", default=None, help="paid with PayPal")
    p.add_argument("--track-number")
    return p


def facts_from_args(ns: argparse.Namespace) -> Facts:
    price: Money | None = ns.price
    usd, typed = None, None
    if price is not None:
        usd = price.amount
        if price.currency not in (None, "USD"):
            usd, typed = to_usd(price.amount, price.currency), f"{price.amount:g} {price.currency}"
    left, approx_left = ns.protection_days_left, False
    if left is None and ns.protection_more_than is not None:
        left, approx_left = ns.protection_more_than + 1, True
    return Facts(
        days_since_shipped=ns.days_since_shipped,
        tracking=Tracking(ns.tracking) if ns.tracking else None,
        stalled_days=ns.stalled_days,
        number_format=NumberFormat(ns.number_format) if ns.number_format else None,
        price_usd=usd,
        price_approx=typed is not None,
        price_typed=typed,
        protection_days_left=left,
        timer_approx=approx_left,
        seller_contacted_days_ago=ns.seller_contacted_days_ago,
        dispute_open_days=ns.dispute_open_days,
        seller_response=SellerResponse(ns.seller_response) if ns.seller_response else None,
        offer_amount=ns.offer,
        order_finished_days_ago=ns.order_finished_days_ago,
        paid_with_paypal=ns.paypal,
        track_number=ns.track_number,
    )


def facts_json(facts: Facts) -> dict[str, Any]:
    known = {k: v for k, v in facts.to_dict().items() if v not in (None, False)}
    flags = (("price_usd", facts.price_approx), ("protection_days_left", facts.timer_approx))
    approximate = [name for name, flag in flags if flag]
    for flag in ("price_approx", "timer_approx"):
        known.pop(flag, None)
    return {"known": known, "approximate": approximate}


def advise_main(argv: list[str]) -> int:
    """Run ``advise`` with ``argv`` (without the subcommand); 0 on success, 2 on bad flags."""
    try:
        ns = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    with use_language(ns.lang):
        facts = facts_from_args(ns)
        advice = advise(facts, today=date.today())
        if ns.json:
            # The facts the advice used, and which of them are approximate.
            data = {**advice.to_dict(), "facts": facts_json(facts)}
            print(json.dumps(data, ensure_ascii=False, indent=2))
            return 0
        lines = [
            advice.situation,
            "",
            _("Do now: {action}").format(action=action_label(advice.action)),
        ]
        lines.append(advice.why)
        if advice.deadline_note and advice.deadline_note != advice.situation:
            lines.append(advice.deadline_note)
        if advice.next_check_in_days is not None:
            lines.append(_("Look again in {days}.").format(days=days(advice.next_check_in_days)))
        if advice.letter:
            lines += ["", _("Text to send (English):"), "", advice.letter]
        lines += ["", _("Rule: {rule}").format(rule=advice.rule)]
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(advise_main(sys.argv[1:]))
