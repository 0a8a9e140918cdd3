"""The test API of the emulator: simulated users, groups and channels, injected failures,
recorded calls and settling (waiting until the bot has finished reacting to an update)."""

from __future__ import annotations

import asyncio
import json
import time
from http import HTTPStatus

from bot.emulator.models import FailureRule, StoredMessage
from bot.emulator.state import DEFAULT_DESCRIPTIONS, ChatState, EmulatorState, JsonDict, group_info
from bot.emulator.users import SimulatedUser

__all__ = ["EmulatorControls"]


class EmulatorControls(EmulatorState):
    """What tests and the local chat call on a BotApiEmulator to play the Telegram side."""

    def user(
        self,
        *,
        user_id: int = 1001,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
    ) -> SimulatedUser:
        """The simulated user with this id (created on first use); its private chat id = user_id."""
        user = self.users.get(user_id)
        if user is None:
            user = SimulatedUser(
                self,
                user_id=user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
            self.users[user_id] = user
            existing = self.chats.get(user_id)
            if existing is None:
                self.chats[user_id] = ChatState(info=user.chat_dict)
            else:
                existing.info = user.chat_dict
        return user

    def fail_next(
        self,
        method: str,
        *,
        status: int | None = 429,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: int | str | None = None,
        times: int = 1,
        delay: float = 0.0,
    ) -> FailureRule:
        """Make the next `times` calls of `method` ("*" = any) fail like Telegram would.

        status 429 answers "Too Many Requests: retry after N" with parameters.retry_after
        (default 1); 403 "Forbidden: bot was blocked by the user"; 400 "Bad Request: chat not
        found"; 500/502 server errors; any other status with `description`. `delay` seconds are
        waited before answering; status=None only delays. With `chat_id` only calls for that
        chat match.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            elif status is None:
                description = ""
            else:
                description = DEFAULT_DESCRIPTIONS.get(status) or HTTPStatus(status).phrase
        rule = FailureRule(
            method=method.lower(),
            status=status,
            description=description,
            retry_after=retry_after,
            chat_id=chat_id,
            times=times,
            delay=delay,
        )
        self.failures.append(rule)
        return rule

    def delay_next(
        self, method: str, seconds: float, *, chat_id: int | str | None = None, times: int = 1
    ) -> FailureRule:
        """Answer the next `times` calls of `method` normally but only after `seconds`."""
        return self.fail_next(method, status=None, chat_id=chat_id, times=times, delay=seconds)

    def clear_failures(self) -> None:
        self.failures.clear()

    def calls(self, method: str) -> list[JsonDict]:
        """Decoded params of every recorded call of `method` (case-insensitive)."""
        return [r.params for r in self.requests if r.method.lower() == method.lower()]

    def get_commands(
        self, scope: str | JsonDict | None = None, language_code: str = ""
    ) -> list[JsonDict] | None:
        """Commands set for a scope ("default", "all_private_chats", or a scope dict)."""
        if scope is None:
            scope = "default"
        if isinstance(scope, str):
            scope = {"type": scope}
        return self.my_commands.get((json.dumps(scope, sort_keys=True), language_code))

    def group(self, chat_id: int, *, title: str | None = None) -> ChatState:
        """The group (or, for an id starting -100, supergroup) `chat_id`, created on first use."""
        if chat_id >= 0:
            raise ValueError(f"group and channel ids are negative, not {chat_id}")
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = ChatState(info=group_info(chat_id, title))
        return chat

    def channel(self, chat_id: int, *, title: str | None = None) -> ChatState:
        """The channel `chat_id` (negative), created on first use."""
        chat = self.chats.get(chat_id)
        if chat is None:
            if chat_id >= 0:
                raise ValueError(f"channel ids are negative, not {chat_id}")
            info: JsonDict = {
                "id": chat_id,
                "type": "channel",
                "title": title or f"Channel {chat_id}",
            }
            chat = self.chats[chat_id] = ChatState(info=info)
        return chat

    async def post_in_channel(
        self, chat_id: int, text: str, *, edit: int | None = None
    ) -> list[StoredMessage]:
        """A post in channel `chat_id` (a channel_post update; with `edit`, that post edited:
        an edited_channel_post). Channel posts have no sender, only sender_chat. Returns the bot
        messages sent to the channel meanwhile."""
        chat = self.channel(chat_id)
        mark = chat.last_message_id
        if edit is None:
            message_id, kind = chat.next_message_id(), "channel_post"
        else:
            message_id, kind = edit, "edited_channel_post"
        post: JsonDict = {
            "message_id": message_id,
            "sender_chat": dict(chat.info),
            "chat": dict(chat.info),
            "date": int(time.time()),
            "text": text,
        }
        if edit is not None:
            post["edit_date"] = int(time.time())
        chat.transcript.append(f"channel: {text}")
        await self.deliver({kind: post}, f"a {kind} in {chat_id}")
        return [m for m in chat.bot_messages() if m.message_id > mark]

    async def deliver(self, update: JsonDict, what: str = "an update") -> int:
        """Queue any raw update (without update_id) and wait until the bot has settled."""
        update_id = self.enqueue_update(update)
        await self.settle(update_id, what)
        return update_id

    def enqueue_update(self, update: JsonDict) -> int:
        """Queue an update (update_id is assigned) for getUpdates or webhook delivery."""
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, **update}
        self._pending.append(update)
        self._acks[self._last_update_id] = asyncio.Event()
        self._wake()
        return self._last_update_id

    @property
    def pending_updates(self) -> list[JsonDict]:
        return list(self._pending)

    async def settle(self, update_id: int | None = None, what: str = "settle()") -> None:
        """Wait for the acknowledgement of `update_id`, then settle_hook, then a quiet period.

        Raises AssertionError naming the stage that did not finish within settle_timeout.
        """
        stage = what
        try:
            async with asyncio.timeout(self.settle_timeout):
                if update_id is not None and update_id in self._acks:
                    stage = (
                        f"the bot to acknowledge update {update_id} ({what}): a getUpdates "
                        f"with offset > {update_id} or the webhook answering it"
                    )
                    await self._acks[update_id].wait()
                    del self._acks[update_id]
                if self.settle_hook is not None:
                    stage = f"settle_hook to return after {what}"
                    await self.settle_hook()
                stage = (
                    f"{self.quiet_period * 1000:.0f} ms without bot requests after {what} "
                    f"({self._inflight} request(s) in flight)"
                )
                await self._quiet()
        except TimeoutError:
            raise AssertionError(
                f"BotApiEmulator: timed out after {self.settle_timeout} s waiting for {stage}"
            ) from None

    async def _quiet(self) -> None:
        while True:
            if self._inflight == 0:
                idle = time.monotonic() - self._last_activity
                if idle >= self.quiet_period:
                    return
                await asyncio.sleep(self.quiet_period - idle)
            else:
                await asyncio.sleep(max(self.quiet_period / 3, 0.002))

    def register_callback_query(self, user_id: int) -> str:
        self._last_query_id += 1
        query_id = str(4_000_000_000 + self._last_query_id)
        self._callback_queries[query_id] = user_id
        return query_id

    @property
    def unanswered_callback_queries(self) -> list[str]:
        return list(self._callback_queries)

    # ----------------------------------------------------------------- bulk input (reliability)

    def queue_message(
        self,
        chat_id: int,
        text: str = "",
        *,
        sender: JsonDict | None = None,
        edit: int | None = None,
        extra: JsonDict | None = None,
    ) -> int:
        """Queue a message in chat `chat_id` (with `edit`: that message edited) without waiting
        for the bot, so many inputs go out at once and one `settle()` waits for them all.

        `sender` is the User object (None in a channel, where Telegram sends only sender_chat);
        a text starting with "/" gets its bot_command entity as clients mark it; `extra` fields
        (media, forward_origin, reply_to_message, entities ...) go into the Message as given.
        Returns the update id."""
        from bot.emulator.users import _entities  # the same marking SimulatedUser does

        chat = self.chat(chat_id)
        channel = chat.info.get("type") == "channel"
        now = int(time.time())
        if edit is None:
            message_id = chat.next_message_id()
            chat.messages.append(
                StoredMessage(
                    chat=chat.info,
                    message_id=message_id,
                    date=now,
                    sender=sender or {},
                    from_bot=False,
                    text=text,
                )
            )
        else:
            message_id = edit
        raw: JsonDict = {"message_id": message_id, "chat": dict(chat.info), "date": now}
        if sender is not None:
            raw["from"] = dict(sender)
        if channel:
            raw["sender_chat"] = dict(chat.info)
        if text:
            raw["text"] = text
            entities = _entities(text)
            if entities:
                raw["entities"] = entities
        if edit is not None:
            raw["edit_date"] = now
        raw |= extra or {}
        kind = ("edited_" if edit is not None else "") + ("channel_post" if channel else "message")
        chat.transcript.append(f"queued {kind}: {text[:80]!r}")
        return self.enqueue_update({kind: raw})

    def queue_press(self, user: SimulatedUser, message: StoredMessage, data: str) -> int:
        """Queue a (possibly crafted) press of `data` on `message` by `user` without waiting;
        `unanswered_callback_queries` tells afterwards whether every press was answered."""
        query_id = self.register_callback_query(user.id)
        update = {
            "callback_query": {
                "id": query_id,
                "from": user.user_dict,
                "message": message.raw,
                "chat_instance": str(-(user.id * 7919 + 17)),
                "data": data,
            }
        }
        return self.enqueue_update(update)

    @property
    def api_errors(self) -> list[str]:
        """Every error the Bot API answered for a chat ("!! method failed: description"), as the
        chats' transcripts record them, injected failures included."""
        return [
            f"{chat_id}: {line}"
            for chat_id, chat in self.chats.items()
            for line in chat.transcript
            if line.startswith("!! ")
        ]
