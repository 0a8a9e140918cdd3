"""Pieces every handler uses: who the user is, their language, keyboards, safe replies."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden
from telegram.ext import ApplicationHandlerStop, filters

from bot.app import BotContext
from bot.i18n import _, normalize_language, set_language
from bot.ui.buttons import Button, ParcelAction, ParcelVerb
from bot.ui.present import esc as esc  # re-exported: handlers take it from here
from bot.ui.textlimits import TEXT_LIMIT, fits, split_html

log = logging.getLogger(__name__)

# (label, callback_data) — callback_data must stay within Telegram's 64 bytes.

TELEGRAM_TEXT_LIMIT = TEXT_LIMIT


async def identify_user(update: object, context: BotContext) -> None:
    """Group -1, the one entry guard: which updates the handlers see at all, who the user is, and
    the language for everything this update does.

    The policy (README "Using the bot"): private chats get everything; in groups only what is
    addressed to the bot, answered there by ``handlers.chats`` with nothing private; channels
    and every other kind of update (inline queries, polls, reactions, ...) are never answered;
    an edited message only when it now names a different track number. Whatever is not for the
    handlers ends here with ``ApplicationHandlerStop``, so no handler meets an update without a
    user or a private chat.
    """
    from handlers import chats

    set_language(context.services.settings.default_language)
    if not isinstance(update, Update):
        raise ApplicationHandlerStop
    if update.my_chat_member is not None:
        await chats.on_my_chat_member(update, context)
        raise ApplicationHandlerStop
    tg_user = update.effective_user
    chat = update.effective_chat
    served = (
        update.message is not None
        or update.edited_message is not None
        or update.callback_query is not None
    )
    if not served or tg_user is None or tg_user.is_bot:
        raise ApplicationHandlerStop
    if filters.StatusUpdate.ALL.check_update(update):
        # Service messages (a pin, a title change, a member joining) are nobody talking to us.
        raise ApplicationHandlerStop
    if chat is None:
        if update.callback_query is not None:
            # A button on an inline message: we never send those, so it is stale or crafted.
            await update.callback_query.answer(
                _("This button is out of date. Send /start for a fresh menu.")
            )
        raise ApplicationHandlerStop
    if chat.type != ChatType.PRIVATE:
        await chats.in_group(update, context)
        raise ApplicationHandlerStop
    fallback = context.services.settings.default_language
    # In a private chat the chat id is the user's id: this is where their pushes go.
    profile = await context.services.storage.users.upsert_seen(
        tg_user.id, tg_user.id, normalize_language(tg_user.language_code, fallback)
    )
    set_language(profile.language)
    if not chats.worth_answering_edit(update, context):
        raise ApplicationHandlerStop


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup:
    for row in rows:
        for _label, data in row:
            assert len(data.encode()) <= 64, data
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


def split_message(text: str, limit: int = TELEGRAM_TEXT_LIMIT) -> list[str]:
    """Split HTML ``text`` into messages Telegram accepts: at most ``limit`` UTF-16 units after
    entity parsing each, cut at line breaks (else spaces, else between characters), never
    inside a tag or an entity; see ``bot.ui.textlimits.split_html``."""
    return split_html(text, limit)


async def send_to_chat(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send ``text`` (HTML) to ``chat_id``, split so no part exceeds Telegram's limit; the
    keyboard goes with the last part. Every message the handlers write goes through here."""
    parts = split_message(text)
    sent: Message | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent = await bot.send_message(chat_id, part, reply_markup=markup if last else None)
    return sent


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
    return await send_to_chat(context.bot, chat.id, text, markup)


async def send_parts(
    update: Update,
    context: BotContext,
    parts: Sequence[str],
    markup: InlineKeyboardMarkup | None = None,
) -> Message | None:
    """Send texts that were composed as separate messages, each split further if too long."""
    chat = update.effective_chat
    if chat is None:
        return None
    sent: Message | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent = await send_to_chat(context.bot, chat.id, part, markup if last else None)
    return sent


async def edit_or_send(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Answer a button press by editing its message; fall back to a new message.

    A push (a watch message) is never edited: it is news the user may want to read again. A
    text too long for one message is sent as new messages instead.
    """
    query = update.callback_query
    if query is not None and editable(query, text):
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            log.info("edit failed (%s); sending a new message", exc)
    await send_html(update, context, text, markup)


def editable(query: CallbackQuery, text: str) -> bool:
    """Whether a button press may answer by editing its message with ``text`` (one message's
    worth, and not a push: pushes are news the user may want to read again)."""
    return (
        isinstance(query.message, Message)
        and fits(text, TELEGRAM_TEXT_LIMIT)
        and not is_push(query.message)
    )


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
    chat = update.effective_chat if isinstance(update, Update) else None
    private = chat is not None and chat.type == ChatType.PRIVATE
    if isinstance(error, Forbidden):
        # Blocked: remember it so the scheduler stops pushing; a new message unblocks. (Being
        # removed from a group says nothing about the user.)
        log.info("user blocked the bot: %s", error)
        if user is not None and private:
            await context.services.storage.users.mark_blocked(user.id)
        return
    if isinstance(error, BadRequest) and "chat not found" in str(error).lower():
        log.warning("chat vanished while answering: %s", error)
        return
    log.error("update failed: %r", error, exc_info=error)
    # Only a private chat hears about it: never a group or a channel.
    if chat is not None and private:
        try:
            await context.bot.send_message(
                chat.id,
                _(
                    "😕 Something went wrong on my side. Nothing you saved is lost — "
                    "please try again in a minute."
                ),
            )
        except Exception:  # the error path itself must not raise
            log.exception("could not tell the user about the failure")
