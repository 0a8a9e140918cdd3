"""Updates of different chats run concurrently, those of one chat in order (bot/updates.py).

The tracking source is a fake Cainiao held at a gate: a "Check now" stays unanswered until the test
opens the gate, so "the user was answered meanwhile" is a fact about order, not a timing figure.
"Check now" asks the tracker in the background (handlers/parcels/card.py), so the gate holds
neither other chats nor the user's own.
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
from tests.fakes.tracking_servers import Fail, FakeCainiao
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


async def test_a_slow_check_holds_up_nobody(gated: tuple[BotHarness, GatedCainiao]) -> None:
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
    assert "Checked just now" not in slow.transcript

    cainiao.gate.set()
    await checking
    await answered
    assert "Checked just now" in slow.last_reply().text
    assert slow.last_reply().message_id == card.message_id  # the card itself, edited


def _has_button(message: StoredMessage, label: str) -> bool:
    return any(label in text for row in message.buttons for text in row)


def _checking_card(user: SimulatedUser, card: StoredMessage) -> Callable[[], bool]:
    """The pressed card now says it is checking, without buttons to press meanwhile."""

    def check() -> bool:
        now = next(m for m in user.messages if m.message_id == card.message_id)
        return "Checking with the trackers" in now.text and not now.buttons

    return check


async def test_check_now_answers_at_once_and_the_same_chat_goes_on(
    gated: tuple[BotHarness, GatedCainiao],
) -> None:
    """ "Check now" answers "Checking…" at once and asks the tracker in the background: the same
    user's next message is answered while the check waits; the answer then replaces the card."""
    bot, cainiao = gated
    user = bot.user(1001)
    card = await _card_with_check_button(bot, user)
    checking = _started(user.press("Check now"))
    await _eventually("the check to reach the tracker", cainiao.entered.is_set)
    await _eventually("the toast", lambda: bool(bot.emulator.callback_answers))
    assert bot.emulator.callback_answers[-1].text == "Checking…"
    await _eventually("the checking card", _checking_card(user, card))

    mark = user.mark()
    helping = _started(user.send("/help"))
    await _eventually("the answer to /help", lambda: bool(user.replies_since(mark)))
    assert user.replies_since(mark)[0].text.startswith("What I can do")
    assert not checking.done() and "Checked just now" not in user.transcript

    cainiao.gate.set()
    await checking
    await helping
    edited = next(m for m in user.messages if m.message_id == card.message_id)
    assert "Checked just now" in edited.text and edited.edit_date is not None
    assert edited.button_data("🔄 Check now") is not None  # the card's buttons are back
    assert UserData.dump(bot.app.user_data[user.id])["checked"]  # the press limit held


@pytest_asyncio.fixture
async def impatient(
    emulator: BotApiEmulator, tmp_path: Path
) -> AsyncIterator[tuple[BotHarness, GatedCainiao]]:
    """The gated tracker with an interactive deadline a test can outlast."""
    async with GatedCainiao() as cainiao:
        assert isinstance(cainiao, GatedCainiao)
        harness = BotHarness(emulator, tmp_path / "bot.db")
        harness.configure(cainiao_base_url=cainiao.url, check_deadline_seconds=0.1)
        await harness.start()
        try:
            yield harness, cainiao
        finally:
            cainiao.gate.set()
            await harness.stop()


async def test_a_check_that_outlives_the_deadline_still_delivers(
    impatient: tuple[BotHarness, GatedCainiao],
) -> None:
    bot, cainiao = impatient
    user = bot.user(1001)
    card = await _card_with_check_button(bot, user)
    checking = _started(user.press("Check now"))

    def says_slow() -> bool:
        now = next(m for m in user.messages if m.message_id == card.message_id)
        return "The trackers are slow to answer" in now.text and not now.buttons

    await _eventually("the card to say the trackers are slow", says_slow)
    assert not checking.done()
    mark = user.mark()
    sending = _started(user.send(NUMBERS[1]))  # settles only once the check is over
    await _eventually("the next answer", lambda: bool(user.replies_since(mark)))
    assert NUMBERS[1] in user.replies_since(mark)[0].text

    cainiao.gate.set()
    await checking
    await sending
    edited = next(m for m in user.messages if m.message_id == card.message_id)
    assert "Checked just now" in edited.text and "slow to answer" not in edited.text
    assert edited.button_data("🔄 Check now") is not None


async def test_a_failed_check_is_reported_on_the_card(
    gated: tuple[BotHarness, GatedCainiao],
) -> None:
    bot, cainiao = gated
    user = bot.user(1001)
    card = await _card_with_check_button(bot, user)
    cainiao.fail_always(Fail.SERVER_ERROR)
    cainiao.gate.set()
    await user.press("Check now")
    edited = next(m for m in user.messages if m.message_id == card.message_id)
    assert "The trackers did not answer just now" in edited.text, user.transcript
    assert edited.button_data("🔄 Check now") is not None


async def test_when_the_card_cannot_be_edited_the_answer_comes_as_a_new_message(
    gated: tuple[BotHarness, GatedCainiao],
) -> None:
    bot, cainiao = gated
    user = bot.user(1001)
    card = await _card_with_check_button(bot, user)
    checking = _started(user.press("Check now"))
    await _eventually("the checking card", _checking_card(user, card))
    # Deleted by the user meanwhile, as far as Telegram is concerned.
    bot.emulator.fail_next(
        "editMessageText", status=400, description="Bad Request: message to edit not found"
    )
    cainiao.gate.set()
    await checking
    answer = user.last_reply()
    assert answer.message_id != card.message_id
    assert "Checked just now" in answer.text and _has_button(answer, "Check now")


async def test_a_parcel_deleted_during_its_check(gated: tuple[BotHarness, GatedCainiao]) -> None:
    bot, cainiao = gated
    user = bot.user(1001)
    card = await _card_with_check_button(bot, user)
    checking = _started(user.press("Check now"))
    await _eventually("the check to reach the tracker", cainiao.entered.is_set)
    listing = _started(user.send("/list"))
    await _eventually("the list", lambda: user.messages[-1].message_id != card.message_id)
    deleting = _started(user.press(NUMBERS[0]))
    await _eventually("the list's card", lambda: _has_button(user.messages[-1], "🗑 Delete"))
    asking = _started(user.press("🗑 Delete"))
    await _eventually("the question", lambda: _has_button(user.messages[-1], "Yes, delete it"))
    confirming = _started(user.press("Yes, delete it"))
    await _eventually("the deletion", lambda: "Deleted" in user.messages[-1].text)

    cainiao.gate.set()
    await asyncio.gather(checking, listing, deleting, asking, confirming)
    edited = next(m for m in user.messages if m.message_id == card.message_id)
    assert "Deleted" in edited.text and not edited.buttons, user.transcript
    assert "Traceback" not in user.transcript


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
            await user.press("I have none of these: next")  # the text comes after the evidence
            assert f"partial refund of {amounts[user.id]} USD" in letter_of(user).text, (
                user.transcript
            )
            await user.press("Back")  # at the evidence step again, as before

    await amend({user.id: f"{i + 1}.50" for i, user in enumerate(users)})
    await bot.restart()
    await amend({user.id: f"{i + 11}.25" for i, user in enumerate(users)})
