"""Updates of different chats run concurrently, those of one chat in order (bot/updates.py).

The tracking source is a fake Cainiao held at a gate: a "Check now" stays inside its handler until
the test opens the gate, so "the other user was answered meanwhile" is a fact about order, not a
timing figure.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest_asyncio
from aiohttp import web

from bot.emulator import BotApiEmulator
from bot.emulator.models import StoredMessage
from bot.emulator.users import SimulatedUser
from bot.ui.userdata import UserData
from tests.fakes.tracking_servers import FakeCainiao
from tests.support.app import BotHarness
from tests.support.scenarios import letter_of, open_dispute_for

NUMBERS = [f"RR{n:08d}{c}CN" for n, c in ((12345678, 5), (12345679, 9))]


class GatedCainiao(FakeCainiao):
    """The fake Cainiao, but every answer waits until ``gate`` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.entered = asyncio.Event()

    async def _answer(self, request: web.Request, body: bytes) -> web.StreamResponse:
        self.entered.set()
        await self.gate.wait()
        return await super()._answer(request, body)


@pytest_asyncio.fixture
async def gated(
    emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[tuple[BotHarness, GatedCainiao]]:
    async with GatedCainiao() as cainiao:
        assert isinstance(cainiao, GatedCainiao)
        harness = BotHarness(emulator, tmp_path / "bot.db")
        harness.configure(cainiao_base_url=cainiao.url)
        await harness.start()
        try:
            yield harness, cainiao
        finally:
            cainiao.gate.set()
            await harness.stop()


LIVENESS = 8.0  # seconds: a bound for "eventually", generous for a loaded machine


async def _eventually(what: str, check: Callable[[], bool]) -> None:
    """Wait until ``check()`` holds (the emulator has no event for "a message arrived")."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LIVENESS
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.01)


def _started(action: Awaitable[Any]) -> asyncio.Task[Any]:
    """Run a SimulatedUser action in the background (it enqueues its update at once)."""
    return asyncio.ensure_future(action)


async def _card_with_check_button(bot: BotHarness, user: SimulatedUser) -> StoredMessage:
    replies = await user.send(f"/add {NUMBERS[0]}")
    card = replies[-1]
    assert card.button_data("🔄 Check now") is not None, card.buttons
    return card


async def test_a_slow_check_holds_up_only_its_own_chat(
    gated: tuple[BotHarness, GatedCainiao],
) -> None:
    bot, cainiao = gated
    slow, other = bot.user(1001, first_name="Slow"), bot.user(1002, first_name="Other")
    card = await _card_with_check_button(bot, slow)

    checking = _started(slow.press("Check now"))
    await _eventually("the check to reach the tracker", cainiao.entered.is_set)

    mark = other.mark()
    answered = _started(other.send(NUMBERS[1]))  # a pasted number: explained at once
    await _eventually("the other user's answer", lambda: bool(other.replies_since(mark)))
    assert NUMBERS[1] in other.replies_since(mark)[0].text
    assert not checking.done()
    assert slow.messages[-1].edit_date is None and "Checked just now" not in card.text

    cainiao.gate.set()
    await checking
    await answered
    assert "Checked just now" in slow.last_reply().text


async def test_one_chat_is_answered_in_order_behind_its_slow_check(
    gated: tuple[BotHarness, GatedCainiao],
) -> None:
    """The same user's next message waits for the check (plain concurrency would answer it
    first and then overwrite the view with the check's edit)."""
    bot, cainiao = gated
    user = bot.user(1001)
    await _card_with_check_button(bot, user)
    checking = _started(user.press("Check now"))
    await _eventually("the check to reach the tracker", cainiao.entered.is_set)
    mark = user.mark()
    helping = _started(user.send("/help"))
    await asyncio.sleep(0.3)  # time enough to answer /help, were it not held back
    assert user.replies_since(mark) == []
    cainiao.gate.set()
    await checking
    await helping
    transcript = user.transcript
    assert transcript.index("Checked just now") < transcript.rindex("/help")
    assert user.replies_since(mark), "no answer to /help"


async def test_interleaved_questions_and_answers_of_many_users(bot: BotHarness) -> None:
    """Every user presses a button that asks a question and answers it at once; the updates of
    all users are interleaved. Each answer must meet its own question (user_data written by the
    press, read by the answer), then survive a restart."""
    users = [bot.user(2000 + i, first_name=f"U{i}") for i in range(12)]
    for user in users:
        await user.send(f"/add {NUMBERS[0]}")
    presses = [_started(user.press("Rename")) for user in users]
    await asyncio.sleep(0)  # the presses are queued at the emulator before the answers
    answers = [_started(user.send(f"name of {user.first_name}")) for user in users]
    await asyncio.gather(*presses, *answers)

    storage = bot.services.storage
    for user in users:
        (parcel,) = await storage.parcels.list_for_user(user.id, active_only=False)
        assert parcel.nickname == f"name of {user.first_name}", user.transcript
        assert "Renamed" in user.last_reply().text
    before = {user.id: UserData.dump(bot.app.user_data[user.id]) for user in users}
    assert all(dump.get("pending") is None for dump in before.values())

    # Half of them are asked again and restart comes before they answer.
    waiting = users[::2]
    await asyncio.gather(*(user.press("Rename") for user in waiting))
    await bot.restart()
    for user in users:
        data = bot.app.user_data[user.id]
        if user in waiting:
            assert data.pending is not None and data.pending.kind == "rename"
        else:
            assert UserData.dump(data) == before[user.id]
    await asyncio.gather(*(user.send("after restart") for user in waiting))
    for user in waiting:
        (parcel,) = await bot.services.storage.parcels.list_for_user(user.id, active_only=False)
        assert parcel.nickname == "after restart"


async def test_a_rapid_burst_from_one_chat_is_answered_in_order(bot: BotHarness) -> None:
    user = bot.user(3001)
    other = bot.user(3002)
    texts = ["/help", "/language", "/help", "/list", "/help", "/language"]
    mark = user.mark()
    sent = [_started(user.send(text)) for text in texts]
    sent += [_started(other.send("/help"))]
    await asyncio.gather(*sent)
    replies = user.replies_since(mark)
    # One answer per message, in the order the messages were sent.
    first_words = {"/help": "What I can do", "/language": "Choose your language", "/list": "📦"}
    assert len(replies) == len(texts), user.transcript
    for reply, text in zip(replies, texts, strict=True):
        assert reply.text.startswith(first_words[text]), user.transcript


async def test_dispute_conversations_of_many_users_interleaved(bot: BotHarness) -> None:
    """The dispute is a persistent ConversationHandler, the handler ptb warns about under
    concurrency: each user's "Back" and typed amount arrive back to back, all users interleaved,
    and every letter carries its own user's amount, before and after a restart."""
    users = [bot.user(4000 + i, first_name=f"D{i}") for i in range(8)]
    for user in users:
        await open_dispute_for(bot, user)
        await user.press("Yes, but something is wrong")
        await user.press("Poor quality")
        await user.press("Keep it: partial refund")
        await user.press("Half of the order")

    async def amend(amounts: dict[int, str]) -> None:
        backs = [_started(user.press("Back")) for user in users]
        await asyncio.sleep(0)
        typed = [_started(user.send(amounts[user.id])) for user in users]
        await asyncio.gather(*backs, *typed)
        for user in users:
            assert f"partial refund of {amounts[user.id]} USD" in letter_of(user).text, (
                user.transcript
            )

    await amend({user.id: f"{i + 1}.50" for i, user in enumerate(users)})
    await bot.restart()
    await amend({user.id: f"{i + 11}.25" for i, user in enumerate(users)})
