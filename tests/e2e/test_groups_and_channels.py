"""Where the bot talks (issue 14): private pushes stay private, groups get only what is addressed
to the bot and nothing private, channels get nothing, edits are answered once per new number,
blocking pauses checks."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.emulator import BOT_USERNAME
from tests.fakes.tracking_servers import FakeEvent

if TYPE_CHECKING:
    from tests.support.app import BotHarness
    from tests.support.tracking import TrackedBot

NUMBER = "LP00068434402473"
GROUP = -1001234567890
CHANNEL = -1009876543210


async def test_private_pushes_never_go_to_a_group_the_user_wrote_in(tracked: TrackedBot) -> None:
    t = tracked
    now = t.bot.clock.now()
    t.cainiao.set_events(NUMBER, [FakeEvent(now - timedelta(days=2), "Departed", "SC_OUTBOUND")])
    user = t.bot.user(1001)
    await user.send("/start")
    parcel = await t.add_parcel(user.id, NUMBER, nickname="Privname Alpha")
    await user.send_in(GROUP, f"/help@{BOT_USERNAME}")
    await user.send_in(GROUP, f"@{BOT_USERNAME} hello")

    stored = await t.bot.services.storage.users.get(user.id)
    assert stored is not None and stored.chat_id == user.id

    mark = user.mark()
    _stats, sent = await t.tick()
    assert sent.sent == 1
    pushes = user.replies_since(mark)
    assert len(pushes) == 1 and "Privname Alpha" in pushes[0].text
    group_texts = [m.text for m in t.bot.emulator.chat(GROUP).bot_messages()]
    assert not any("Privname" in text or NUMBER in text for text in group_texts), group_texts
    assert parcel.id  # the parcel exists and was pushed about privately only


async def test_group_answers_only_what_is_addressed_to_the_bot(bot: BotHarness) -> None:
    ann = bot.user(1001)
    await ann.send("/add RB123456785CN")  # a parcel of hers, private
    # Not addressed: silence.
    assert await ann.send_in(GROUP, "hello everyone") == []
    assert await ann.send_in(GROUP, "my parcel RB123456785CN is stuck") == []
    assert await ann.send_in(GROUP, "/help@some_other_bot") == []
    # Addressed: a command, a mention, a reply to the bot.
    intro = await ann.send_in(GROUP, f"/help@{BOT_USERNAME}")
    assert len(intro) == 1 and "private chat" in intro[0].text
    assert intro[0].inline_keyboard[0][0]["url"] == f"https://t.me/{BOT_USERNAME}"
    listed = await ann.send_in(GROUP, "/list")
    assert len(listed) == 1 and "RB123456785CN" not in listed[0].text
    assert "only in a private chat" in listed[0].text
    explained = await ann.send_in(GROUP, f"@{BOT_USERNAME} what is RB123456785CN?")
    assert explained and "RB123456785CN" in explained[0].text
    assert all(not m.inline_keyboard for m in explained)  # no buttons into private features
    replied = await ann.send_in(GROUP, "and this?", reply_to=intro[0])
    assert len(replied) == 1
    # Nothing was written into her private chat by the group traffic, nothing about her
    # parcels into the group.
    group = bot.emulator.chat(GROUP).bot_messages()
    assert len(group) == 4
    assert all("Watching" not in m.text for m in group)


async def test_group_export_and_settings_stay_private(bot: BotHarness) -> None:
    ann = bot.user(1001)
    await ann.send("/start")
    for command in ("/export", "/settings", "/whatnow", "/forgetme", "/dispute", "/add LP1"):
        replies = await ann.send_in(GROUP, command)
        assert len(replies) == 1 and replies[0].document is None, command
        assert "only in a private chat" in replies[0].text, command
    assert bot.emulator.calls("sendDocument") == []
    # Forgetme in a group did nothing.
    assert await bot.services.storage.users.get(ann.id) is not None


async def test_channel_posts_and_edits_are_never_answered(bot: BotHarness) -> None:
    for text in ("RB123456785CN what now?", "/start", f"@{BOT_USERNAME} help", "hello"):
        assert await bot.emulator.post_in_channel(CHANNEL, text) == []
    assert await bot.emulator.post_in_channel(CHANNEL, "LP00068434402473", edit=1) == []
    assert bot.emulator.chat(CHANNEL).bot_messages() == []
    assert bot.emulator.calls("sendMessage") == []


async def test_edit_is_answered_once_and_only_for_a_new_number(bot: BotHarness) -> None:
    ann = bot.user(1001)
    await ann.send("/start")
    await ann.send("is RB123456785CN real?")
    first = ann.last_sent_id
    # Same number, other words: nothing.
    assert await ann.edit(first, "is RB123456785CN a real number?") == []
    # A different number: answered, once.
    answer = await ann.edit(first, "is LP00068434402473 real?")
    assert answer and "LP00068434402473" in answer[0].text
    assert await ann.edit(first, "is LP00068434402473 real??") == []
    # Numbers removed: nothing to say.
    assert await ann.edit(first, "never mind") == []
    # Plain text without numbers edited: silence too.
    await ann.send("thanks")
    assert await ann.edit(ann.last_sent_id, "thank you") == []


async def test_blocking_pauses_checks_and_unblocking_resumes(tracked: TrackedBot) -> None:
    t = tracked
    user = await t.user()
    await t.add_parcel(user.id, NUMBER)
    users = t.bot.services.storage.users
    await user.set_blocked(True)
    stored = await users.get(user.id)
    assert stored is not None and stored.is_blocked
    stats, _sent = await t.tick()
    assert stats.checked == 0  # paused
    await user.set_blocked(False)
    stored = await users.get(user.id)
    assert stored is not None and not stored.is_blocked
    stats, _sent = await t.tick()
    assert stats.checked == 1
