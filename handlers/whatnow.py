"""What should I do now? /whatnow, the parcel and explain buttons, typed questions, reminders.

Thin: the advisor (`bot.core.advice`) answers, `bot.core.advice.interview` decides which question
comes next and what an answer changes; this module loads a parcel's facts,
asks (buttons, or typed text
through `handlers.awaiting`), stores each answer on the parcel and renders the advice plus the
English letter. A reminder the user asks for is a row of the reminders table; when it is due, the
watch layer sends it through the outbox (bot/watch/reminders.py), so it survives restarts.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import date, timedelta
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.app import BotContext, ParcelScoutApplication
from bot.core.advice import Facts, SellerResponse, advise, days, fact_question
from bot.core.advice import interview as questions
from bot.core.advice.interview import SELLER_ACTIONS, Interview
from bot.core.advice.parcel_facts import NO_ANSWERS, facts_from_number, facts_from_parcel
from bot.core.quantities import Doubt
from bot.i18n import N_, _
from bot.ui.buttons import (
    Button,
    MainMenu,
    WhatNowAnswer,
    WhatNowAsk,
    WhatNowCancel,
    WhatNowNumber,
    WhatNowParcel,
    WhatNowRemind,
    WhatNowSilent,
    WhatNowStart,
    YesNo,
)
from bot.ui.quantities import doubt_text
from bot.ui.userdata import Pending, legacy_answers
from bot.watch import reminders
from handlers.advice_chat import (
    answers_of,
    picker_rows,
    render_advice,
    say,
    today_for,
)
from handlers.awaiting import Awaiting, ask, done, pending
from handlers.callbacks import answer_stale, route
from handlers.common import edit_or_send, esc, keyboard, send_html
from storage import Parcel, ParcelAnswers, ts
from storage.persistence import SqlitePersistence

log = logging.getLogger(__name__)

COMMANDS = [("whatnow", N_("What should I do now?"))]

REMINDER_KIND = reminders.WHATNOW_CHECKIN
SESSION_TTL = 3600  # a question left unanswered this long no longer claims typed text
FOLLOW_UP_TTL = 6 * 3600  # a question this soon after an answer builds on that round's facts
_KIND = "whatnow:"  # + the fact asked: the open question's kind in `handlers.awaiting`
QUESTION_KINDS = frozenset(_KIND + name for name in questions.CODES)


# --- questions ---------------------------------------------------------------------------------


def _question_markup(name: str) -> list[list[Button]]:
    code = questions.CODES[name]
    buttons = [
        (_(label), WhatNowAnswer(code, value).pack())
        for label, value in questions.BUTTONS.get(name, [])
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    skip = WhatNowAnswer(code, questions.SKIP).pack()
    rows.append([(_("Skip"), skip), (_("✖️ Cancel"), WhatNowCancel().pack())])
    return rows


# What a typed answer may look like: one example of each form the reader takes (it reads
# "3 недели", "осталось 3 дня", "ends 20.12", "7.5 dollars", not only a bare number).
_DAYS_HINT = N_("Press a button or type it, e.g. “3 weeks” or “Nov 15”.")
_TYPED_HINTS = {
    "protection_days_left": N_("Press a button or type it, e.g. “3 days left” or “ends 20.12”."),
    "price_usd": N_("Press a button or type it, e.g. “7.5 dollars”."),
    "offer_amount": N_("Press a button or type it, e.g. “7.5 dollars”."),
}


def _typed_hint(name: str) -> str | None:
    if name not in questions.NUMERIC:
        return None
    return _(_TYPED_HINTS.get(name, _DAYS_HINT))


def _question_text(name: str, index: int) -> str:
    typed = _typed_hint(name)
    hint = "\n" + typed if typed else ""
    counter = _("❓ Question {n} of {max}:").format(n=index, max=questions.MAX_QUESTIONS)
    return counter + "\n" + esc(fact_question(name)) + hint


# --- the round ---------------------------------------------------------------------------------


def _end(context: BotContext) -> None:
    assert context.user_data is not None
    context.user_data.whatnow = None
    open_question = pending(context)
    if open_question is not None and open_question.kind in QUESTION_KINDS:
        done(context)


async def _not_found(update: Update, context: BotContext) -> None:
    text = _("I cannot find that parcel. Send /whatnow to start again.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await send_html(update, context, text)


async def _stale(update: Update) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(
        _("This button is out of date. Send /whatnow to start again."), show_alert=True
    )


async def _load(
    context: BotContext, user_id: int, interview: Interview, today: date
) -> tuple[Facts, Parcel | None, ParcelAnswers | None] | None:
    """The facts the round is about (None: its parcel is gone)."""
    if interview.parcel_id is None:
        return interview.overlay(Facts.from_dict(interview.facts)), None, None
    storage = context.services.storage
    parcel = await storage.parcels.get_owned(user_id, interview.parcel_id)
    if parcel is None:
        return None
    answers = await answers_of(context, user_id, parcel)
    # Range answers ("over $10") inform this round only, never over an exact fact.
    return interview.overlay(facts_from_parcel(parcel, today, answers)), parcel, answers


async def _advance(update: Update, context: BotContext, interview: Interview) -> None:
    """Ask the next useful question, or answer."""
    user = update.effective_user
    assert user is not None
    today = await today_for(context, user.id)
    loaded = await _load(context, user.id, interview, today)
    if loaded is None:
        _end(context)
        await _not_found(update, context)
        return
    facts, parcel, answers = loaded
    advice = advise(facts, today=today)
    name = interview.next_question(facts, advice, answers or NO_ANSWERS)
    if name is not None:
        interview.asking = name
        ask(context, _KIND + name, interview.parcel_id)
        text = _question_text(name, len(interview.asked) + 1)
        await say(update, context, text, _question_markup(name))
        return
    _end(context)
    await _store(context, user.id, interview, interview.finish().answers)
    # Kept, answered: a follow-up question ("can it be sped up?") builds on this round's facts.
    interview.asking, interview.finished_at = None, _now(context)
    assert context.user_data is not None
    context.user_data.whatnow = interview
    await render_advice(update, context, advice, parcel)


async def _store(
    context: BotContext,
    user_id: int,
    interview: Interview,
    answers: dict[str, Any],
    columns: dict[str, Any] | None = None,
) -> None:
    if interview.parcel_id is None:
        return
    storage = context.services.storage
    if columns:
        await storage.parcels.update_facts(user_id, interview.parcel_id, **columns)
    if answers:
        await storage.answers.update(user_id, interview.parcel_id, **answers)


async def begin(
    update: Update, context: BotContext, parcel: Parcel | None, facts: Facts | None = None
) -> None:
    """Start advising about ``parcel`` (or from scratch with ``facts``)."""
    assert context.user_data is not None
    interview = Interview(parcel_id=parcel.id if parcel else None)
    if facts is not None:
        interview.facts = facts.to_dict()
    context.user_data.whatnow = interview
    await _advance(update, context, interview)


async def begin_with(
    update: Update,
    context: BotContext,
    parcel: Parcel | None,
    base: Facts | None,
    given: dict[str, Any],
    carried: Interview | None = None,
) -> None:
    """A typed question: a round about ``parcel`` (or ``base`` facts without one) that takes
    the facts the message states (``given``) as answered; ``carried`` is the round a follow-up
    continues (its answers and questions count)."""
    user = update.effective_user
    assert user is not None and context.user_data is not None
    interview = Interview(parcel_id=parcel.id if parcel else None)
    if carried is not None:
        interview.asked, interview.approx = list(carried.asked), dict(carried.approx)
    today = await today_for(context, user.id)
    known = base or Facts()
    if parcel is not None:
        known = facts_from_parcel(parcel, today, await answers_of(context, user.id, parcel))
    else:
        interview.facts = known.to_dict()
    change = interview.prefill(given, known, today)
    await _store(context, user.id, interview, change.answers, change.columns)
    context.user_data.whatnow = interview
    await _advance(update, context, interview)


def follow_up(context: BotContext) -> Interview | None:
    """The round answered a moment ago, that a typed follow-up question continues."""
    last = context.user_data.whatnow if context.user_data is not None else None
    if last is None or last.asking is not None or last.finished_at is None:
        return None
    return last if _now(context) - last.finished_at <= FOLLOW_UP_TTL else None


def _now(context: BotContext) -> int:
    return int(context.services.clock.now().timestamp())


async def _take(update: Update, context: BotContext, interview: Interview, raw: str) -> None:
    """Remember the answer to the open question (on the parcel when there is one), go on."""
    user = update.effective_user
    assert user is not None and interview.asking is not None
    answers: ParcelAnswers | None = None
    if interview.parcel_id is not None:
        answers = await context.services.storage.answers.get(user.id, interview.parcel_id)
    today = await today_for(context, user.id)
    change = interview.take(interview.asking, raw, today, answers or NO_ANSWERS)
    await _store(context, user.id, interview, change.answers, change.columns)
    await _advance(update, context, interview)


# --- entry points ------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """/whatnow and the menu button: pick the parcel (if several) or advise."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    user = update.effective_user
    assert user is not None
    parcels = await context.services.storage.parcels.list_for_user(user.id, limit=20)
    if len(parcels) <= 1:
        await begin(update, context, parcels[0] if parcels else None)
        return
    rows = picker_rows(parcels, lambda pid: WhatNowParcel(pid).pack(), OTHER_ORDER)
    await say(update, context, _("🧭 Which parcel is it about?"), rows)


OTHER_ORDER = N_("Another order, not in the list")


async def on_start(update: Update, context: BotContext, _data: WhatNowStart) -> None:
    await start(update, context)


async def on_parcel(update: Update, context: BotContext, data: WhatNowParcel) -> None:
    query = update.callback_query
    assert query is not None and update.effective_user is not None
    parcel: Parcel | None = None
    if data.parcel_id:
        storage = context.services.storage
        parcel = await storage.parcels.get_owned(update.effective_user.id, data.parcel_id)
        if parcel is None:
            await _not_found(update, context)
            return
    await query.answer()
    stated = context.user_data.whatnow if context.user_data is not None else None
    if stated is not None and stated.given and stated.asking is None:
        # The typed question's facts ("3 weeks at customs") belong to the parcel just picked.
        await begin_with(update, context, parcel, None, stated.given)
        return
    await begin(update, context, parcel)


async def start_with(update: Update, context: BotContext, given: dict[str, Any]) -> None:
    """A typed question with facts but no parcel named: pick it, keeping the facts."""
    assert context.user_data is not None
    context.user_data.whatnow = Interview(given=dict(given)) if given else None
    await start(update, context)


async def on_number(update: Update, context: BotContext, data: WhatNowNumber) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _begin_number(update, context, data.number)


async def _begin_number(update: Update, context: BotContext, number: str) -> None:
    user = update.effective_user
    assert user is not None
    facts = facts_from_number(number)
    assert facts.track_number is not None
    parcel = await context.services.storage.parcels.get_by_number(user.id, facts.track_number)
    if parcel is not None and parcel.is_active:
        await begin(update, context, parcel)
        return
    await begin(update, context, None, facts)


async def on_answer(update: Update, context: BotContext, data: WhatNowAnswer) -> None:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    name = questions.NAMES.get(data.code)
    if name is None:
        await answer_stale(update)
        return
    interview = context.user_data.whatnow
    if interview is None or interview.asking != name:
        await _stale(update)
        return
    await query.answer()
    await _take(update, context, interview, data.value)


async def on_ask(update: Update, context: BotContext, data: WhatNowAsk) -> None:
    if data.answer is YesNo.YES:
        await start(update, context)
        return
    assert update.callback_query is not None
    await update.callback_query.answer()
    await edit_or_send(update, context, _("OK. Paste a track number or send /start for the menu."))


async def on_cancel(update: Update, context: BotContext, _data: WhatNowCancel) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()
    _end(context)
    await edit_or_send(
        update,
        context,
        _("OK, no questions. Paste a track number or pick from the menu."),
        keyboard([[(_("⬅️ Main menu"), MainMenu().pack())]]),
    )


def _claims(text: str, question: Pending) -> bool:
    return questions.claims(question.kind.removeprefix(_KIND), text)


async def on_typed_answer(update: Update, context: BotContext) -> None:
    """Typed text while a question waits: an answer, "skip", or something to ask again about."""
    message = update.effective_message
    assert context.user_data is not None
    interview = context.user_data.whatnow
    if message is None or message.text is None or interview is None or not interview.asking:
        done(context)
        return
    name = interview.asking
    user = update.effective_user
    assert user is not None
    raw = questions.read_answer(name, message.text, await today_for(context, user.id))
    if isinstance(raw, str):
        await _take(update, context, interview, raw)
        return
    text = _question_text(name, len(interview.asked) + 1)
    if isinstance(raw, Doubt):  # understood, but cannot be right: ask, save nothing (QA C4)
        markup = keyboard(_question_markup(name))
        await send_html(update, context, doubt_text(raw) + "\n\n" + text, markup)
        return
    if name in questions.NUMERIC:  # the question below says what may be typed
        hint = _("🤔 I could not read that.")
    else:
        hint = "🤔 " + _("Please press one of the buttons.")
    await send_html(update, context, hint + "\n\n" + text, keyboard(_question_markup(name)))


# --- reminders ---------------------------------------------------------------------------------


async def on_remind(update: Update, context: BotContext, data: WhatNowRemind) -> None:
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    storage = context.services.storage
    if data.parcel_id and await storage.parcels.get_owned(user.id, data.parcel_id) is None:
        await _not_found(update, context)
        return
    in_days = max(1, min(data.days, 60))
    now = context.services.clock.now()
    parcel = await storage.parcels.get_owned(user.id, data.parcel_id) if data.parcel_id else None
    if parcel is not None and data.action in SELLER_ACTIONS and parcel.seller_contacted_on is None:
        # "Remind me if the seller is silent" means the letter went out today: a fact, so the
        # reminder's "what now?" moves on to the dispute instead of "write to the seller" (B5).
        await storage.parcels.update_facts(
            user.id, parcel.id, seller_contacted_on=await today_for(context, user.id)
        )
    # One pending reminder per parcel and advice: asked for again, it moves (crafted presses
    # naming every day count stored a row each).
    await storage.reminders.schedule_replacing(
        user.id,
        REMINDER_KIND,
        ts(now + timedelta(days=in_days)),
        {"action": data.action.value, "days": in_days},
        parcel_id=data.parcel_id or None,
        action=data.action.value,
        now=ts(now),
    )
    await query.answer(_("OK, I will remind you in {days}.").format(days=days(in_days)))
    if query.message is not None:
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(None)
    await send_html(
        update, context, _("⏰ OK, I will remind you in {days}.").format(days=days(in_days))
    )


async def on_silent(update: Update, context: BotContext, data: WhatNowSilent) -> None:
    """From a reminder: the seller did not answer; advise again with that."""
    query = update.callback_query
    user = update.effective_user
    assert query is not None and user is not None
    storage = context.services.storage
    parcel = await storage.parcels.get_owned(user.id, data.parcel_id)
    if parcel is None:
        await _not_found(update, context)
        return
    await query.answer()
    changes: dict[str, Any] = {"seller_response": SellerResponse.NONE.value}
    if parcel.seller_contacted_on is None:
        changes["seller_contacted_on"] = await today_for(context, user.id) - timedelta(days=5)
    updated = await storage.parcels.update_facts(user.id, parcel.id, **changes)
    await begin(update, context, updated)


async def move_legacy_answers(app: ParcelScoutApplication) -> int:
    """Once: answers older releases kept in user data go to the parcels' answers (kept where the
    user answered since); the user data is then rewritten without them. Returns how many."""
    storage = app.services.storage
    try:
        # A persistence without converters hands back user data as stored, not as UserData.
        stored: dict[int, object] = await SqlitePersistence(storage.db).get_user_data()
    except Exception:  # unreadable blobs: the Application's own load reports them
        log.exception("could not read user data to move old answers")
        return 0
    today = app.services.clock.now().date()
    moved, users = 0, []
    for user_id, raw in stored.items():
        found = legacy_answers(raw, today)
        for parcel_id, values in found.items():
            moved += await storage.answers.update(user_id, parcel_id, keep_existing=True, **values)
        if found:
            users.append(user_id)
    if users:
        app.mark_data_for_update_persistence(user_ids=users)
        await app.update_persistence()
        log.info("moved %d parcels' answers of %d users out of user data", moved, len(users))
    return moved


async def on_startup(app: ParcelScoutApplication) -> None:
    await move_legacy_answers(app)


def register(app: ParcelScoutApplication) -> None:
    app.add_handler(CommandHandler("whatnow", start))
    app.add_handler(route(WhatNowStart, on_start))
    app.add_handler(route(WhatNowParcel, on_parcel))
    app.add_handler(route(WhatNowNumber, on_number))
    app.add_handler(route(WhatNowAnswer, on_answer))
    app.add_handler(route(WhatNowRemind, on_remind))
    app.add_handler(route(WhatNowAsk, on_ask))
    app.add_handler(route(WhatNowCancel, on_cancel))
    app.add_handler(route(WhatNowSilent, on_silent))
    app.add_handler(
        MessageHandler(
            filters.TEXT & Awaiting(app, QUESTION_KINDS, ttl=SESSION_TTL, accepts=_claims),
            on_typed_answer,
        )
    )


async def ask_about(update: Update, context: BotContext, parcel: Parcel, name: str) -> None:
    """Ask one question about ``parcel`` right away (a coach push's "the seller answered")."""
    assert context.user_data is not None
    interview = Interview(parcel_id=parcel.id, asking=name)
    context.user_data.whatnow = interview
    ask(context, _KIND + name, parcel.id)
    await say(update, context, _question_text(name, 1), _question_markup(name))
