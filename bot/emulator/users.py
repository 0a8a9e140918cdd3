"""Simulated Telegram users: they write to the bot, press its buttons and read its replies."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from bot.emulator.models import CallbackAnswer, StoredMessage

if TYPE_CHECKING:
    from bot.emulator.server import BotApiEmulator, ChatState

__all__ = ["SimulatedUser"]

JsonDict = dict[str, Any]


class SimulatedUser:
    """A user in a private chat with the bot (chat id = user id).

    `send` and `press` return once the bot has settled (see BotApiEmulator.settle), with the
    messages the bot sent to this chat meanwhile.
    """

    def __init__(
        self,
        emulator: BotApiEmulator,
        *,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        self.emulator = emulator
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        """When true, sending to this chat answers 403 "Forbidden: bot was blocked by the user"."""
        self.callback_answers: list[CallbackAnswer] = []

    # ----------------------------------------------------------------- identity

    @property
    def chat_id(self) -> int:
        return self.id

    @property
    def user_dict(self) -> JsonDict:
        """The User object as Telegram sends it in updates."""
        user: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    @property
    def chat_dict(self) -> JsonDict:
        chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    @property
    def _chat(self) -> ChatState:
        return self.emulator.chat(self.id)

    # ----------------------------------------------------------------- actions

    async def send(
        self, text: str, *, reply_to: StoredMessage | int | None = None
    ) -> list[StoredMessage]:
        """Write `text` to the bot; returns the bot messages sent to this chat meanwhile."""
        return await self._write(self._chat, text, reply_to)

    async def send_in(
        self,
        chat_id: int,
        text: str,
        *,
        reply_to: StoredMessage | int | None = None,
        title: str | None = None,
    ) -> list[StoredMessage]:
        """Write `text` in the group or supergroup `chat_id` (negative; -100... is a
        supergroup), created on first use; returns the bot messages sent to that group
        meanwhile. ``@username`` of the bot in `text` is marked as a mention, as clients do."""
        return await self._write(self.emulator.group(chat_id, title=title), text, reply_to)

    async def _write(
        self, chat: ChatState, text: str, reply_to: StoredMessage | int | None
    ) -> list[StoredMessage]:
        mark = chat.last_message_id
        message = StoredMessage(
            chat=chat.info,
            message_id=chat.next_message_id(),
            date=int(time.time()),
            sender=self.user_dict,
            from_bot=False,
            text=text,
            entities=_entities(text),
        )
        if reply_to is not None:
            target_id = reply_to if isinstance(reply_to, int) else reply_to.message_id
            message.reply_to = chat.find(target_id)
            if message.reply_to is None:
                raise AssertionError(f"cannot reply to message {target_id}: not in the chat")
        chat.messages.append(message)
        chat.transcript.append(
            f"{self.first_name}: {text}" if chat.id != self.id else f"user: {text}"
        )
        update_id = self.emulator.enqueue_update({"message": message.raw})
        await self.emulator.settle(update_id, f"{self.first_name} sending {text!r}")
        return [m for m in chat.bot_messages() if m.message_id > mark]

    async def edit(
        self, message_id: int, text: str, *, chat_id: int | None = None
    ) -> list[StoredMessage]:
        """Edit this user's message `message_id` (in the private chat, or in `chat_id`) to
        `text`, as Telegram reports it (an edited_message update); returns the bot messages
        sent to that chat meanwhile."""
        chat = self._chat if chat_id is None else self.emulator.chat(chat_id)
        message = chat.find(message_id)
        if message is None or message.from_bot or message.sender.get("id") != self.id:
            raise AssertionError(f"{self.first_name} has no message #{message_id} to edit")
        mark = chat.last_message_id
        message.history.append(message.text)
        message.text, message.entities = text, _entities(text)
        message.edit_date = int(time.time())
        chat.transcript.append(f"{self.first_name} edited #{message_id}: {text}")
        update_id = self.emulator.enqueue_update({"edited_message": message.raw})
        await self.emulator.settle(update_id, f"{self.first_name} editing #{message_id}")
        return [m for m in chat.bot_messages() if m.message_id > mark]

    @property
    def last_sent_id(self) -> int:
        """Id of this user's newest message in the private chat."""
        mine = [m for m in self._chat.messages if not m.from_bot]
        if not mine:
            raise AssertionError(f"{self.first_name} has not written yet")
        return mine[-1].message_id

    async def set_blocked(self, blocked: bool) -> None:
        """Block (or unblock) the bot as a client does: sending to this chat then answers 403,
        and the bot gets a my_chat_member update (status "kicked", or "member" again)."""
        self.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        bot = self.emulator.bot_user
        update_id = self.emulator.enqueue_update(
            {
                "my_chat_member": {
                    "chat": self.chat_dict,
                    "from": self.user_dict,
                    "date": int(time.time()),
                    "old_chat_member": {"user": bot, "status": old}
                    | ({} if blocked else {"until_date": 0}),
                    # Telegram sends until_date 0 ("forever") for a bot blocked by a user.
                    "new_chat_member": {"user": bot, "status": new}
                    | ({"until_date": 0} if blocked else {}),
                }
            }
        )
        await self.emulator.settle(
            update_id, f"{self.first_name} {'blocking' if blocked else 'unblocking'} the bot"
        )

    async def press(self, label: str) -> list[StoredMessage]:
        """Press the inline button labelled `label` (exact match, else a unique substring) on
        the newest bot message in this chat that has one."""
        message, button = self._find_button(label)
        return await self._press(message, button)

    async def press_index(self, n: int) -> list[StoredMessage]:
        """Press the n-th button (counting from 1, row by row) of the newest inline keyboard."""
        if n < 1:
            raise AssertionError(f"press_index counts buttons from 1, got {n}")
        for message in reversed(self.messages):
            flat = [button for row in message.inline_keyboard for button in row]
            if flat:
                if n > len(flat):
                    raise AssertionError(
                        f"message #{message.message_id} has {len(flat)} buttons, "
                        f"cannot press number {n}: {message.buttons}"
                    )
                return await self._press(message, flat[n - 1])
        raise AssertionError(f"no bot message with an inline keyboard\n{self.transcript}")

    def _find_button(self, label: str) -> tuple[StoredMessage, JsonDict]:
        messages = list(reversed(self.messages))
        for message in messages:
            for row in message.inline_keyboard:
                for button in row:
                    if button.get("text") == label:
                        return message, button
        for message in messages:
            found = [
                button
                for row in message.inline_keyboard
                for button in row
                if label in str(button.get("text", ""))
            ]
            if len(found) == 1:
                return message, found[0]
            if found:
                labels = [b.get("text") for b in found]
                raise AssertionError(
                    f"{label!r} matches several buttons on message #{message.message_id}: {labels}"
                )
        raise AssertionError(f"no button {label!r} in this chat\n{self.transcript}")

    async def press_data(self, message: StoredMessage, data: str) -> list[StoredMessage]:
        """Send a crafted callback query with `data` from `message`, as a tampered client could
        (e.g. another user's parcel id): the bot must refuse it politely."""
        return await self._press(message, {"text": f"<crafted {data}>", "callback_data": data})

    async def _press(self, message: StoredMessage, button: JsonDict) -> list[StoredMessage]:
        data = button.get("callback_data")
        if data is None:
            raise AssertionError(
                f"button {button.get('text')!r} is not a callback button: {button}"
            )
        mark = self._chat.last_message_id
        query_id = self.emulator.register_callback_query(self.id)
        update = {
            "callback_query": {
                "id": query_id,
                "from": self.user_dict,
                "message": message.raw,
                "chat_instance": str(-(self.id * 7919 + 17)),
                "data": data,
            }
        }
        self._chat.transcript.append(
            f"user pressed [{button.get('text')}] on #{message.message_id}"
        )
        update_id = self.emulator.enqueue_update(update)
        await self.emulator.settle(update_id, f"{self.first_name} pressing {button.get('text')!r}")
        return self.replies_since(mark)

    # ----------------------------------------------------------------- reading

    def mark(self) -> int:
        """A position in the chat; pass it to replies_since."""
        return self._chat.last_message_id

    def replies_since(self, mark: int) -> list[StoredMessage]:
        return [m for m in self.messages if m.message_id > mark]

    def last_reply(self) -> StoredMessage:
        messages = self.messages
        if not messages:
            raise AssertionError(f"the bot has not written to {self.first_name} yet")
        return messages[-1]

    @property
    def messages(self) -> list[StoredMessage]:
        """Bot messages in this chat, oldest first, as they are now (edits applied)."""
        return self._chat.bot_messages()

    @property
    def last_callback_answer(self) -> CallbackAnswer | None:
        return self.callback_answers[-1] if self.callback_answers else None

    @property
    def transcript(self) -> str:
        return "\n".join(self._chat.transcript)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_MENTION = re.compile(r"@[A-Za-z0-9_]{5,32}")


def _entities(text: str) -> list[JsonDict]:
    """The entities a client marks: a command at the start, @username mentions after it."""
    entities: list[JsonDict] = []
    command_end = 0
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        command_end = len(command)
        entities.append({"type": "bot_command", "offset": 0, "length": _utf16(command)})
    for match in _MENTION.finditer(text, command_end):
        offset, length = _utf16(text[: match.start()]), _utf16(match.group())
        entities.append({"type": "mention", "offset": offset, "length": length})
    return entities
