"""The guided dispute: /dispute, its buttons, typed answers and the check-in after the seller.

Thin: `bot.core.dispute` holds the steps, their texts and what reaching a step means
(`effects`: what to record on the parcel, which check-in to schedule);
this module draws a step and applies the
effects. The walk-through lives in ``UserData.dispute`` with the time of its last step, so it
resumes after a restart and closes after `TIMEOUT_SECONDS` (a job says so when the bot stayed up;
otherwise the next press does). Text a step takes (a track number, the days left, an amount) is
waited for through `handlers.awaiting`. Step buttons carry their step
(``dispute:<step>:<choice>``), so a button from an earlier step is recognised as stale; the
check-in buttons (``dispute:ci:<parcel id>[:<answer>]``) work outside a walk-through, and so do
the entries for what the user already told: `show_outcome` (the card's one-tap outcomes, or a
typed "my dispute was refused") and `start_told` ("it arrived empty").
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from typing import cast

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.app import BotContext, ParcelScoutApplication
from bot.core import dispute as script
from bot.core.advice import Facts
from bot.core.advice.parcel_facts import facts_from_number, facts_from_parcel
from bot.core.dispute import DisputeState, Effects, InvalidChoice, Step, StepView
from bot.core.intents import Intent
from bot.core.parsing import parse_timer_left
from bot.i18n import N_, _, use_language
from bot.ui.buttons import (
    Button,
    DisputeCheckin,
    DisputeChoice,
    DisputeOutcome,
    DisputeParcel,
    DisputeStart,
    DisputeTold,
    EvidencePicture,
    MainMenu,
    ParcelAction,
    ParcelVerb,
)
from bot.ui.userdata import DisputeSession, Pending
from bot.watch import reminders
from handlers.advice_chat import (
    IntentFilter,
    letter_html,
    parcel_facts,
    picker_rows,
    render_advice,
    say,
    today_for,
)
from handlers.awaiting import Awaiting, ask, done, pending
from handlers.callbacks import answer_stale, route
from handlers.common import edit_or_send, esc, keyboard, send_html
from storage import Parcel, ts

log = logging.getLogger(__name__)

COMMANDS = [("dispute", N_("Step-by-step help with a dispute"))]

TIMEOUT_SECONDS = 30 * 60
REMINDER_KIND = reminders.DISPUTE_CHECKIN
# The open question's kind: this prefix + what the step takes (`bot.core.dispute.TYPED_INPUT`).
_KIND = "dispute:"
TYPED_KINDS = frozenset(_KIND + what for what in set(script.TYPED_INPUT.values()))
_TIMEOUT_TEXT = N_(
    "⌛ The dispute helper closed after a long pause. Nothing is lost on the order "
    "page; send /dispute to start again."
)
OTHER_ORDER = N_("Another order, not in the list")


def _accepts(text: str, question: Pending) -> bool:
    what = question.kind.removeprefix(_KIND)
    if what == "days":
        return parse_timer_left(text) is not None
    if what == "amount":
        return script.typed_amount(text) is not None  # "seller offers 7.5 dollars" too (QA B6)
    return True  # a track number: whatever is pasted is looked up


# --- the session -------------------------------------------------------------------------------


def _now(context: BotContext) -> int:
    return int(context.services.clock.now().timestamp())


def _session(context: BotContext) -> DisputeSession | None:
    return context.user_data.dispute if context.user_data is not None else None


def _timeout_job(user_id: int) -> str:
    return f"dispute_timeout:{user_id}"


def _save(update: Update, context: BotContext, state: DisputeState | None) -> None:
    """Keep ``state`` as the walk-through (None: it is over), wait for the text it takes and
    re-arm the timeout."""
    assert context.user_data is not None
    user = update.effective_user
    jobs = cast(ParcelScoutApplication, context.application).job_queue
    if jobs is not None and user is not None:
        for job in jobs.get_jobs_by_name(_timeout_job(user.id)):
            job.schedule_removal()
    open_question = pending(context)
    if open_question is not None and open_question.kind in TYPED_KINDS:
        done(context)
    if state is None:
        context.user_data.dispute = None
        return
    context.user_data.dispute = DisputeSession(state, _now(context))
    typed = script.TYPED_INPUT.get(state.current)
    if typed is not None:
        ask(context, _KIND + typed, state.parcel_id)
    chat = update.effective_chat
    if jobs is not None and user is not None and chat is not None:
        jobs.run_once(
            close_on_timeout,
            TIMEOUT_SECONDS,
            chat_id=chat.id,
            user_id=user.id,
            name=_timeout_job(user.id),
        )


async def close_on_timeout(context: BotContext) -> None:
    """The walk-through was left alone too long while the bot ran: say so, kindly."""
    job = context.job
    if job is None or job.chat_id is None or context.user_data is None:
        return
    context.user_data.dispute = None
    open_question = context.user_data.pending
    if open_question is not None and open_question.kind in TYPED_KINDS:
        context.user_data.pending = None
    language = context.services.settings.default_language
    if job.user_id is not None:
        profile = await context.services.storage.users.get(job.user_id)
        language = profile.language if profile else language
    with use_language(language):
        await context.bot.send_message(job.chat_id, esc(_(_TIMEOUT_TEXT)))


async def _close_expired(update: Update, context: BotContext) -> None:
    """An update for a walk-through whose timeout passed while the bot was down."""
    _save(update, context, None)
    if update.callback_query is not None:
        await update.callback_query.answer()
        with contextlib.suppress(BadRequest):  # the old buttons must not stay pressable
            await update.callback_query.edit_message_reply_markup(None)
    await send_html(update, context, esc(_(_TIMEOUT_TEXT)))


# --- drawing a step ----------------------------------------------------------------------------


def step_rows(view: StepView) -> list[list[Button]]:
    rows: list[list[Button]] = []
    tail: list[Button] = []
    for code, label in view.buttons:
        data = DisputeChoice(view.step, code).pack()
        if code in (script.BACK, script.CANCEL):
            tail.append(((_("⬅️ Back") if code == script.BACK else _("✖️ Cancel")), data))
        else:
            rows.append([(f"✅ {label}" if code == view.selected else label, data)])
    if tail:
        rows.append(tail)
    return rows


def step_text(view: StepView) -> str:
    lines = [esc(view.text), *(f"• {esc(item)}" for item in view.items)]
    if view.step in (Step.TEXT, Step.EXTEND):
        lines.append(_("The English text is in the next message: tap it to copy."))
    return "\n".join(lines)


def _holds_code(update: Update) -> bool:
    """The pressed message is an English text (a code block) the user may still copy."""
    query = update.callback_query
    message = query.message if query is not None else None
    return isinstance(message, Message) and any(e.type == "pre" for e in message.entities)


async def _drop_buttons(update: Update) -> None:
    query = update.callback_query
    if query is not None and query.message is not None:
        with contextlib.suppress(BadRequest):  # the old buttons must not stay pressable
            await query.edit_message_reply_markup(None)


async def _reply(
    update: Update, context: BotContext, text: str, rows: list[list[Button]] | None
) -> None:
    """Answer by editing the pressed message, except an English text or a summary: those stay in
    the chat (QA B4), only their buttons go, and the answer is a new message."""
    if _holds_code(update):
        await _drop_buttons(update)
        await send_html(update, context, text, keyboard(rows) if rows else None)
        return
    await say(update, context, text, rows)


async def _show(update: Update, context: BotContext, state: DisputeState) -> None:
    """The step's text first, then its English text as its own message with the buttons under
    it, so "the text below" is below on every route (QA B7)."""
    user_id = _user(update)
    rows = await _pick_rows(context, user_id) if state.current is Step.PICK else []
    # Without parcels D0 asks for a number or to go on without one.
    has_parcels = state.current is not Step.PICK or len(rows) > 1
    view = script.step_view(state, has_parcels, await today_for(context, user_id))
    if state.current is Step.EVIDENCE and state.parcel_id:
        # The bot's own record of the parcel: better evidence than screenshots of two trackers.
        rows.append([(_("📸 Evidence picture"), EvidencePicture(state.parcel_id).pack())])
    rows += step_rows(view)
    if view.code is None:
        await _reply(update, context, step_text(view), rows)
        return
    await _drop_buttons(update)
    await send_html(update, context, step_text(view))
    await send_html(update, context, letter_html(view.code), keyboard(rows) if rows else None)


async def _pick_rows(context: BotContext, user_id: int) -> list[list[Button]]:
    """D0's buttons: the user's parcels and "another order", or just "go on without one"."""
    parcels = await context.services.storage.parcels.list_for_user(user_id, limit=20)
    if not parcels:
        return [[(_("Continue without a track number"), DisputeChoice(Step.PICK, "0").pack())]]
    return picker_rows(parcels, lambda pid: DisputeChoice(Step.PICK, str(pid)).pack(), OTHER_ORDER)


# --- entry -------------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """/dispute, ``dispute:start`` or a typed dispute question: pick the parcel first."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    state = script.start()
    _save(update, context, state)
    await _show(update, context, state)


async def on_start(update: Update, context: BotContext, _data: DisputeStart) -> None:
    await start(update, context)


async def _owned(update: Update, context: BotContext, parcel_id: int) -> Parcel | None:
    """The user's parcel ``parcel_id``, or None after telling them it is gone."""
    assert update.effective_user is not None
    storage = context.services.storage
    parcel = await storage.parcels.get_owned(update.effective_user.id, parcel_id)
    if parcel is None and update.callback_query is not None:
        await update.callback_query.answer(_("I cannot find that parcel."), show_alert=True)
    return parcel


async def _facts(update: Update, context: BotContext, parcel: Parcel) -> Facts:
    assert update.effective_user is not None
    user_id = update.effective_user.id
    return await parcel_facts(context, user_id, parcel, await today_for(context, user_id))


async def start_for_parcel(update: Update, context: BotContext, data: DisputeParcel) -> None:
    assert update.callback_query is not None
    parcel = await _owned(update, context, data.parcel_id)
    if parcel is None:
        return
    await update.callback_query.answer()
    state = script.start(await _facts(update, context, parcel), parcel.id)
    _save(update, context, state)
    await _show(update, context, state)


# --- steps -------------------------------------------------------------------------------------


async def _stale(update: Update) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(
        _("This button belongs to an earlier step. Use the newest message, or /dispute."),
        show_alert=True,
    )


async def on_step(update: Update, context: BotContext, data: DisputeChoice) -> None:
    query = update.callback_query
    assert query is not None
    session = _session(context)
    if session is None:
        await query.answer(
            _("This dispute helper is closed. Send /dispute to start again."), show_alert=True
        )
        return
    if session.expired(_now(context), TIMEOUT_SECONDS):
        await _close_expired(update, context)
        return
    state = session.state
    if state.current is not data.step:
        await _stale(update)
        return
    if state.current is Step.PICK and data.choice not in (script.BACK, script.CANCEL):
        await _pick(update, context, state, data.choice)
        return
    try:
        new = script.next_step(state, data.choice, await today_for(context, _user(update)))
    except InvalidChoice:
        await _stale(update)
        return
    await query.answer()
    await _go(update, context, state, new, data.choice)


def _user(update: Update) -> int:
    assert update.effective_user is not None
    return update.effective_user.id


async def _pick(update: Update, context: BotContext, state: DisputeState, choice: str) -> None:
    """D0 by button: one of the user's parcels, or ``0`` for an order without one."""
    query = update.callback_query
    assert query is not None
    if not (choice.isascii() and choice.isdigit() and len(choice) <= 18):
        await answer_stale(update)  # crafted: D0's buttons carry parcel ids
        return
    if int(choice) == 0:
        await query.answer()
        await _go(update, context, state, script.pick_parcel(state, Facts()), choice)
        return
    parcel = await _owned(update, context, int(choice))
    if parcel is None:
        return
    await query.answer()
    facts = await _facts(update, context, parcel)
    await _go(update, context, state, script.pick_parcel(state, facts, parcel.id), choice)


async def _go(
    update: Update,
    context: BotContext,
    before: DisputeState,
    after: DisputeState,
    choice: str | None,
) -> None:
    """Do what reaching ``after`` means (record, schedule, finish), then show it."""
    user_id = _user(update)
    today = await today_for(context, user_id)
    finished_on = None
    if after.parcel_id is not None and choice == "fin_old":
        answers = await context.services.storage.answers.get(user_id, after.parcel_id)
        finished_on = answers.order_finished_on if answers else None
    effects = script.effects(before, after, today, choice=choice, finished_on=finished_on)
    await _apply(context, user_id, after, effects)
    if not effects.ends:
        _save(update, context, after)
        await _show(update, context, after)
        return
    _save(update, context, None)
    rows: list[list[Button]] = []
    if after.current is Step.WAITING:
        rows.append([(_("💬 The seller answered"), DisputeCheckin(after.parcel_id or 0).pack())])
    else:
        if after.parcel_id:
            back = ParcelAction(ParcelVerb.VIEW, after.parcel_id).pack()
            rows.append([(_("⬅️ Back to the parcel"), back)])
        rows.append([(_("⬅️ Main menu"), MainMenu().pack())])
    await _reply(update, context, esc(script.prompt(after)), rows)


async def _apply(context: BotContext, user_id: int, state: DisputeState, effects: Effects) -> None:
    storage = context.services.storage
    pid = state.parcel_id
    if pid is not None and effects.parcel:
        await storage.parcels.update_facts(user_id, pid, **effects.parcel)
    if pid is not None and effects.answers:
        await storage.answers.update(user_id, pid, **effects.answers)
    if effects.keep_as_last and context.user_data is not None:
        context.user_data.dispute_last = state
    if effects.checkin_in_days is not None:
        if pid is not None:
            await storage.reminders.cancel_for_parcel(pid, [REMINDER_KIND])
        now = context.services.clock.now()
        await storage.reminders.schedule(
            user_id,
            REMINDER_KIND,
            ts(now + timedelta(days=effects.checkin_in_days)),
            {"days": effects.checkin_in_days},
            parcel_id=pid,
            now=ts(now),
        )


async def on_typed(update: Update, context: BotContext) -> None:
    """Text the current step takes: a track number at D0, the days left at D1, an amount."""
    message = update.effective_message
    session = _session(context)
    if message is None or message.text is None or session is None:
        done(context)
        return
    if session.expired(_now(context), TIMEOUT_SECONDS):
        await _close_expired(update, context)
        return
    state, text = session.state, message.text.strip()
    if state.current is Step.PICK:
        facts = facts_from_number(text)
        assert facts.track_number is not None
        storage = context.services.storage
        parcel = await storage.parcels.get_by_number(_user(update), facts.track_number)
        parcel_id = None
        if parcel is not None and parcel.is_active:
            facts, parcel_id = await _facts(update, context, parcel), parcel.id
        await _go(update, context, state, script.pick_parcel(state, facts, parcel_id), None)
        return
    try:
        if state.current is Step.TIMER_ASK:
            number = parse_timer_left(text, await today_for(context, _user(update)))
            assert number is not None  # `_accepts` let only numbers through
            new = script.set_timer_days(state, number)
        else:
            amount = script.typed_amount(text)
            assert amount is not None  # `_accepts` let only amounts through
            new = script.set_amount(state, amount)
    except (InvalidChoice, ValueError):
        return
    await _go(update, context, state, new, None)


# --- check-in (after the seller's five days), outside the walk-through -------------------------


def checkin_rows(pid: int) -> list[list[Button]]:
    state = DisputeState(step=Step.CHECKIN.value)
    return [[(_(c.label), DisputeCheckin(pid, c.code).pack())] for c in script.choices(state)]


async def _checkin_state(
    update: Update, context: BotContext, pid: int
) -> tuple[DisputeState, Parcel | None] | None:
    """The check-in step of the dispute on parcel ``pid`` (0: the last one without a parcel)."""
    if not pid:
        last = context.user_data.dispute_last if context.user_data is not None else None
        return script.checkin(last), None
    parcel = await _owned(update, context, pid)
    if parcel is None:
        return None
    # The recorded dispute and the parcel's columns (as it always was: not the chat answers).
    facts = facts_from_parcel(parcel, await today_for(context, _user(update)))
    opened = parcel.dispute_opened_on
    return script.checkin(None, facts, pid, parcel.dispute_amount, opened), parcel


async def on_checkin(update: Update, context: BotContext, data: DisputeCheckin) -> None:
    """A check-in button: no answer shows the question; "offered an amount" goes on in the
    walk-through (which amount?); any other answer gets the advice at once."""
    query = update.callback_query
    assert query is not None
    found = await _checkin_state(update, context, data.parcel_id)
    if found is None:
        return
    state, parcel = found
    if data.answer is None:
        await query.answer()
        rows = checkin_rows(data.parcel_id)
        await edit_or_send(update, context, esc(script.prompt(state)), keyboard(rows))
        return
    today = await today_for(context, _user(update))
    try:
        new = script.next_step(state, data.answer, today)
    except InvalidChoice:
        await _stale(update)
        return
    await query.answer()
    await _answered(update, context, state, new, data.answer, parcel)


async def _answered(
    update: Update,
    context: BotContext,
    state: DisputeState,
    new: DisputeState,
    code: str,
    parcel: Parcel | None,
) -> None:
    """The seller's answer is told: an offer asks "how much?", any other gets the advice."""
    if new.current is Step.OFFER:
        _save(update, context, new)
        await _show(update, context, new)
        return
    today = await today_for(context, _user(update))
    await _apply(context, _user(update), new, script.effects(state, new, today, choice=code))
    await render_advice(update, context, script.checkin_advice(new, today), parcel)


# --- entries for what the user already told (the card's buttons, typed sentences) -------------


async def show_outcome(
    update: Update,
    context: BotContext,
    parcel: Parcel | None,
    outcome: script.Outcome,
    amount: float | None = None,
) -> None:
    """What the seller did with the dispute on ``parcel`` (None: the last one without a parcel):
    the advice at once, or for an offer "how much?" (QA B3). Works for a button press and for a
    typed sentence; the caller has loaded ``parcel`` with ``get_owned``."""
    found = await _checkin_state(update, context, parcel.id if parcel else 0)
    if found is None:
        return
    state, _parcel = found
    code = script.CHECKIN_CODE[outcome]
    new = script.next_step(state, code, await today_for(context, _user(update)))
    if amount is not None and new.current is Step.OFFER:
        with contextlib.suppress(InvalidChoice, ValueError):
            new = script.set_amount(new, amount)  # "the seller offers $7.50": no "how much?"
    await _answered(update, context, state, new, code, parcel)


async def on_outcome(update: Update, context: BotContext, data: DisputeOutcome) -> None:
    assert update.callback_query is not None
    parcel = await _owned(update, context, data.parcel_id)
    if parcel is None:
        return
    await update.callback_query.answer()
    await show_outcome(update, context, parcel, data.outcome)


async def start_told(update: Update, context: BotContext, parcel: Parcel | None, what: str) -> None:
    """A dispute about what the user already said (``what``: a code of `script.TOLD`, e.g.
    ``p_empty`` for "it arrived empty"), with that reason picked (QA B8)."""
    facts = await _facts(update, context, parcel) if parcel is not None else Facts()
    state = script.told(script.start(facts, parcel.id if parcel else None), what)
    _save(update, context, state)
    await _show(update, context, state)


async def on_told(update: Update, context: BotContext, data: DisputeTold) -> None:
    query = update.callback_query
    assert query is not None
    if data.what not in script.TOLD:
        await answer_stale(update)  # crafted
        return
    parcel = None
    if data.parcel_id:
        parcel = await _owned(update, context, data.parcel_id)
        if parcel is None:
            return
    await query.answer()
    await start_told(update, context, parcel, data.what)


def register(app: ParcelScoutApplication) -> None:
    app.add_handler(CommandHandler("dispute", start))
    app.add_handler(route(DisputeStart, on_start))
    app.add_handler(route(DisputeParcel, start_for_parcel))
    app.add_handler(route(DisputeCheckin, on_checkin))
    app.add_handler(route(DisputeOutcome, on_outcome))
    app.add_handler(route(DisputeTold, on_told))
    app.add_handler(route(DisputeChoice, on_step))  # last: its prefix covers the ones above
    # A typed dispute question starts again, even in the middle of a walk-through.
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & IntentFilter(Intent.DISPUTE), start)
    )
    app.add_handler(
        MessageHandler(
            filters.TEXT
            & ~filters.COMMAND
            & Awaiting(app, TYPED_KINDS, ttl=TIMEOUT_SECONDS, accepts=_accepts),
            on_typed,
        )
    )
