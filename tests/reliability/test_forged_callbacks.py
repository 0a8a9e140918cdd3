"""Forged button presses (issue 14, item 5): crafted callback data for every button family, from
attackers who know other users' parcel ids, and stale buttons pressed after /forgetme. Counted:
foreign rows changed, foreign data shown, tracebacks, presses left unanswered (a spinning button).
"""

from __future__ import annotations

import logging

import pytest

from bot.emulator import BOT_USERNAME
from bot.emulator.users import SimulatedUser
from bot.ui.buttons import PrivacyForget, YesNo
from tests.support import soak
from tests.support.app import BotHarness
from tests.support.forged import families, forge, garbage, snapshot

GROUP = -1001234567890


def _buttons(user: SimulatedUser) -> list[str]:
    return [
        str(button["callback_data"])
        for message in user.messages
        for row in message.inline_keyboard
        for button in row
        if "callback_data" in button
    ]


@pytest.mark.parametrize("n", [soak.sized(120, 2_000)])
async def test_forged_callbacks(bot: BotHarness, caplog: pytest.LogCaptureFixture, n: int) -> None:
    caplog.set_level(logging.WARNING)
    emu, rng = bot.emulator, soak.seeded("forged")
    storage = bot.services.storage
    tally = soak.Tally("forged_callbacks")

    # Victims use the bot; their rows and chats must come out of the attack untouched.
    victims = [bot.user(7000 + i, first_name=f"Victim{i}") for i in range(soak.sized(3, 12))]
    victim_numbers: list[str] = []
    for victim in victims:
        for k in range(2):
            number = f"LP{victim.id:010d}{k:04d}"
            victim_numbers.append(number)
            await victim.send(f"/add {number} Secret{victim.id}x{k}")
        await victim.send("/list")
    # A client picks the data, not the message: Telegram attaches the message the button was
    # on, in the presser's own chat. The one shared place is a group: presses there go on the
    # bot's message a victim asked for.
    await victims[0].send_in(GROUP, f"/help@{BOT_USERNAME}")
    group_messages = emu.chat(GROUP).bot_messages()
    assert group_messages
    victim_ids = {v.id for v in victims}
    parcels = {p.id for v in victims for p in await storage.parcels.list_for_user(v.id)}
    assert len(parcels) == 2 * len(victims)
    foreign = sorted(parcels)
    # ptb keeps user data in memory and writes it at intervals: write it now, so the snapshot
    # holds the victims' state rather than a flush of it arriving later.
    await bot.app.update_persistence()
    before = snapshot(bot.settings.db_path, victim_ids, parcels)
    victim_chats = {
        v.id: [(m.message_id, m.text, len(m.history)) for m in v.messages] for v in victims
    }

    attackers = [bot.user(8000 + i, first_name=f"Eve{i}") for i in range(soak.sized(10, 20))]
    for attacker in attackers:
        await attacker.send(f"/add LP{attacker.id:014d} mine")
        await attacker.send("/start")

    # Leavers: real buttons, then /forgetme; afterwards those buttons are stale.
    stale: list[tuple[SimulatedUser, str]] = []
    for i in range(soak.sized(2, 6)):
        leaver = bot.user(9000 + i, first_name=f"Leaver{i}")
        await leaver.send(f"/add LP{leaver.id:014d} gone")
        await leaver.send("/list")
        await leaver.press_index(1)
        await leaver.send("/settings")
        data = _buttons(leaver)
        await leaver.send("/forgetme")
        await leaver.press_data(leaver.last_reply(), PrivacyForget(YesNo.YES).pack())
        stale += [(leaver, d) for d in data]
    assert not await storage.parcels.list_for_user(9000)

    all_families = families()
    presses: list[tuple[SimulatedUser, str, bool]] = []
    while len(presses) < n:
        attacker = rng.choice(attackers)
        roll = rng.random()
        if len(presses) < len(all_families):  # every family at least once
            data = forge(rng, all_families[len(presses)], foreign, victim_numbers)
        elif roll < 0.85:
            data = forge(rng, rng.choice(all_families), foreign, victim_numbers)
        else:
            data = garbage(rng)
        presses.append((attacker, data, rng.random() < 0.05))
    presses += [(leaver, data, False) for leaver, data in stale]

    batch: list[tuple[SimulatedUser, str, bool]] = []
    for i, press in enumerate(presses):
        batch.append(press)
        if len(batch) < len(attackers) and i < len(presses) - 1:
            continue
        last = 0
        seen: set[int] = set()
        for user, data, in_group in batch:
            if user.id in seen:  # one press per user per batch: each settles in order
                await emu.settle(last, "forged presses")
                seen.clear()
            seen.add(user.id)
            target = rng.choice(group_messages) if in_group else user.last_reply()
            last = emu.queue_press(user, target, data)
        await emu.settle(last, f"{len(batch)} forged presses")
        tally.inputs += len(batch)
        batch = []

    # 0 foreign data: no victim row changed, nothing of a victim shown to anyone else, no victim
    # chat written to or edited.
    await bot.app.update_persistence()
    after = snapshot(bot.settings.db_path, victim_ids, parcels)
    for table in before:
        if before[table] != after.get(table):
            tally.fail(f"victim rows changed in {table}: {before[table]} -> {after.get(table)}")
    secrets = [*victim_numbers, *(f"Secret{v.id}" for v in victims)]
    for user in [*attackers, *(leaver for leaver, _d in stale)]:
        # A number the presser put into the data himself may come back ("Now watching ..."):
        # knowing a number is not someone's data; their parcel's name and state are.
        own = " ".join(data for presser, data, _g in presses if presser is user)
        for text in [m.text for m in user.messages]:
            for secret in secrets:
                if secret in text and secret not in own:
                    tally.fail(f"{secret} shown to {user.id}: {text[:80]!r}")
    for text in [m.text for m in emu.chat(GROUP).bot_messages()]:
        for secret in secrets:
            if secret in text:
                tally.fail(f"{secret} shown in the group: {text[:80]!r}")
    for answer in emu.callback_answers:
        for secret in secrets:
            if answer.text and secret in answer.text:
                tally.fail(f"{secret} in a callback answer: {answer.text!r}")
    for victim in victims:
        now = [(m.message_id, m.text, len(m.history)) for m in victim.messages]
        if now != victim_chats[victim.id]:
            old = victim_chats[victim.id]
            tally.fail(f"victim chat {victim.id} touched: {[x for x in now if x not in old]}")
    # 0 tracebacks, every press answered.
    for record in soak.error_records(caplog.records):
        tally.fail(f"logged: {record.getMessage()[:200]}")
    unanswered = emu.unanswered_callback_queries
    tally.lost = len(unanswered)
    tally.report()
    assert tally.clean, (tally.line, tally.notes[:20])
