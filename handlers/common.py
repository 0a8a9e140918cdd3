"""Pieces every handler uses: who the user is, their language, keyboards, safe replies."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, Forbidden

from bot.app import BotContext
from bot.i18n import _, normalize_language, set_language
from bot.present import esc as esc  # re-exported: handlers take it from here
from handlers.callbacks import ParcelAction, ParcelVerb

log = logging.getLogger(__name__)

# (label, callback_data) — callback_data must stay within Telegram's 64 bytes.
Button = tuple[str, str]

TELEGRAM_TEXT_LIMIT = 4096


async def identify_user(update: object, context: BotContext) -> None:
    """Group -1: remember the user and switch the language for everything this update does."""
    if not isinstance(update, Update) or update.effective_user is None:
        set_language(context.services.settings.default_language)
        return
    tg_user = update.effective_user
    chat_id = update.effective_chat.id if update.effective_chat else tg_user.id
    fallback = context.services.settings.default_language
    profile = await context.services.storage.users.upsert_seen(
        tg_user.id, chat_id, normalize_language(tg_user.language_code, fallback)
    )
    set_language(profile.language)


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    for row in rows:
        for _label, data in row:
            assert len(data.encode()) <= 64, data
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def split_message(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split plain or HTML text at paragraph, then line boundaries so no part exceeds ``limit``.

    Callers that build HTML keep tags within one line, so a line boundary never cuts a tag.
    """
    if len(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # one huge line (never produced by our renderers): hard cut
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return [p for p in parts if p.strip()]


async def send_html(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send ``text`` (HTML) to the chat of ``update``, split if long; the keyboard goes last."""
    chat = update.effective_chat
    if chat is None:
        return None
    parts = split_message(text)
    sent: Message | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent = await context.bot.send_message(chat.id, part, reply_markup=markup if last else None)
    return sent


async def edit_or_send(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Answer a button press by editing its message; fall back to a new message.

    A push (a watch message) is never edited: it is news the user may want to read again.
    """
    query = update.callback_query
    if (
        query is not None
        and isinstance(query.message, Message)
        and len(text) <= TELEGRAM_TEXT_LIMIT
        and not is_push(query.message)
    ):
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            log.info("edit failed (%s); sending a new message", exc)
    await send_html(update, context, text, markup)


def is_push(message: Message) -> bool:
    """A message the watcher sent (its keyboard carries the push timeline button)."""
    markup = message.reply_markup
    return markup is not None and any(
        isinstance(b.callback_data, str)
        and (action := ParcelAction.unpack(b.callback_data)) is not None
        and action.verb is ParcelVerb.TIMELINE_FROM_PUSH
        for row in markup.inline_keyboard
        for b in row
    )


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure with its traceback; tell the user something friendly, never the trace."""
    error = context.error
    user = update.effective_user if isinstance(update, Update) else None
    if isinstance(error, Forbidden):
        # Blocked: remember it so the scheduler stops pushing; a new message unblocks.
        log.info("user blocked the bot: %s", error)
        if user is not None:
            await context.services.storage.users.mark_blocked(user.id)
        return
    if isinstance(error, BadRequest) and "chat not found" in str(error).lower():
        log.warning("chat vanished while answering: %s", error)
        return
    log.error("update failed: %r", error, exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                _(
                    "😕 Something went wrong on my side. Nothing you saved is lost — "
                    "please try again in a minute."
                ),
            )
        except Exception:  # the error path itself must not raise
            log.exception("could not tell the user about the failure")
