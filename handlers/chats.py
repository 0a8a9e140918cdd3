"""Where the bot talks: groups, channels, edits, being blocked (README "Using the bot").

Called by the entry guard (``handlers.common.identify_user``); nothing here is registered as a
handler of its own. In a group the bot answers only what is addressed to it and says nothing
private there: parcels live in the private chat. In a channel it never writes.
"""

from __future__ import annotations

import hashlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, MessageEntity, Update
from telegram.constants import ChatMemberStatus, ChatType

from bot.app import BotContext
from bot.core.tracknumbers import find_numbers
from bot.core.tracknumbers.render import render_chat
from bot.i18n import _, normalize_language, set_language
from handlers.common import send_html

log = logging.getLogger(__name__)

# Edited messages: how many of a chat's recent messages keep the track numbers they had.
EDIT_MEMORY = 30
_EDIT_KEY = "edit_numbers"
# Commands that get the bot's public introduction in a group; any other gets the invitation.
_INTRO_COMMANDS = frozenset({"start", "help"})


# ----------------------------------------------------------------- blocked / unblocked


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """A user blocked the bot (their checks and pushes pause) or unblocked it (they resume)."""
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        # Added to or removed from a group or channel: nothing to say there, nothing to store.
        return
    users = context.services.storage.users
    status = change.new_chat_member.status
    if status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT):
        if await users.mark_blocked(change.from_user.id):
            log.info("a user blocked the bot; their checks pause")
    elif status == ChatMemberStatus.MEMBER and await users.mark_unblocked(change.from_user.id):
        log.info("a user unblocked the bot; their checks resume")


# ----------------------------------------------------------------- edited messages


def _numbers_key(text: str) -> str:
    """A short digest of the track numbers in ``text`` ("" for none): enough to see a change
    without keeping the numbers themselves."""
    numbers = sorted({analysis.number for analysis in find_numbers(text).items})
    if not numbers:
        return ""
    return hashlib.blake2b("\n".join(numbers).encode(), digest_size=8).hexdigest()


def worth_answering_edit(update: Update, context: BotContext) -> bool:
    """False for an edit that does not change the message's track numbers (or removes them).

    Every private message's numbers are remembered (as a digest, for the last few messages of
    the chat), so an edit is answered only when it names a different number, and only once.
    """
    message = update.message or update.edited_message
    if message is None or context.chat_data is None:
        return True
    key = _numbers_key(message.text or message.caption or "")
    memory: dict[str, str] = context.chat_data.setdefault(_EDIT_KEY, {})
    message_id = str(message.message_id)
    if update.edited_message is not None and (not key or memory.get(message_id) == key):
        return False
    memory.pop(message_id, None)
    memory[message_id] = key
    while len(memory) > EDIT_MEMORY:
        del memory[next(iter(memory))]
    return True


# ----------------------------------------------------------------- groups


def _addressed(message: Message, username: str, bot_id: int) -> tuple[bool, str | None]:
    """(addressed to this bot, the command name if it is a command)."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            command = message.parse_entity(entity)[1:]
            name, _at, target = command.partition("@")
            if target and target.lower() != username.lower():
                return False, None  # another bot's command
            return True, name.lower()
        if (
            entity.type == MessageEntity.MENTION
            and message.parse_entity(entity)[1:].lower() == username.lower()
        ):
            return True, None
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True, None
    reply = message.reply_to_message
    if reply is not None and reply.from_user is not None and reply.from_user.id == bot_id:
        return True, None
    return bool(text) and f"@{username.lower()}" in text.lower(), None


def _private_chat_button(username: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("💬 Open a private chat"), url=f"https://t.me/{username}")]]
    )


def group_intro() -> str:
    return "\n".join(
        (
            _("📦 I help buyers whose AliExpress parcels are untracked or stuck."),
            _(
                "Mention me with a track number here and I explain it. Your parcels, advice and "
                "disputes stay private: talk to me in a private chat."
            ),
        )
    )


def group_private_only() -> str:
    return _(
        "🔒 That is about your own parcels, so I answer it only in a private chat with you, "
        "never in a group."
    )


async def in_group(update: Update, context: BotContext) -> None:
    """A group or supergroup: answer only what is addressed to the bot, publicly safe."""
    user = update.effective_user
    assert user is not None  # checked by the entry guard
    profile = await context.services.storage.users.get(user.id)
    fallback = context.services.settings.default_language
    set_language(profile.language if profile else normalize_language(user.language_code, fallback))
    username = context.bot.username
    if update.callback_query is not None:
        # Our group answers carry no callback buttons: this one is stale or crafted.
        await update.callback_query.answer(
            _("Parcels are private: open a private chat with me."), show_alert=True
        )
        return
    message = update.message
    if message is None:  # edits in groups are never answered
        return
    addressed, command = _addressed(message, username, context.bot.id)
    if not addressed:
        return
    markup = _private_chat_button(username)
    if command is not None:
        text = group_intro() if command in _INTRO_COMMANDS else group_private_only()
        await send_html(update, context, text, markup)
        return
    found = find_numbers(message.text or "")
    if found.items:
        # Only what the sender wrote here in public: no price, no parcel of theirs, no buttons.
        await send_html(update, context, "\n\n".join(render_chat(found, price_usd=None)))
        return
    await send_html(update, context, group_intro(), markup)
