"""Hostile messages (issue 14, item 5): random updates of every kind from many users, through
the Bot API emulator to the real Application. Counted: tracebacks, unanswered private messages,
Bot API errors, replies in channels, replies over Telegram's limits (UTF-16 after entity parsing).
"""

from __future__ import annotations

import logging

import pytest

from bot.emulator import utf16_len
from tests.support import soak
from tests.support.app import BotHarness
from tests.support.hostile import HostileInput

OOPS = "Something went wrong"
GROUPS = (-1001234567890, -4242, -1005555555555)
CHANNELS = (-1009876543210, -1007777777777)


@pytest.mark.parametrize("n", [soak.sized(160, 10_000)])
async def test_hostile_messages(bot: BotHarness, caplog: pytest.LogCaptureFixture, n: int) -> None:
    caplog.set_level(logging.WARNING)
    emu = bot.emulator
    rng = soak.seeded("hostile")
    people = soak.sized(40, 400)
    users = [
        bot.user(5000 + i, language_code=rng.choice(("en", "ru", None, "zh-hans")))
        for i in range(people)
    ]
    for gid in GROUPS:
        emu.group(gid)
    for cid in CHANNELS:
        emu.channel(cid)
    hostile = HostileInput(emu, rng, users, list(GROUPS), list(CHANNELS))
    tally = soak.Tally("hostile_messages")
    batch = min(25, people)
    while tally.inputs < n:
        size = min(batch, n - tally.inputs)
        last, expecting = hostile.batch(size)
        tally.inputs += size
        await emu.settle(last, f"a batch of {size} hostile updates")
        for sent in expecting:
            chat = emu.chat(sent.chat_id)
            answers = [m for m in chat.bot_messages() if m.message_id > sent.message_id]
            if not answers:
                tally.lost += 1
                tally.notes.append(f"unanswered in {sent.chat_id}: {sent.text[:60]!r}")
            elif any(OOPS in m.text for m in answers):
                tally.fail(f"'{OOPS}' for {sent.text[:60]!r}")

    for record in soak.error_records(caplog.records):
        tally.fail(f"logged: {record.getMessage()[:200]}")
    for error in emu.api_errors:
        tally.fail(f"Bot API error: {error[:200]}")
    for cid in CHANNELS:
        for message in emu.chat(cid).bot_messages():
            tally.fail(f"wrote into channel {cid}: {message.text[:80]!r}")
    for chat in emu.chats.values():
        for message in chat.bot_messages():
            limit = 1024 if message.photo or message.document else 4096
            if utf16_len(message.text) > limit:
                tally.fail(f"over the limit in {chat.id}: {utf16_len(message.text)} units")
    tally.report()
    assert tally.clean, (tally.line, hostile.counts, tally.notes)
    # Every kind of input was there (a generator that stopped producing one would pass vacuously).
    kinds = {"private text", "private media", "group message", "channel post", "other update"}
    assert kinds <= hostile.counts.keys(), hostile.counts
