"""/settings: language, time zone (buttons or typed city / offset), quiet hours, the coach's
next-step tips (on or off for all of the user's parcels)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_time
from telegram import Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.app import BotContext, ParcelScoutApplication
from bot.core.parsing import format_minutes, parse_quiet_hours
from bot.core.timezones import PRESETS, display_name, parse_timezone
from bot.i18n import N_, _, current_language
from bot.ui.buttons import (
    Button,
    LanguageMenu,
    MainMenu,
    SettingsCoach,
    SettingsMenu,
    SettingsQuiet,
    SettingsQuietSet,
    SettingsTimezone,
    SettingsTimezoneSet,
    YesNo,
)
from handlers.awaiting import Awaiting, ask, done, pending
from handlers.callbacks import route
from handlers.common import edit_or_send, esc, keyboard, send_html
from storage import User

COMMANDS = [("settings", N_("Time zone, quiet hours, language"))]

AWAIT_KINDS = frozenset({"tz", "quiet"})

OFF = "off"  # the quiet-hours button that turns them off
# (start, end) minutes of the day offered as buttons.
QUIET_PRESETS: list[tuple[int, int]] = [(23 * 60, 8 * 60), (22 * 60, 7 * 60), (0, 9 * 60)]


def _quiet_text(user: User | None) -> str:
    if user is None or user.quiet_start is None or user.quiet_end is None:
        return _("off")
    return f"{format_minutes(user.quiet_start)}–{format_minutes(user.quiet_end)}"


def _tz_text(context: BotContext, user: User | None) -> str:
    if user is None or not user.timezone:
        return _("not set (times are shown in UTC)")
    return esc(display_name(user.timezone, context.services.clock.now()))


async def settings_view(context: BotContext, user_id: int) -> tuple[str, list[list[Button]]]:
    user = await context.services.storage.users.get(user_id)
    coach_on = user is None or user.coach_enabled
    lines = [
        _("⚙️ <b>Settings</b>"),
        "",
        _("🕓 Time zone: {zone}").format(zone=_tz_text(context, user)),
        _("🌙 Quiet hours: {hours}").format(hours=_quiet_text(user)),
        _("🧭 Next-step tips: on") if coach_on else _("🧭 Next-step tips: off"),
        _("🌐 Language: English"),
    ]
    coach_button = (
        (_("🔕 Turn tips off"), SettingsCoach(YesNo.NO).pack())
        if coach_on
        else (_("🧭 Turn tips on"), SettingsCoach(YesNo.YES).pack())
    )
    rows: list[list[Button]] = [
        [
            (_("🕓 Time zone"), SettingsTimezone().pack()),
            (_("🌙 Quiet hours"), SettingsQuiet().pack()),
        ],
        [coach_button],
        [(_("🌐 Language"), LanguageMenu().pack())],
        [(_("⬅️ Main menu"), MainMenu().pack())],
    ]
    return "\n".join(lines), rows


async def settings_command(update: Update, context: BotContext) -> None:
    done(context)
    assert update.effective_user is not None
    text, rows = await settings_view(context, update.effective_user.id)
    await send_html(update, context, text, keyboard(rows))


async def settings_menu(update: Update, context: BotContext, _data: SettingsMenu) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    done(context)
    text, rows = await settings_view(context, query.from_user.id)
    await edit_or_send(update, context, text, keyboard(rows))


def _known_preset(name: str) -> bool:
    return any(name == zone for presets in PRESETS.values() for _label, zone in presets)


async def ask_timezone(update: Update, context: BotContext, _data: SettingsTimezone) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    presets = PRESETS.get(current_language(), PRESETS["en"])
    buttons: list[Button] = [
        (_(label), SettingsTimezoneSet(zone).pack()) for label, zone in presets
    ]
    buttons.append(("UTC", SettingsTimezoneSet("UTC").pack()))
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append(_back_row())
    ask(context, "tz")
    await edit_or_send(
        update,
        context,
        _("🕓 Pick your time zone, or type a city or a UTC offset, e.g. “Berlin”, “+3”, “UTC-5”."),
        keyboard(rows),
    )


async def set_timezone_button(
    update: Update, context: BotContext, data: SettingsTimezoneSet
) -> None:
    query = update.callback_query
    assert query is not None
    name = data.zone
    if not (_known_preset(name) or name == "UTC"):
        await query.answer(_("That time zone is not available."), show_alert=True)
        return
    await query.answer()
    await _save_timezone(update, context, query.from_user.id, name)


async def _save_timezone(update: Update, context: BotContext, user_id: int, name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        await send_html(update, context, _("That time zone is not available."))
        return
    await context.services.storage.users.set_timezone(user_id, name)
    done(context)
    now = context.services.clock.now().astimezone(ZoneInfo(name))
    local = format_time(now, "HH:mm", locale=current_language())
    text, rows = await settings_view(context, user_id)
    head = _("✅ Time zone set: {zone}. Your local time now is {time}.").format(
        zone=esc(display_name(name, now)), time=local
    )
    await send_html(update, context, f"{head}\n\n{text}", keyboard(rows))


async def ask_quiet(update: Update, context: BotContext, _data: SettingsQuiet) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    user = await context.services.storage.users.get(query.from_user.id)
    if user is not None and user.timezone:
        where = _("Times are in your time zone, {zone}.").format(
            zone=esc(display_name(user.timezone, context.services.clock.now()))
        )
    else:
        where = _("Your time zone is not set, so times are in UTC: set it first.")
    rows: list[list[Button]] = [
        [
            (f"{format_minutes(s)}–{format_minutes(e)}", SettingsQuietSet(f"{s}-{e}").pack())
            for s, e in QUIET_PRESETS
        ],
        [(_("🔔 Off"), SettingsQuietSet(OFF).pack())],
        _back_row(),
    ]
    ask(context, "quiet")
    await edit_or_send(
        update,
        context,
        _("🌙 During quiet hours I hold news back until morning. Pick hours, or type them "
          "like “23:00-08:00”.")
        + "\n"
        + where,
        keyboard(rows),
    )  # fmt: skip


def quiet_window(value: str) -> tuple[int, int] | None:
    """A quiet-hours button's window as (start, end) minutes; ``None`` for "off".

    Raises ValueError for data no button carries (crafted, or hours out of range).
    """
    if value == OFF:
        return None
    start, sep, end = value.partition("-")
    if not (sep and start.isascii() and start.isdigit() and end.isascii() and end.isdigit()):
        raise ValueError(value)
    hours = (int(start), int(end))
    if not all(0 <= v < 1440 for v in hours) or hours[0] == hours[1]:
        raise ValueError(value)
    return hours


async def set_quiet_button(update: Update, context: BotContext, data: SettingsQuietSet) -> None:
    query = update.callback_query
    assert query is not None
    try:
        hours = quiet_window(data.window)
    except ValueError:
        await query.answer(_("Those hours are not available."), show_alert=True)
        return
    await query.answer()
    await _save_quiet(update, context, query.from_user.id, hours)


async def _save_quiet(
    update: Update, context: BotContext, user_id: int, hours: tuple[int, int] | None
) -> None:
    users = context.services.storage.users
    if hours is None:
        await users.set_quiet_hours(user_id, None, None)
        head = _("🔔 Quiet hours are off: news comes at any time.")
    else:
        await users.set_quiet_hours(user_id, hours[0], hours[1])
        head = _("🌙 Quiet hours: {start}–{end}. News in that time waits until {end}.").format(
            start=format_minutes(hours[0]), end=format_minutes(hours[1])
        )
    done(context)
    text, rows = await settings_view(context, user_id)
    await send_html(update, context, f"{head}\n\n{text}", keyboard(rows))


async def set_coach(update: Update, context: BotContext, data: SettingsCoach) -> None:
    """The coach on or off for all the user's parcels; per-parcel "no more tips" stays apart."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    on = data.on is YesNo.YES
    await context.services.storage.users.set_coach(query.from_user.id, on)
    done(context)
    if on:
        head = _("🧭 Tips are on: when a parcel's next step changes, I will tell you.")
    else:
        head = _(
            "🔕 Tips are off: I will not suggest next steps on my own. /whatnow still answers "
            "whenever you ask, and the protection timer reminders stay."
        )
    text, rows = await settings_view(context, query.from_user.id)
    await edit_or_send(update, context, f"{head}\n\n{text}", keyboard(rows))


async def typed_answer(update: Update, context: BotContext) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.text is not None and user is not None
    question = pending(context)
    what = question.kind if question is not None else None
    text = message.text.strip()
    back = keyboard([_back_row()])
    if what == "tz":
        name = parse_timezone(text)
        if name is None:
            await send_html(
                update,
                context,
                _("🤔 I do not know that place. Type a bigger city nearby or a UTC offset, "
                  "e.g. “+3” or “UTC-5”."),
                back,
            )  # fmt: skip
            return
        await _save_timezone(update, context, user.id, name)
        return
    parsed = parse_quiet_hours(text)
    if parsed is None or parsed is True:
        await send_html(
            update,
            context,
            _("🤔 I could not read that. Type hours like “23:00-08:00”, or “off”."),
            back,
        )
        return
    await _save_quiet(update, context, user.id, None if parsed is False else parsed)


def _back_row() -> list[Button]:
    return [(_("⬅️ Settings"), SettingsMenu().pack())]


def register(app: ParcelScoutApplication) -> None:
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & Awaiting(app, AWAIT_KINDS), typed_answer)
    )
    app.add_handler(CommandHandler("settings", settings_command))
    app.add_handler(route(SettingsMenu, settings_menu))
    app.add_handler(route(SettingsTimezone, ask_timezone))
    app.add_handler(route(SettingsTimezoneSet, set_timezone_button))
    app.add_handler(route(SettingsQuiet, ask_quiet))
    app.add_handler(route(SettingsQuietSet, set_quiet_button))
    app.add_handler(route(SettingsCoach, set_coach))
