"""bot/updates.py on its own: the order keys, the per-key order, the cap on updates in flight."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from telegram import CallbackQuery, Chat, Message, Update, User

from bot.updates import ChatOrderedProcessor, UpdateQueue, order_keys

WHEN = datetime(2026, 12, 2, tzinfo=UTC)


def _message(update_id: int, chat_id: int, user_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE if chat_id == user_id else Chat.GROUP)
    user = User(user_id, "U", is_bot=False)
    return Update(update_id, message=Message(update_id, WHEN, chat, from_user=user, text="hi"))


def _press(update_id: int, chat_id: int, user_id: int) -> Update:
    chat = Chat(chat_id, Chat.GROUP)
    user = User(user_id, "U", is_bot=False)
    message = Message(1, WHEN, chat, text="menu")
    query = CallbackQuery(str(update_id), user, "ci", message=message, data="x")
    return Update(update_id, callback_query=query)


def test_order_keys_name_the_chat_and_the_user() -> None:
    assert order_keys(_message(1, 5, 5)) == (("chat", 5), ("user", 5))
    assert order_keys(_press(2, -100, 7)) == (("chat", -100), ("user", 7))
    assert order_keys("not an update") == ()


async def _run(processor: ChatOrderedProcessor, update: object, log: list[str], name: str,
               gate: asyncio.Event | None = None) -> None:  # fmt: skip
    async def work() -> None:
        log.append(f"{name} start")
        if gate is not None:
            await gate.wait()
        log.append(f"{name} end")

    await processor.process_update(update, work())


async def test_same_chat_waits_other_chats_do_not() -> None:
    processor = ChatOrderedProcessor(8)
    log: list[str] = []
    gate = asyncio.Event()
    first = asyncio.create_task(_run(processor, _message(1, 1, 1), log, "a1", gate))
    second = asyncio.create_task(_run(processor, _message(2, 1, 1), log, "a2"))
    other = asyncio.create_task(_run(processor, _message(3, 2, 2), log, "b1"))
    # The same user pressing a button in a group waits for his private chat's update too.
    pressed = asyncio.create_task(_run(processor, _press(4, -100, 1), log, "a3"))
    await other
    assert log == ["a1 start", "b1 start", "b1 end"]
    assert processor.waiting_keys == 3  # chat 1, user 1, chat -100
    gate.set()
    await asyncio.gather(first, second, pressed)
    assert log[3:] == ["a1 end", "a2 start", "a2 end", "a3 start", "a3 end"]
    assert processor.waiting_keys == 0


async def test_a_cancelled_waiter_does_not_block_the_line() -> None:
    processor = ChatOrderedProcessor(8)
    log: list[str] = []
    gate = asyncio.Event()
    first = asyncio.create_task(_run(processor, _message(1, 1, 1), log, "a1", gate))
    second = asyncio.create_task(_run(processor, _message(2, 1, 1), log, "a2"))
    third = asyncio.create_task(_run(processor, _message(3, 1, 1), log, "a3"))
    await asyncio.sleep(0)
    second.cancel()
    gate.set()
    await first
    await third
    assert log == ["a1 start", "a1 end", "a3 start", "a3 end"]
    assert second.cancelled()


def test_processor_needs_room_for_two() -> None:
    with pytest.raises(ValueError):
        ChatOrderedProcessor(1)


async def test_update_queue_is_bounded_and_hands_out_at_most_limit() -> None:
    queue = UpdateQueue(limit=2)
    queue.put_nowait("a")
    queue.put_nowait("b")
    with pytest.raises(asyncio.QueueFull):  # the Updater's put waits: updates stay at Telegram
        queue.put_nowait("c")
    assert await queue.get() == "a"
    assert await queue.get() == "b"
    queue.put_nowait("c")
    third = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0.01)
    assert not third.done() and queue.in_flight == 2
    queue.task_done()
    assert await third == "c"
    assert queue.in_flight == 2
    queue.task_done()
    queue.task_done()
    await asyncio.wait_for(queue.join(), 1)
    assert queue.in_flight == 0
