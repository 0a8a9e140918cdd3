"""What the "what now?" and dispute chats share: the user's today, a parcel's facts, the parcel
picker, typed questions and the advice message with its letter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from telegram import Message, Update
from telegram.ext import filters

from bot.app import BotContext
from bot.core.advice import Action, Advice, Facts, action_label, days
from bot.core.advice.interview import SELLER_ACTIONS, reminder_days
from bot.core.advice.parcel_facts import facts_from_parcel
from bot.core.intents import Intent, detect_intent, has_track_number
from bot.i18n import _
from bot.ui.buttons import (
    Button,
    DisputeParcel,
    DisputeStart,
    MainMenu,
    ParcelAction,
    ParcelVerb,
    WhatNowRemind,
)
from bot.ui.dispute_views import told_rows
from bot.ui.present import today_in
from handlers.common import edit_or_send, esc, keyboard, send_html
from storage import Parcel, ParcelAnswers


async def today_for(context: BotContext, user_id: int) -> date:
    """The user's calendar date: day counts agree with the parcel card."""
    user = await context.services.storage.users.get(user_id)
    return today_in(user.timezone if user else None, context.services.clock.now())


async def answers_of(context: BotContext, user_id: int, parcel: Parcel) -> ParcelAnswers | None:
    return await context.services.storage.answers.get(user_id, parcel.id)


async def parcel_facts(context: BotContext, user_id: int, parcel: Parcel, today: date) -> Facts:
    """The parcel's columns, tracking and chat answers as advisor facts."""
    return facts_from_parcel(parcel, today, await answers_of(context, user_id, parcel))


def short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def picker_rows(
    parcels: Sequence[Parcel], pack: Callable[[int], str], other: str
) -> list[list[Button]]:
    """One button per parcel, then ``other`` (a msgid) for an order that is not in the list."""
    rows: list[list[Button]] = [[(f"📦 {short(p.display_name)}", pack(p.id))] for p in parcels]
    rows.append([(_(other), pack(0))])
    return rows


class IntentFilter(filters.MessageFilter):
    """Only text whose intent is one of ``intents`` and that holds no number: numbers are
    explained first (`handlers.questions`), whatever the text also asks."""

    def __init__(self, *intents: Intent) -> None:
        super().__init__(name=f"intent{tuple(i.value for i in intents)}")
        self.intents = frozenset(intents)

    def filter(self, message: Message) -> bool:
        text = message.text
        if not text or text.startswith("/"):
            return False
        return detect_intent(text) in self.intents and not has_track_number(text)


async def say(
    update: Update, context: BotContext, text: str, rows: list[list[Button]] | None = None
) -> None:
    """Edit the pressed message, or write a new one to typed text."""
    markup = keyboard(rows) if rows else None
    if update.callback_query is not None:
        await edit_or_send(update, context, text, markup)
    else:
        await send_html(update, context, text, markup)


def advice_text(advice: Advice, parcel: Parcel | None) -> str:
    lines = []
    if parcel is not None:
        lines.append(_("📦 <b>{name}</b>").format(name=esc(parcel.display_name)))
    lines.append(_("📍 <b>Situation:</b> {text}").format(text=esc(advice.situation)))
    lines.append(_("👉 <b>Do now:</b> {text}").format(text=esc(action_label(advice.action))))
    lines.append(_("💡 <b>Why:</b> {text}").format(text=esc(advice.why)))
    if advice.deadline_note and advice.action is not Action.CHECK_TIMER:
        # Every advice names the timer's end (the check-timer advice already leads with it).
        lines.append(_("⏳ {text}").format(text=esc(advice.deadline_note)))
    if advice.next_check_in_days is not None:
        lines.append(
            _("🔁 Look again in {days}.").format(days=esc(days(advice.next_check_in_days)))
        )
    if advice.letter:
        lines.append(_("✉️ The English text to copy follows in the next message."))
    return "\n\n".join(lines)


def letter_html(letter: str) -> str:
    """A letter as its own message: one code block, one tap to copy."""
    return f"<pre>{esc(letter)}</pre>"


def advice_rows(advice: Advice, parcel: Parcel | None) -> list[list[Button]]:
    rows: list[list[Button]] = []
    remind = reminder_days(advice)
    if remind is not None and remind > 0:
        if advice.action in SELLER_ACTIONS:
            label = _("⏰ Remind me in {days} if the seller is silent")
        else:
            label = _("⏰ Remind me in {days}")
        data = WhatNowRemind(parcel.id if parcel else 0, remind, advice.action).pack()
        rows.append([(label.format(days=days(remind)), data)])
    if advice.action in (Action.OPEN_DISPUTE, Action.TIMER_EXPIRED, Action.CHECK_TIMER):
        dispute = DisputeParcel(parcel.id) if parcel is not None else DisputeStart()
        rows.append([(_("⚖️ Dispute help"), dispute.pack())])
    if advice.action is Action.CONFIRM_RECEIPT:  # "check it first": a way on if it is wrong (B8)
        rows += told_rows(parcel.id if parcel is not None else 0)
    # Never a dead end: a way back to where the user came from.
    if parcel is not None:
        back = ParcelAction(ParcelVerb.VIEW, parcel.id).pack()
        rows.append([(_("⬅️ Back to the parcel"), back)])
    else:
        rows.append([(_("⬅️ Main menu"), MainMenu().pack())])
    return rows


async def render_advice(
    update: Update, context: BotContext, advice: Advice, parcel: Parcel | None
) -> None:
    """The advice, then its letter as its own message (the buttons go under the last one)."""
    rows = advice_rows(advice, parcel)
    text = advice_text(advice, parcel)
    if advice.letter:
        await say(update, context, text)
        await send_html(update, context, letter_html(advice.letter), keyboard(rows))
    else:
        await say(update, context, text, rows)
