"""What should I do now? /whatnow, the parcel and explain buttons, typed questions, reminders.

The advisor (`bot.advice`) is pure; this module turns a parcel's stored facts into `Facts`, asks
the few facts that would change the answer (buttons or a typed number, at most three per
question), remembers the answers on the parcel and renders the advice plus the English letter.
A reminder the user asks for is a row of the reminders table; when it is due, the watch layer
sends it through the outbox (bot/watch/reminders.py), so it survives restarts.
"""

from __future__ import annotations

import contextlib
import logging
import re
from datetime import date, timedelta
from typing import Any

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.advice import (
    WAITS_FOR_SELLER,
    Action,
    Advice,
    Facts,
    NumberFormat,
    SellerResponse,
    Tracking,
    advise,
)
from bot.advice.advisor import action_label, days
from bot.advice.facts import fact_question
from bot.app import BotContext
from bot.i18n import N_, _
from bot.intents import Intent, detect_intent, has_track_number
from bot.tracking.model import Status
from bot.tracknumbers import analyze, find_numbers
from bot.watch import reminders
from handlers.common import Button, edit_or_send, esc, keyboard, send_html
from storage import Parcel, ts

log = logging.getLogger(__name__)

COMMANDS = [("whatnow", N_("What should I do now?"))]

MAX_QUESTIONS = 3
REMINDER_KIND = reminders.WHATNOW_CHECKIN
# Actions after which the user waits for the seller: offer "remind me if the seller is silent".
_SELLER_ACTIONS = WAITS_FOR_SELLER
SESSION_TTL = 3600  # a question left unanswered this long no longer claims typed text


# --- facts from a parcel -----------------------------------------------------------------------


def _tracking_from(parcel: Parcel, today: date) -> tuple[Tracking | None, int | None]:
    """Our tracking vocabulary mapped to the advisor's; (None, None) if never looked up."""
    try:
        status = Status(parcel.status)
    except ValueError:
        return None, None
    quiet: int | None = None
    if parcel.last_event_at is not None:
        quiet = max(0, (today - _day(parcel.last_event_at)).days)
    if status is Status.NOT_FOUND:
        return (Tracking.NOT_FOUND, None) if parcel.last_checked_at is not None else (None, None)
    if status is Status.DELIVERED:
        return Tracking.DELIVERED, None
    if status in (Status.RETURNING, Status.RETURNED):
        return Tracking.RETURNED, None
    if status is Status.IN_CUSTOMS:
        return Tracking.CUSTOMS, quiet
    if status is Status.EXPIRED:
        return Tracking.VANISHED, quiet
    if status is Status.AWAITING_DISPATCH:  # a label, no parcel yet: the "not tracked yet" advice
        return (Tracking.NOT_FOUND, None)
    if status is Status.INFO_RECEIVED:
        return Tracking.ORIGIN_ONLY, quiet
    if status in (Status.EXCEPTION, Status.DELIVERY_FAILED) or (quiet is not None and quiet >= 7):
        return Tracking.STALLED, quiet
    return Tracking.MOVING, quiet


def _day(instant: int) -> date:
    from storage import from_ts

    moment = from_ts(instant)
    assert moment is not None
    return moment.date()


def _format_of(number: str, kind: str | None) -> NumberFormat | None:
    for value in (kind, analyze(number).verdict.value):
        if value is not None and value in NumberFormat.__members__.values():
            return NumberFormat(value)
    return None


def facts_from_parcel(parcel: Parcel, today: date, known: dict[str, Any] | None = None) -> Facts:
    """Everything stored about ``parcel`` as advisor facts; ``known`` adds chat-only answers."""
    known = known or {}
    tracking, quiet = _tracking_from(parcel, today)
    if tracking is None and known.get("tracking"):
        tracking = Tracking(known["tracking"])
        quiet = known.get("stalled_days")
    elif known.get("stalled_days") is not None and quiet is None:
        quiet = known["stalled_days"]
    response: SellerResponse | None = None
    if parcel.seller_response:
        try:
            response = SellerResponse(parcel.seller_response)
        except ValueError:
            response = None
    in_dispute = parcel.dispute_status == "open" or (
        parcel.dispute_opened_on is not None and parcel.dispute_status in (None, "open")
    )
    price = parcel.price_amount if parcel.price_currency in (None, "USD") else None
    number = parcel.real_number or parcel.number
    left = (parcel.protection_deadline - today).days if parcel.protection_deadline else None
    return Facts(
        days_since_shipped=(today - parcel.shipped_on).days if parcel.shipped_on else None,
        tracking=tracking,
        stalled_days=quiet,
        number_format=_format_of(number, parcel.kind),
        price_usd=price,
        protection_days_left=left,
        timer_over=True if left is None and known.get("timer_over") else None,
        seller_contacted=known.get("seller_contacted"),
        seller_contacted_days_ago=(
            (today - parcel.seller_contacted_on).days if parcel.seller_contacted_on else None
        ),
        dispute_open=in_dispute if parcel.dispute_status is not None else known.get("dispute_open"),
        dispute_open_days=(
            (today - parcel.dispute_opened_on).days
            if in_dispute and parcel.dispute_opened_on
            else None
        ),
        seller_response=response,
        offer_amount=known.get("offer_amount"),
        order_finished_days_ago=known.get("order_finished_days_ago"),
        paid_with_paypal=known.get("paid_with_paypal"),
        track_number=number,
    )


def today_of(context: BotContext) -> date:
    return context.services.clock.now().date()


def _known(context: BotContext, parcel_id: int) -> dict[str, Any]:
    data = context.user_data
    assert data is not None
    return data.whatnow_known.setdefault(str(parcel_id), {})


def known_answers(context: BotContext, parcel_id: int) -> dict[str, Any]:
    """The parcel's answers that have no column (the dispute helper shares them)."""
    return _known(context, parcel_id)


# --- questions ---------------------------------------------------------------------------------

_DAY_CHOICES = (3, 7, 10, 15, 20, 30)
_QUESTION_BUTTONS: dict[str, list[tuple[str, str]]] = {
    "tracking": [
        (N_("Nothing found anywhere"), Tracking.NOT_FOUND.value),
        (N_("Only inside China"), Tracking.ORIGIN_ONLY.value),
        (N_("It is moving"), Tracking.MOVING.value),
        (N_("No new events for a while"), Tracking.STALLED.value),
        (N_("It disappeared from tracking"), Tracking.VANISHED.value),
        (N_("Held at customs"), Tracking.CUSTOMS.value),
        (N_("Delivered"), Tracking.DELIVERED.value),
        (N_("Delivered, but I have nothing"), Tracking.DELIVERED_NOT_RECEIVED.value),
        (N_("Returned to the sender"), Tracking.RETURNED.value),
    ],
    "price_usd": [(N_("under $5"), "3"), (N_("$5-10"), "7.5"), (N_("over $10"), "20")],
    "protection_days_left": [
        (N_("It is over"), "over"),
        *((str(n), str(n)) for n in (2, 6, 10, 20, 30)),
        (N_("more"), "45"),
    ],
    "seller_contacted": [
        (N_("No"), "no"),
        (N_("Today"), "0"),
        (N_("2 days ago"), "2"),
        (N_("5+ days ago"), "5"),
    ],
    "dispute_open": [(N_("No"), "no"), (N_("Yes, 1-4 days"), "2"), (N_("Yes, 5+ days"), "6")],
    "seller_response": [
        (N_("Silent"), SellerResponse.NONE.value),
        (N_("Only promises"), SellerResponse.PROMISED.value),
        (N_("Accepted"), SellerResponse.ACCEPTED.value),
        (N_("Offered an amount"), SellerResponse.OFFER.value),
        (N_("Refused"), SellerResponse.REFUSED.value),
        (N_("Asks me to cancel"), SellerResponse.ASKED_CANCEL.value),
    ],
    "paid_with_paypal": [(N_("Yes"), "yes"), (N_("No"), "no")],
}
for _name in ("days_since_shipped", "stalled_days", "order_finished_days_ago"):
    _QUESTION_BUTTONS[_name] = [(str(n), str(n)) for n in _DAY_CHOICES[:-1]] + [(N_("30+"), "30")]
_NUMERIC = frozenset(
    {
        "days_since_shipped",
        "stalled_days",
        "order_finished_days_ago",
        "protection_days_left",
        "price_usd",
        "offer_amount",
        "seller_contacted",
        "dispute_open",
    }
)
_NUMBER_RE = re.compile(r"^\s*[-+]?\$?\s*(\d{1,5}(?:[.,]\d{1,2})?)\s*(?:\$|usd|дн\w*|days?)?\s*$")
# Short codes keep callback data well inside 64 bytes.
_CODES = {
    "days_since_shipped": "ds",
    "tracking": "tr",
    "stalled_days": "sd",
    "number_format": "nf",
    "price_usd": "pr",
    "protection_days_left": "pl",
    "seller_contacted": "sc",
    "dispute_open": "do",
    "seller_response": "sr",
    "offer_amount": "oa",
    "order_finished_days_ago": "of",
    "paid_with_paypal": "pp",
}
_NAMES = {code: name for name, code in _CODES.items()}


def _question_markup(name: str) -> list[list[Button]]:
    code = _CODES[name]
    buttons = [
        (_(label), f"whatnow:a:{code}:{value}") for label, value in _QUESTION_BUTTONS.get(name, [])
    ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([(_("Skip"), f"whatnow:a:{code}:skip"), (_("✖️ Cancel"), "whatnow:cancel")])
    return rows


def _question_text(name: str, index: int) -> str:
    hint = ""
    if name in _NUMERIC:
        hint = "\n" + _("Press a button or type a number.")
    elif name == "number_format":
        hint = ""
    return _("❓ Question {n} of {max}:").format(n=index, max=MAX_QUESTIONS) + (
        "\n" + esc(fact_question(name)) + hint
    )


# --- the session -------------------------------------------------------------------------------


def _end_session(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.whatnow = None


def _session(context: BotContext) -> dict[str, Any] | None:
    data = context.user_data
    assert data is not None
    return data.whatnow


async def _current_facts(
    context: BotContext, user_id: int, session: dict[str, Any]
) -> tuple[Facts, Parcel | None] | None:
    today = today_of(context)
    pid = session.get("pid")
    if pid:
        parcel = await context.services.storage.parcels.get_owned(user_id, int(pid))
        if parcel is None:
            return None
        return facts_from_parcel(parcel, today, _known(context, parcel.id)), parcel
    return Facts.from_dict(session.get("facts", {})), None


def _asked_before(context: BotContext, session: dict[str, Any]) -> set[str]:
    asked = set(session.get("asked", []))
    if session.get("pid"):
        asked |= set(_known(context, int(session["pid"])).get("asked", []))
    return asked


async def _advance(update: Update, context: BotContext, session: dict[str, Any]) -> None:
    """Ask the next useful question, or answer."""
    user = update.effective_user
    assert user is not None
    loaded = await _current_facts(context, user.id, session)
    if loaded is None:
        _end_session(context)
        await _not_found(update, context)
        return
    facts, parcel = loaded
    advice = advise(facts, today=today_of(context))
    asked = _asked_before(context, session)
    todo = [name for name in advice.missing if name not in asked and name in _CODES]
    if parcel is not None:  # the parcel's number is known; its format too
        todo = [name for name in todo if name != "number_format"]
        if _known(context, parcel.id).get("round_done") and not session.get("asked"):
            todo = []  # asked once already: answer right away with what is known
    if facts.timer_over and "order_finished_days_ago" in todo:
        # Right after "it is over": when it ended decides between a dispute and support.
        todo.remove("order_finished_days_ago")
        todo.insert(0, "order_finished_days_ago")
    if todo and len(session.get("asked", [])) < MAX_QUESTIONS:
        name = todo[0]
        session["asking"] = name
        session["at"] = int(context.services.clock.now().timestamp())
        index = len(session.get("asked", [])) + 1
        await _say(update, context, _question_text(name, index), _question_markup(name))
        return
    _end_session(context)
    if parcel is not None and session.get("asked"):
        _known(context, parcel.id)["round_done"] = True
    await render_advice(update, context, advice, parcel)


async def _say(
    update: Update, context: BotContext, text: str, rows: list[list[Button]] | None = None
) -> None:
    markup = keyboard(rows) if rows else None
    if update.callback_query is not None:
        await edit_or_send(update, context, text, markup)
    else:
        await send_html(update, context, text, markup)


async def _not_found(update: Update, context: BotContext) -> None:
    text = _("I cannot find that parcel. Send /whatnow to start again.")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    else:
        await send_html(update, context, text)


async def begin(
    update: Update,
    context: BotContext,
    parcel: Parcel | None,
    facts: Facts | None = None,
) -> None:
    """Start advising about ``parcel`` (or from scratch with ``facts``)."""
    session: dict[str, Any] = {
        "pid": parcel.id if parcel else None,
        "facts": (facts or Facts()).to_dict(),
        "asked": [],
        "asking": None,
    }
    assert context.user_data is not None
    context.user_data.whatnow = session
    await _advance(update, context, session)


# --- rendering ---------------------------------------------------------------------------------


def advice_text(advice: Advice, parcel: Parcel | None) -> str:
    lines = []
    if parcel is not None:
        lines.append(_("📦 <b>{name}</b>").format(name=esc(parcel.display_name)))
    lines.append(_("📍 <b>Situation:</b> {text}").format(text=esc(advice.situation)))
    lines.append(_("👉 <b>Do now:</b> {text}").format(text=esc(action_label(advice.action))))
    lines.append(_("💡 <b>Why:</b> {text}").format(text=esc(advice.why)))
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


def reminder_days(advice: Advice) -> int | None:
    if advice.action in _SELLER_ACTIONS:
        return advice.next_check_in_days or 5
    return advice.next_check_in_days


async def render_advice(
    update: Update, context: BotContext, advice: Advice, parcel: Parcel | None
) -> None:
    rows: list[list[Button]] = []
    pid = parcel.id if parcel else 0
    remind = reminder_days(advice)
    if remind is not None and remind > 0:
        if advice.action in _SELLER_ACTIONS:
            label = _("⏰ Remind me in {days} if the seller is silent")
        else:
            label = _("⏰ Remind me in {days}")
        rows.append(
            [(label.format(days=days(remind)), f"whatnow:rem:{pid}:{remind}:{advice.action.value}")]
        )
    if parcel is not None and advice.action in (Action.OPEN_DISPUTE, Action.TIMER_EXPIRED):
        rows.append([(_("⚖️ Dispute help"), f"dispute:p:{parcel.id}")])
    elif parcel is None and advice.action in (Action.OPEN_DISPUTE, Action.TIMER_EXPIRED):
        rows.append([(_("⚖️ Dispute help"), "dispute:start")])
    # Never a dead end: a way back to where the user came from.
    if parcel is not None:
        rows.append([(_("⬅️ Back to the parcel"), f"parcel:view:{parcel.id}")])
    else:
        rows.append([(_("⬅️ Main menu"), "menu:main")])
    text = advice_text(advice, parcel)
    markup = keyboard(rows)
    if advice.letter:
        await _say(update, context, text)
        await send_html(update, context, letter_html(advice.letter), markup)
    else:
        await _say(update, context, text, rows)


# --- entry points ------------------------------------------------------------------------------


async def start(update: Update, context: BotContext) -> None:
    """/whatnow and the menu button: pick the parcel (if several) or advise."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    user = update.effective_user
    assert user is not None
    parcels = await context.services.storage.parcels.list_for_user(user.id, limit=20)
    if not parcels:
        await begin(update, context, None)
        return
    if len(parcels) == 1:
        await begin(update, context, parcels[0])
        return
    rows: list[list[Button]] = [
        [(f"📦 {_short(p.display_name)}", f"whatnow:p:{p.id}")] for p in parcels
    ]
    rows.append([(_("Another order, not in the list"), "whatnow:p:0")])
    await _say(update, context, _("🧭 Which parcel is it about?"), rows)


def _short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


async def on_callback(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    user = update.effective_user
    assert user is not None
    parts = query.data.split(":")
    action = parts[1] if len(parts) > 1 else ""
    if action == "start" and len(parts) == 2:
        await start(update, context)
    elif action == "p" and len(parts) == 3 and parts[2].isdigit():
        pid = int(parts[2])
        if pid == 0:
            await query.answer()
            await begin(update, context, None)
            return
        parcel = await context.services.storage.parcels.get_owned(user.id, pid)
        if parcel is None:
            await _not_found(update, context)
            return
        await query.answer()
        await begin(update, context, parcel)
    elif action == "n" and len(parts) >= 3:
        await query.answer()
        await _begin_number(update, context, ":".join(parts[2:]))
    elif action == "a" and len(parts) == 4:
        await _answer_button(update, context, parts[2], parts[3])
    elif action == "rem" and len(parts) == 5 and parts[2].isdigit() and parts[3].isdigit():
        await _schedule(update, context, int(parts[2]), int(parts[3]), parts[4])
    elif action == "ask" and len(parts) == 3 and parts[2] in ("yes", "no"):
        if parts[2] == "yes":
            await start(update, context)
        else:
            await query.answer()
            await edit_or_send(
                update, context, _("OK. Paste a track number or send /start for the menu.")
            )
    elif action == "cancel" and len(parts) == 2:
        await query.answer()
        _end_session(context)
        await edit_or_send(
            update,
            context,
            _("OK, no questions. Paste a track number or pick from the menu."),
            keyboard([[(_("⬅️ Main menu"), "menu:main")]]),
        )
    elif action == "silent" and len(parts) == 3 and parts[2].isdigit():
        await _seller_silent(update, context, int(parts[2]))
    else:
        await _stale(update)


async def _stale(update: Update) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(
        _("This button is out of date. Send /whatnow to start again."), show_alert=True
    )


async def _begin_number(update: Update, context: BotContext, number: str) -> None:
    user = update.effective_user
    assert user is not None
    analysis = analyze(number)
    clean = analysis.number or number
    parcel = await context.services.storage.parcels.get_by_number(user.id, clean)
    if parcel is not None and parcel.is_active:
        await begin(update, context, parcel)
        return
    try:
        fmt: NumberFormat | None = NumberFormat(analysis.verdict.value)
    except ValueError:
        fmt = None
    await begin(update, context, None, Facts(track_number=clean, number_format=fmt))


# --- answers -----------------------------------------------------------------------------------


def _parse_number(text: str) -> float | None:
    match = _NUMBER_RE.match(text.strip().lower())
    if match is None:
        return None
    value = float(match.group(1).replace(",", "."))
    return -value if text.strip().startswith("-") else value


def parse_number(text: str) -> float | None:
    """A typed number of days or dollars ("17", "17 дн.", "$5"), or None."""
    return _parse_number(text)


async def _answer_button(update: Update, context: BotContext, code: str, value: str) -> None:
    query = update.callback_query
    assert query is not None
    session = _session(context)
    name = _NAMES.get(code)
    if session is None or name is None or session.get("asking") != name:
        await _stale(update)
        return
    await query.answer()
    await _store_answer(update, context, session, name, value)


async def _store_answer(
    update: Update, context: BotContext, session: dict[str, Any], name: str, raw: str
) -> None:
    """Remember one answer (on the parcel when there is one) and go on."""
    user = update.effective_user
    assert user is not None
    session["asked"] = [*session.get("asked", []), name]
    session["asking"] = None
    pid = session.get("pid")
    if pid:
        known = _known(context, int(pid))
        known["asked"] = sorted({*known.get("asked", []), name})
    if raw != "skip":
        try:
            await _remember(context, user.id, session, name, raw)
        except ValueError:
            log.info("ignored an odd answer %r for %s", raw, name)
    await _advance(update, context, session)


async def _remember(
    context: BotContext, user_id: int, session: dict[str, Any], name: str, raw: str
) -> None:
    today = today_of(context)
    pid = int(session["pid"]) if session.get("pid") else None
    facts = Facts.from_dict(session.get("facts", {}))
    value: Any
    columns: dict[str, Any] = {}
    known: dict[str, Any] = {}
    if name == "tracking":
        value = Tracking(raw).value
        known["tracking"] = value
    elif name == "seller_response":
        value = SellerResponse(raw).value
        columns["seller_response"] = value
    elif name == "number_format":
        analysis = analyze(raw)
        value = NumberFormat(analysis.verdict.value).value
        facts = facts.replace(track_number=raw.strip())
    elif name == "paid_with_paypal":
        value = raw == "yes"
        known[name] = value
    elif name == "protection_days_left" and raw == "over":
        # Over, but since when is unknown: a flag, not a made-up deadline (the finish date is
        # the next question, and decides between a dispute and AliExpress support).
        name, value = "timer_over", True
        known["timer_over"] = True
    elif name in ("seller_contacted", "dispute_open") and raw == "no":
        value = False
        known[name] = False
    else:
        number = float(raw)
        if name == "price_usd":
            value = round(number, 2)
            columns.update(price_amount=value, price_currency="USD")
        elif name == "offer_amount":
            value = round(number, 2)
            known[name] = value
        else:
            n = int(number)
            if name == "days_since_shipped":
                value = max(0, n)
                columns["shipped_on"] = today - timedelta(days=value)
            elif name == "protection_days_left":
                value = n
                columns["protection_deadline"] = today + timedelta(days=n)
            elif name == "order_finished_days_ago" and pid is not None:
                # The order finishes when the timer ends: a deadline keeps counting as days pass.
                value = max(0, n)
                columns["protection_deadline"] = today - timedelta(days=value)
            elif name == "seller_contacted":
                name, value = "seller_contacted_days_ago", max(0, n)
                columns["seller_contacted_on"] = today - timedelta(days=value)
            elif name == "dispute_open":
                name, value = "dispute_open_days", max(0, n)
                columns.update(
                    dispute_opened_on=today - timedelta(days=value), dispute_status="open"
                )
            else:
                value = max(0, n)
                known[name] = value
    session["facts"] = facts.replace(**{name: value}).to_dict()
    if pid is not None:
        if columns:
            await context.services.storage.parcels.update_facts(user_id, pid, **columns)
        if known:
            _known(context, pid).update(known)


_SKIP_WORDS = frozenset(
    {"skip", "don't know", "dont know", "no idea", "not sure", "пропустить", "не знаю", "хз"}
)


def _is_skip(text: str) -> bool:
    return text.strip().casefold().rstrip(".!").replace("ё", "е") in _SKIP_WORDS


def _fresh_question(app: Application, message: Message) -> str | None:  # type: ignore[type-arg]
    """The fact the user's open question asks about, if it was asked within `SESSION_TTL`."""
    if message.from_user is None:
        return None
    data = app.user_data.get(message.from_user.id)
    session = data.whatnow if data is not None else None
    if not isinstance(session, dict) or not isinstance(session.get("asking"), str):
        return None
    now = int(app.services.clock.now().timestamp())  # type: ignore[attr-defined]
    if now - int(session.get("at", 0)) > SESSION_TTL:
        return None
    return str(session["asking"])


def _answer_pending(app: Application) -> filters.MessageFilter:  # type: ignore[type-arg]
    """Typed text while a question waits: an answer, "skip", or anything that is not a track
    number or a question of its own (those go on to their handlers)."""

    class Pending(filters.MessageFilter):
        def filter(self, message: Message) -> bool:
            if not message.text or message.text.startswith("/"):
                return False
            name = _fresh_question(app, message)
            if name is None:
                return False
            if name == "number_format" or _is_skip(message.text):
                return True
            if name in _NUMERIC and _parse_number(message.text) is not None:
                return True
            # Not an answer: claim it (to ask again) unless another feature wants it.
            return not has_track_number(message.text) and detect_intent(message.text) in (
                Intent.NONE,
                Intent.UNSURE,
            )

    return Pending(name="whatnow_pending")


async def on_typed_answer(update: Update, context: BotContext) -> None:
    message = update.effective_message
    session = _session(context)
    if message is None or message.text is None or session is None:
        return
    name = session.get("asking")
    if not isinstance(name, str):
        return
    if name == "number_format":
        await _store_answer(update, context, session, name, message.text)
        return
    if _is_skip(message.text):
        await _store_answer(update, context, session, name, "skip")
        return
    number = _parse_number(message.text) if name in _NUMERIC else None
    if number is None:
        hint = (
            _("Please press a button or type a number.")
            if name in _NUMERIC
            else _("Please press one of the buttons.")
        )
        index = len(session.get("asked", [])) + 1
        await send_html(
            update,
            context,
            "🤔 " + hint + "\n\n" + _question_text(name, index),
            keyboard(_question_markup(name)),
        )
        return
    await _store_answer(update, context, session, name, repr(number))


# --- typed questions ---------------------------------------------------------------------------


class IntentFilter(filters.MessageFilter):
    """Only text whose intent is one of ``intents`` (UNSURE with a track number is explain's)."""

    def __init__(self, *intents: Intent) -> None:
        super().__init__(name=f"intent{tuple(i.value for i in intents)}")
        self.intents = frozenset(intents)

    def filter(self, message: Message) -> bool:
        text = message.text
        if not text or text.startswith("/"):
            return False
        intent = detect_intent(text)
        if intent is Intent.UNSURE and has_track_number(text):
            return False
        return intent in self.intents


async def on_question(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    if detect_intent(message.text) is Intent.UNSURE:
        rows = [[(_("Yes"), "whatnow:ask:yes"), (_("No"), "whatnow:ask:no")]]
        await send_html(update, context, _("Do you want advice about a parcel?"), keyboard(rows))
        return
    # "LX…CN not tracking, what should I do?": the question names its parcel.
    found = find_numbers(message.text, limit=1)
    if found.total_found == 1:
        await _begin_number(update, context, found.items[0].number)
        return
    await start(update, context)


# --- reminders ---------------------------------------------------------------------------------


async def _schedule(
    update: Update, context: BotContext, pid: int, in_days: int, action: str
) -> None:
    query = update.callback_query
    assert query is not None
    user = update.effective_user
    assert user is not None
    if pid:
        parcel = await context.services.storage.parcels.get_owned(user.id, pid)
        if parcel is None:
            await _not_found(update, context)
            return
    in_days = max(1, min(in_days, 60))
    due = ts(context.services.clock.now() + timedelta(days=in_days))
    await context.services.storage.reminders.schedule(
        user.id,
        REMINDER_KIND,
        due,
        {"action": action, "days": in_days},
        parcel_id=pid or None,
        now=ts(context.services.clock.now()),
    )
    await query.answer(_("OK, I will remind you in {days}.").format(days=days(in_days)))
    if query.message is not None:
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(None)
    await send_html(
        update, context, _("⏰ OK, I will remind you in {days}.").format(days=days(in_days))
    )


async def _seller_silent(update: Update, context: BotContext, pid: int) -> None:
    query = update.callback_query
    assert query is not None
    user = update.effective_user
    assert user is not None
    parcel = await context.services.storage.parcels.get_owned(user.id, pid)
    if parcel is None:
        await _not_found(update, context)
        return
    await query.answer()
    changes: dict[str, Any] = {"seller_response": SellerResponse.NONE.value}
    if parcel.seller_contacted_on is None:
        changes["seller_contacted_on"] = today_of(context) - timedelta(days=5)
    updated = await context.services.storage.parcels.update_facts(user.id, pid, **changes)
    await begin(update, context, updated)


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("whatnow", start))
    app.add_handler(CallbackQueryHandler(on_callback, pattern=r"^whatnow:"))
    app.add_handler(MessageHandler(filters.TEXT & _answer_pending(app), on_typed_answer))
    app.add_handler(
        MessageHandler(
            filters.TEXT & ~filters.COMMAND & IntentFilter(Intent.WHAT_NOW, Intent.UNSURE),
            on_question,
        )
    )
