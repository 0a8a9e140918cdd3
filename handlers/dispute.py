"""The guided dispute: /dispute, ``dispute:start``, ``dispute:p:<id>`` and typed dispute questions.

A persistent ConversationHandler with one state (``ACTIVE``) walks `bot.dispute`'s steps; the
step itself lives in ``user_data`` as ``DisputeState.to_dict()`` so the walk-through resumes
exactly where it was after a restart. Step buttons carry their step
(``dispute:<step>:<choice>``), so a button from an earlier step is recognised as stale. Once the
dispute is submitted it is recorded on the parcel and a check-in is scheduled for the end of the
seller's five days; the check-in buttons (``dispute:ci:<parcel id>[:<answer>]``) work without the
conversation.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings
from datetime import date, timedelta
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import dispute as script
from bot.advice import Facts, NumberFormat
from bot.advice.timelines import DEFAULTS
from bot.app import BotContext
from bot.dispute import DisputeState, InvalidChoice, Step
from bot.i18n import N_, _, use_language
from bot.intents import Intent
from bot.tracknumbers import analyze
from bot.watch import reminders
from handlers.common import Button, edit_or_send, esc, keyboard, send_html
from handlers.whatnow import (
    IntentFilter,
    facts_from_parcel,
    known_answers,
    letter_html,
    parse_number,
    render_advice,
    today_of,
)
from storage import Parcel, ts

log = logging.getLogger(__name__)

COMMANDS = [("dispute", N_("Step-by-step help with a dispute"))]

ACTIVE = "active"
TIMEOUT_SECONDS = 30 * 60
REMINDER_KIND = reminders.DISPUTE_CHECKIN
# ptb does not persist its timeout jobs, so ``UserData.dispute_at`` (the clock time of the last
# step) is what still closes a walk-through left alone too long after a restart.
_STEP_DATA = re.compile(r"^dispute:(d\w+):(\w+)$")
_AMOUNT = re.compile(r"^\s*\$?\s*(\d{1,6}(?:[.,]\d{1,2})?)\s*(?:\$|usd)?\s*$", re.IGNORECASE)


def _load(context: BotContext) -> DisputeState | None:
    data = context.user_data
    raw = data.dispute if data is not None else None
    if raw is None:
        return None
    try:
        return DisputeState.from_dict(raw)
    except (TypeError, ValueError):
        log.warning("dropping an unreadable dispute state")
        return None


def _save(context: BotContext, state: DisputeState | None) -> None:
    data = context.user_data
    assert data is not None
    if state is None:
        data.dispute = None
        data.dispute_at = None
    else:
        data.dispute = state.to_dict()
        data.dispute_at = context.services.clock.now().timestamp()


def _expired(context: BotContext) -> bool:
    """The walk-through was left alone longer than the timeout (also across a restart)."""
    data = context.user_data
    at = data.dispute_at if data is not None else None
    if at is None:
        return False
    return context.services.clock.now().timestamp() - at > TIMEOUT_SECONDS


_TIMEOUT_TEXT = N_(
    "⌛ The dispute helper closed after a long pause. Nothing is lost on the order "
    "page; send /dispute to start again."
)


async def _close_expired(update: Update, context: BotContext) -> int:
    """An update for a walk-through whose timeout passed while the bot was down."""
    _save(context, None)
    if update.callback_query is not None:
        await update.callback_query.answer()
        with contextlib.suppress(BadRequest):  # the old buttons must not stay pressable
            await update.callback_query.edit_message_reply_markup(None)
    await send_html(update, context, esc(_(_TIMEOUT_TEXT)))
    return ConversationHandler.END


def _parse_amount(text: str) -> float | None:
    match = _AMOUNT.match(text)
    return None if match is None else float(match.group(1).replace(",", "."))


# --- drawing a step ----------------------------------------------------------------------------


def step_rows(state: DisputeState) -> list[list[Button]]:
    view = script.step_view(state)
    selected = view["selected"]
    rows: list[list[Button]] = []
    tail: list[Button] = []
    for code, label in view["buttons"]:
        data = f"dispute:{state.step}:{code}"
        if code in (script.BACK, script.CANCEL):
            tail.append(((_("⬅️ Back") if code == script.BACK else _("✖️ Cancel")), data))
        else:
            rows.append([(f"✅ {label}" if code == selected else label, data)])
    if tail:
        rows.append(tail)
    return rows


def step_text(state: DisputeState, has_parcels: bool = True) -> str:
    view = script.step_view(state, has_parcels)
    lines = [esc(view["text"])]
    lines.extend(f"• {esc(item)}" for item in view["list"])
    if state.current is Step.TEXT or state.current is Step.EXTEND:
        lines.append(_("The English text is in the message above: tap it to copy."))
    return "\n".join(lines)


async def _show(
    update: Update,
    context: BotContext,
    state: DisputeState,
    extra_rows: list[list[Button]] | None = None,
) -> None:
    """The step's code block (own message) first, then its text and buttons."""
    code = script.code_block(state, today_of(context))
    has_parcels = True
    if state.current is Step.PICK:
        extra_rows = await _pick_rows(update, context)
        has_parcels = len(extra_rows) > 1
    rows = (extra_rows or []) + step_rows(state)
    markup = keyboard(rows) if rows else None
    query = update.callback_query
    text = step_text(state, has_parcels)
    if code is None:
        if query is not None:
            await edit_or_send(update, context, text, markup)
        else:
            await send_html(update, context, text, markup)
        return
    if query is not None and query.message is not None:
        with contextlib.suppress(BadRequest):  # the old buttons must not stay pressable
            await query.edit_message_reply_markup(None)
    await send_html(update, context, letter_html(code))
    await send_html(update, context, text, markup)


# --- entry -------------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> str:
    """/dispute, ``dispute:start`` or a typed dispute question: pick the parcel first."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    state = script.start()
    _save(context, state)
    await _show(update, context, state)
    return ACTIVE


async def _pick_rows(update: Update, context: BotContext) -> list[list[Button]]:
    """D0's buttons: the user's parcels and "another order", or just "go on without one"."""
    user = update.effective_user
    assert user is not None
    parcels = await context.services.storage.parcels.list_for_user(user.id, limit=20)
    if not parcels:
        return [[(_("Continue without a track number"), "dispute:d0:0")]]
    rows: list[list[Button]] = [
        [(f"📦 {_short(p.display_name)}", f"dispute:d0:{p.id}")] for p in parcels
    ]
    rows.append([(_("Another order, not in the list"), "dispute:d0:0")])
    return rows


def _parcel_facts(context: BotContext, parcel: Parcel) -> Facts:
    """The parcel's stored facts plus the answers given in chat (shared with /whatnow)."""
    return facts_from_parcel(parcel, today_of(context), known_answers(context, parcel.id))


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


async def start_for_parcel(update: Update, context: BotContext) -> str | int:
    query = update.callback_query
    assert query is not None and query.data is not None
    user = update.effective_user
    assert user is not None
    parcel = await context.services.storage.parcels.get_owned(
        user.id, int(query.data.split(":")[2])
    )
    if parcel is None:
        await query.answer(_("I cannot find that parcel."), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    state = script.start(_parcel_facts(context, parcel), str(parcel.id))
    _save(context, state)
    await _show(update, context, state)
    return ACTIVE


# --- steps -------------------------------------------------------------------------------------


async def _stale(update: Update) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(
        _("This button belongs to an earlier step. Use the newest message, or /dispute."),
        show_alert=True,
    )


async def on_step(update: Update, context: BotContext) -> str | int | None:
    query = update.callback_query
    assert query is not None and query.data is not None
    match = _STEP_DATA.match(query.data)
    state = _load(context)
    if state is not None and _expired(context):
        return await _close_expired(update, context)
    if match is None or state is None or state.step != match.group(1):
        await _stale(update)
        return None
    choice = match.group(2)
    if state.current is Step.PICK and choice not in (script.BACK, script.CANCEL):
        return await _pick(update, context, state, choice)
    try:
        new = script.next_step(state, choice, today_of(context))
    except InvalidChoice:
        await _stale(update)
        return None
    await query.answer()
    _remember_timer(context, state, choice)
    return await _enter(update, context, new)


def _remember_timer(context: BotContext, state: DisputeState, choice: str) -> None:
    """D1 / D9 answers that stay true as days pass go to the parcel's chat answers.

    "Over" has no date, so it is a flag, not a made-up deadline; "finished longer ago" is a lower
    bound (at least the 15-day window) that only grows."""
    if not state.parcel_id:
        return
    known = known_answers(context, int(state.parcel_id))
    if choice == "t_over":
        known["timer_over"] = True
    elif choice == "fin_old" and state.known.protection_days_left is None:
        known["order_finished_days_ago"] = max(
            DEFAULTS.finished_dispute_window, int(known.get("order_finished_days_ago") or 0)
        )


async def _pick(
    update: Update, context: BotContext, state: DisputeState, choice: str
) -> str | int | None:
    query = update.callback_query
    assert query is not None
    user = update.effective_user
    assert user is not None
    if not choice.isdigit():
        await _stale(update)
        return None
    pid = int(choice)
    if pid == 0:
        await query.answer()
        return await _enter(update, context, script.pick_parcel(state, Facts()))
    parcel = await context.services.storage.parcels.get_owned(user.id, pid)
    if parcel is None:
        await query.answer(_("I cannot find that parcel."), show_alert=True)
        return None
    await query.answer()
    facts = _parcel_facts(context, parcel)
    return await _enter(update, context, script.pick_parcel(state, facts, str(parcel.id)))


async def _enter(update: Update, context: BotContext, state: DisputeState) -> str | int:
    """Show ``state`` and do what reaching it means (record, schedule, finish)."""
    step = state.current
    if step in script.TERMINAL:
        _save(context, None)
        rows: list[list[Button]] = []
        if state.parcel_id:
            rows.append([(_("⬅️ Back to the parcel"), f"parcel:view:{state.parcel_id}")])
        rows.append([(_("⬅️ Main menu"), "menu:main")])
        await edit_or_send(update, context, esc(script.prompt(state)), keyboard(rows))
        return ConversationHandler.END
    if step is Step.WAITING:
        await _record(update, context, state)
        _save(context, None)
        pid = state.parcel_id or "0"
        rows = [[(_("💬 The seller answered"), f"dispute:ci:{pid}")]]
        await edit_or_send(update, context, esc(script.prompt(state)), keyboard(rows))
        return ConversationHandler.END
    if step is Step.OUTCOME:
        await _remember_answer(update, context, state)
    _save(context, state)
    await _show(update, context, state)
    return ACTIVE


async def _record(update: Update, context: BotContext, state: DisputeState) -> None:
    """The dispute was submitted: note it on the parcel and schedule the check-in."""
    user = update.effective_user
    assert user is not None
    today = today_of(context)
    storage = context.services.storage
    pid = int(state.parcel_id) if state.parcel_id else None
    if pid is not None:
        await storage.parcels.update_facts(
            user.id,
            pid,
            dispute_opened_on=today,
            dispute_reason=state.reason or state.problem,
            dispute_amount=state.amount,
            dispute_status="open",
            seller_response=None,
        )
        await storage.reminders.cancel_for_parcel(pid, [REMINDER_KIND])
    else:
        assert context.user_data is not None
        context.user_data.dispute_last = state.to_dict()
    in_days = script.checkin_due_in_days(state, today) or 0
    now = context.services.clock.now()
    await storage.reminders.schedule(
        user.id,
        REMINDER_KIND,
        ts(now + timedelta(days=in_days)),
        {"days": in_days},
        parcel_id=pid,
        now=ts(now),
    )


async def _remember_answer(update: Update, context: BotContext, state: DisputeState) -> None:
    user = update.effective_user
    assert user is not None
    if state.parcel_id and state.checkin:
        await context.services.storage.parcels.update_facts(
            user.id, int(state.parcel_id), seller_response=state.checkin
        )


def _typed_expected(app: Application) -> filters.MessageFilter:  # type: ignore[type-arg]
    """Text the current step can take: a track number at D0, an amount at D5a / the check-in."""

    class Expected(filters.MessageFilter):
        def filter(self, message: Message) -> bool:
            if message.from_user is None or not message.text or message.text.startswith("/"):
                return False
            data = app.user_data.get(message.from_user.id)
            raw = data.dispute if data is not None else None
            step = raw.get("step") if raw is not None else None
            if step == Step.PICK.value:
                return True
            if step == Step.TIMER_ASK.value:
                return parse_number(message.text) is not None
            if step in (
                Step.AMOUNT.value,
                Step.CHECKIN.value,
                Step.OFFER.value,
                Step.OUTCOME.value,
            ):
                return _parse_amount(message.text) is not None
            return False

    return Expected(name="dispute_typed")


async def on_typed(update: Update, context: BotContext) -> str | int | None:
    message = update.effective_message
    state = _load(context)
    if message is None or message.text is None or state is None:
        return None
    if _expired(context):
        return await _close_expired(update, context)
    if state.current is Step.TIMER_ASK:
        return await _typed_timer(update, context, state, message.text)
    if state.current is Step.PICK:
        user = update.effective_user
        assert user is not None
        analysis = analyze(message.text.strip())
        parcel = await context.services.storage.parcels.get_by_number(
            user.id, analysis.number or message.text.strip()
        )
        if parcel is not None and parcel.is_active:
            facts = _parcel_facts(context, parcel)
            return await _enter(update, context, script.pick_parcel(state, facts, str(parcel.id)))
        try:
            fmt: NumberFormat | None = NumberFormat(analysis.verdict.value)
        except ValueError:
            fmt = None
        facts = Facts(track_number=analysis.number or message.text.strip(), number_format=fmt)
        return await _enter(update, context, script.pick_parcel(state, facts))
    amount = _parse_amount(message.text)
    if amount is None:
        return None
    try:
        new = script.set_amount(state, amount)
    except (InvalidChoice, ValueError):
        return None
    return await _enter(update, context, new)


async def _typed_timer(
    update: Update, context: BotContext, state: DisputeState, text: str
) -> str | int | None:
    """D1 answered with the days left, as the order page shows them: remember the deadline."""
    number = parse_number(text)
    if number is None:
        return None
    days_left = int(number)
    new = script.set_timer_days(state, days_left)
    user = update.effective_user
    if state.parcel_id and user is not None:
        deadline = today_of(context) + timedelta(days=days_left)
        await context.services.storage.parcels.update_facts(
            user.id, int(state.parcel_id), protection_deadline=deadline
        )
        known_answers(context, int(state.parcel_id)).pop("timer_over", None)
    return await _enter(update, context, new)


async def on_timeout(update: object, context: BotContext) -> None:
    """The walk-through was left alone too long: say so, kindly."""
    _save(context, None)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    language = context.services.settings.default_language
    if update.effective_user is not None:
        profile = await context.services.storage.users.get(update.effective_user.id)
        language = profile.language if profile else language
    with use_language(language):
        await send_html(update, context, esc(_(_TIMEOUT_TEXT)))


# --- check-in (after the seller's five days), outside the conversation --------------------------


def checkin_rows(pid: str | int) -> list[list[Button]]:
    state = DisputeState(step=Step.CHECKIN.value)
    return [[(_(c.label), f"dispute:ci:{pid}:{c.code}")] for c in script.choices(state)]


async def _checkin_state(
    update: Update, context: BotContext, pid: int
) -> tuple[DisputeState, Parcel | None] | None:
    """The check-in step of the dispute on parcel ``pid`` (0: the last one without a parcel)."""
    query = update.callback_query
    assert query is not None
    user = update.effective_user
    assert user is not None
    today = today_of(context)
    parcel: Parcel | None = None
    if pid:
        parcel = await context.services.storage.parcels.get_owned(user.id, pid)
        if parcel is None:
            await query.answer(_("I cannot find that parcel."), show_alert=True)
            return None
        facts = facts_from_parcel(parcel, today)
        state = DisputeState(
            step=Step.CHECKIN.value,
            facts=facts.to_dict(),
            parcel_id=str(pid),
            amount=parcel.dispute_amount,
            submitted_on=parcel.dispute_opened_on.isoformat() if parcel.dispute_opened_on else None,
        )
    else:
        raw: dict[str, Any] = (context.user_data.dispute_last if context.user_data else None) or {}
        state = DisputeState.from_dict(raw) if raw else DisputeState()
        state.step, state.history = Step.CHECKIN.value, []
    return state, parcel


async def checkin_offer(update: Update, context: BotContext) -> str | int:
    """The seller offered an amount: ask which one inside the walk-through (buttons or typed),
    so the advice can weigh it (a $0 refund, a share of the total, a demanded return)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    found = await _checkin_state(update, context, int(query.data.split(":")[2]))
    if found is None:
        return ConversationHandler.END
    await query.answer()
    state = script.next_step(found[0], "ci_offer", today_of(context))
    _save(context, state)
    await _show(update, context, state)
    return ACTIVE


async def on_checkin(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    user = update.effective_user
    assert user is not None
    parts = query.data.split(":")
    if len(parts) not in (3, 4) or not parts[2].isdigit():
        await _stale(update)
        return
    pid = int(parts[2])
    today = today_of(context)
    found = await _checkin_state(update, context, pid)
    if found is None:
        return
    state, parcel = found
    if len(parts) == 3:
        await query.answer()
        await edit_or_send(update, context, esc(script.prompt(state)), keyboard(checkin_rows(pid)))
        return
    try:
        new = script.next_step(state, parts[3], today)
    except InvalidChoice:
        await _stale(update)
        return
    await query.answer()
    if parcel is not None and new.checkin:
        await context.services.storage.parcels.update_facts(
            user.id, pid, seller_response=new.checkin
        )
    advice = script.checkin_advice(new, today)
    await render_advice(update, context, advice, parcel)


async def on_stale(update: Update, context: BotContext) -> None:
    """A dispute button outside a walk-through (closed, timed out or crafted)."""
    assert update.callback_query is not None
    await update.callback_query.answer(
        _("This dispute helper is closed. Send /dispute to start again."), show_alert=True
    )


def _today_iso(day: date) -> str:
    return day.isoformat()


def register(app: Application) -> None:  # type: ignore[type-arg]
    step_pattern = r"^dispute:d\w+:\w+$"
    with warnings.catch_warnings():
        # per_message=False on purpose: typed amounts belong to the same walk-through.
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        conversation: ConversationHandler[BotContext] = ConversationHandler(
            entry_points=[
                CommandHandler("dispute", start),
                CallbackQueryHandler(start, pattern=r"^dispute:start$"),
                CallbackQueryHandler(start_for_parcel, pattern=r"^dispute:p:\d+$"),
                CallbackQueryHandler(checkin_offer, pattern=r"^dispute:ci:\d+:ci_offer$"),
                MessageHandler(
                    filters.TEXT & ~filters.COMMAND & IntentFilter(Intent.DISPUTE), start
                ),
            ],
            states={
                ACTIVE: [
                    CallbackQueryHandler(on_step, pattern=step_pattern),
                    MessageHandler(filters.TEXT & _typed_expected(app), on_typed),
                ],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, on_timeout)],
            },
            fallbacks=[],
            name="dispute",
            persistent=True,
            per_message=False,
            allow_reentry=True,
            conversation_timeout=TIMEOUT_SECONDS,
        )
    app.add_handler(conversation)
    app.add_handler(CallbackQueryHandler(on_checkin, pattern=r"^dispute:ci:"))
    app.add_handler(CallbackQueryHandler(on_stale, pattern=r"^dispute:"))
