"""Free text that no open question claims: understood in order of what it holds.

Numbers first (`handlers.explain`: track numbers explained, order numbers told apart, a long
paste summed up); then the question (`bot.core.intents.Topic`) is answered with the facts the
text states (`bot.core.understanding`): "what now?" through the advisor's round, which skips
what the text already said; "should I agree to extend?" and "is a dispute worth it for $1.50?"
directly; "my dispute was refused" / "the seller offers $5" / "asks me to cancel" through the
dispute check-in's own advice (`handlers.dispute.report_outcome`). Unclear text gets one
clarifying question with buttons, never a silent switch into a flow.
"""

from __future__ import annotations

from typing import Any

from telegram import Message, Update
from telegram.ext import Application, MessageHandler, filters

from bot.app import BotContext
from bot.core import answers
from bot.core.advice import Facts
from bot.core.advice.interview import Interview
from bot.core.advice.parcel_facts import facts_from_number
from bot.core.dispute import CHECKIN_CODE, Outcome
from bot.core.intents import Topic, detect_topic, has_track_number
from bot.core.understanding import Understood, understand
from bot.i18n import _
from bot.ui.buttons import (
    Button,
    DisputeCheckin,
    DisputeOutcome,
    DisputeParcel,
    DisputeStart,
    ParcelAction,
    ParcelVerb,
    WhatNowAsk,
    WhatNowParcel,
    WhatNowStart,
    YesNo,
)
from bot.ui.dispute_views import told_rows
from bot.ui.present import esc
from handlers import dispute, whatnow
from handlers.advice_chat import parcel_facts, short, today_for
from handlers.common import keyboard, send_html
from handlers.explain import show_numbers
from handlers.parcels.card import show_card
from storage import Parcel

COMMANDS: list[tuple[str, str]] = []

# What the seller did with the dispute, for each outcome a sentence reports.
_OUTCOMES = {
    Topic.DISPUTE_REFUSED: Outcome.REFUSED,
    Topic.SELLER_OFFER: Outcome.OFFER,
    Topic.ASKED_CANCEL: Outcome.ASKED_CANCEL,
}
# After numbers, these are not answered again: the explanation was the answer, or there was no
# question (a pasted seller message).
_NO_FOLLOW_UP = frozenset({Topic.NONE, Topic.UNSURE, Topic.DISPUTE_UNSURE, Topic.IS_REAL})


class _Understands(filters.MessageFilter):
    """Text with a number or a question (anything else is the fallback's)."""

    def filter(self, message: Message) -> bool:
        text = message.text
        if not text or text.startswith("/"):
            return False
        return has_track_number(text) or detect_topic(text) is not Topic.NONE


UNDERSTANDS = _Understands(name="understands")


# --- what the message is about ----------------------------------------------------------------


class _About:
    """The parcel (or, without one, the facts) a question is about."""

    def __init__(
        self, parcel: Parcel | None, base: Facts | None, carried: Interview | None, several: bool
    ) -> None:
        self.parcel, self.base, self.carried, self.several = parcel, base, carried, several


async def _about(update: Update, context: BotContext, understood: Understood) -> _About:
    """Its number's parcel; else the round answered a moment ago; else the only parcel."""
    user = update.effective_user
    assert user is not None
    storage = context.services.storage
    if len(understood.numbers) == 1:
        facts = facts_from_number(understood.numbers[0].number)
        assert facts.track_number is not None
        parcel = await storage.parcels.get_by_number(user.id, facts.track_number)
        if parcel is not None and parcel.is_active:
            return _About(parcel, None, None, False)
        return _About(None, facts, None, False)
    last = whatnow.follow_up(context)
    if last is not None:
        if last.parcel_id is not None:
            parcel = await storage.parcels.get_owned(user.id, last.parcel_id)
            if parcel is not None:
                return _About(parcel, None, last, False)
        else:
            return _About(None, last.overlay(Facts.from_dict(last.facts)), last, False)
    parcels = await storage.parcels.list_for_user(user.id, limit=2)
    if len(parcels) == 1:
        return _About(parcels[0], None, None, False)
    return _About(None, None, None, len(parcels) > 1)


async def _facts(context: BotContext, user_id: int, about: _About, given: dict[str, Any]) -> Facts:
    """What is known about it, with what the message states on top (for this answer)."""
    known = about.base or Facts()
    if about.parcel is not None:
        today = await today_for(context, user_id)
        known = await parcel_facts(context, user_id, about.parcel, today)
    return Facts.from_dict({**known.to_dict(), **given})


def _rows(parcel: Parcel | None, dispute_help: bool) -> list[list[Button]]:
    advice = WhatNowParcel(parcel.id) if parcel is not None else WhatNowStart()
    rows: list[list[Button]] = [[(_("🧭 What should I do now?"), advice.pack())]]
    if dispute_help:
        help_ = DisputeParcel(parcel.id) if parcel is not None else DisputeStart()
        rows.append([(_("⚖️ Dispute help"), help_.pack())])
    return rows


# --- the answers -------------------------------------------------------------------------------


async def _what_now(update: Update, context: BotContext, understood: Understood) -> None:
    about = await _about(update, context, understood)
    if about.several and about.parcel is None and about.base is None:
        await whatnow.start_with(update, context, understood.facts)  # which parcel? (picker)
        return
    await whatnow.begin_with(
        update, context, about.parcel, about.base, understood.facts, about.carried
    )


async def _direct(
    update: Update, context: BotContext, understood: Understood, answer: answers.Answer | None
) -> bool:
    if answer is None:
        return False
    about = await _about(update, context, understood)
    rows = _rows(about.parcel, answer.dispute)
    await send_html(update, context, esc(answer.text), keyboard(rows))
    return True


async def _extend(update: Update, context: BotContext, understood: Understood) -> None:
    user = update.effective_user
    assert user is not None
    about = await _about(update, context, understood)
    facts = await _facts(context, user.id, about, understood.facts)
    await _direct(update, context, understood, answers.extend_answer(facts))


async def _cheap(update: Update, context: BotContext, understood: Understood) -> None:
    user = update.effective_user
    assert user is not None
    about = await _about(update, context, understood)
    facts = await _facts(context, user.id, about, understood.facts)
    if not await _direct(update, context, understood, answers.cheap_answer(facts)):
        await _what_now(update, context, understood)  # not cheap: the advisor, with the price


async def _outcome(update: Update, context: BotContext, understood: Understood) -> None:
    """The seller's answer to the dispute, typed: its advice at once (asking which parcel only
    when that is not clear)."""
    user = update.effective_user
    assert user is not None
    outcome = _OUTCOMES[understood.topic]
    amount = understood.facts.get("offer_amount")
    about = await _about(update, context, understood)
    if about.parcel is None and about.several:
        parcels = await context.services.storage.parcels.list_for_user(user.id, limit=20)
        disputed = [p for p in parcels if p.dispute_status == "open"]
        if len(disputed) == 1:
            await dispute.show_outcome(update, context, disputed[0], outcome, amount)
            return
        rows: list[list[Button]] = [
            [(f"📦 {short(p.display_name)}", DisputeOutcome(p.id, outcome).pack())] for p in parcels
        ]
        other = DisputeCheckin(0, CHECKIN_CODE[outcome]).pack()
        rows.append([(_(whatnow.OTHER_ORDER), other)])
        await send_html(update, context, _("⚖️ Which order is the dispute about?"), keyboard(rows))
        return
    await dispute.show_outcome(update, context, about.parcel, outcome, amount)


async def _arrived_bad(update: Update, context: BotContext, understood: Understood) -> None:
    about = await _about(update, context, understood)
    # The walk-through with what is wrong already picked (empty, wrong, damaged, not received).
    rows = told_rows(about.parcel.id if about.parcel is not None else 0)
    await send_html(update, context, esc(answers.arrived_bad_text()), keyboard(rows))


async def _when(update: Update, context: BotContext, understood: Understood) -> None:
    about = await _about(update, context, understood)
    if about.parcel is not None:
        await show_card(update, context, about.parcel)
        return
    text = esc(answers.when_text())
    if not about.several:
        await send_html(update, context, text)
        return
    # Several parcels and none named: the general answer, and each parcel's card one tap away
    # (the card shows how long parcels like it took), as "what now?" offers its picker.
    user = update.effective_user
    assert user is not None
    parcels = await context.services.storage.parcels.list_for_user(user.id, limit=20)
    rows: list[list[Button]] = [
        [(f"📦 {short(p.display_name)}", ParcelAction(ParcelVerb.VIEW, p.id).pack())]
        for p in parcels
    ]
    which = _("📦 Which parcel is it? Pick it to see its card.")
    await send_html(update, context, text + "\n\n" + which, keyboard(rows))


async def _clarify_dispute(update: Update, context: BotContext) -> None:
    """ "спор", "dispute" alone: one question, three ways on."""
    rows: list[list[Button]] = [
        [(_("⚖️ Open a dispute, step by step"), DisputeStart().pack())],
        [(_("💬 The seller answered my dispute"), DisputeCheckin(0).pack())],
        [(_("🧭 What should I do now?"), WhatNowStart().pack())],
    ]
    await send_html(update, context, _("What about the dispute?"), keyboard(rows))


async def _clarify(update: Update, context: BotContext) -> None:
    yes, no = WhatNowAsk(YesNo.YES).pack(), WhatNowAsk(YesNo.NO).pack()
    rows = [[(_("Yes"), yes), (_("No"), no)]]
    await send_html(update, context, _("Do you want advice about a parcel?"), keyboard(rows))


async def _answer(update: Update, context: BotContext, understood: Understood) -> None:
    topic = understood.topic
    if topic in _OUTCOMES:
        await _outcome(update, context, understood)
    elif topic is Topic.EXTEND:
        await _extend(update, context, understood)
    elif topic is Topic.CHEAP:
        await _cheap(update, context, understood)
    elif topic is Topic.ARRIVED_BAD:
        await _arrived_bad(update, context, understood)
    elif topic is Topic.WHEN:
        await _when(update, context, understood)
    elif topic is Topic.IS_REAL:
        await send_html(update, context, esc(answers.is_real_text()))
    elif topic is Topic.START_DISPUTE:
        # Asked together with numbers (alone, `handlers.dispute` starts the walk-through).
        rows = [[(_("⚖️ Open a dispute, step by step"), DisputeStart().pack())]]
        await send_html(update, context, _("Shall we go through the dispute form?"), keyboard(rows))
    elif topic is Topic.DISPUTE_UNSURE:
        await _clarify_dispute(update, context)
    elif topic is Topic.UNSURE:
        await _clarify(update, context)
    else:
        await _what_now(update, context, understood)


def _follows_numbers(understood: Understood) -> bool:
    """After the numbers: a question the text asks (or a situation it states) is answered."""
    if understood.many or understood.topic in _NO_FOLLOW_UP:
        return False
    return understood.asks or (understood.topic is Topic.WHAT_NOW and bool(understood.facts))


async def on_text(update: Update, context: BotContext) -> None:
    message = update.effective_message
    user = update.effective_user
    if message is None or message.text is None or user is None:
        return
    understood = understand(message.text, await today_for(context, user.id))
    if understood.numbers or understood.order_numbers:
        await show_numbers(update, context, understood)
        if not _follows_numbers(understood):
            return
    await _answer(update, context, understood)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & UNDERSTANDS, on_text))
