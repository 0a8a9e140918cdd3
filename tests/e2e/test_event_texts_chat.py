"""Events in the reader's language end to end: fake Cainiao → watcher → outbox → push, card and
timeline, for every Cainiao action code the client maps (a new code without a text fails)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from bot.i18n import translate
from bot.tracking import cainiao
from bot.tracking.event_texts import event_msgid
from tests.fakes.tracking_servers import FakeEvent

if TYPE_CHECKING:
    from tests.support.tracking import TrackedBot

NUMBER = "LP00068434402473"
HANDOVER = "preMainCode:SINOA00241668IL"


def russian(code: str) -> str:
    msgid = event_msgid(cainiao.NAME, code)
    assert msgid is not None, f"Cainiao code {code} has no text"
    return translate(msgid, "ru")


async def test_russian_user_reads_every_cainiao_event_in_russian(tracked: TrackedBot) -> None:
    t = tracked
    codes = list(cainiao.ACTION_CODES)
    user = await t.user(3001, language="ru")
    parcel = await t.add_parcel(user.id, NUMBER)
    start = t.bot.clock.now()
    first, rest = codes[0], codes[1:]
    t.cainiao.set_events(NUMBER, [FakeEvent(start - timedelta(hours=1), f"STD {first}", first)])
    await t.tick()
    push = user.messages[-1].text or ""
    assert russian(first) in push and f"STD {first}" not in push

    # Five new events a check (what one push shows), until every code has been pushed.
    for i in range(0, len(rest), 5):
        now = t.bot.clock.advance(hours=9)
        batch = rest[i : i + 5]
        for j, code in enumerate(batch):
            words = HANDOVER if code == "LH_HO_IN_SUCCESS" else ""
            when = now - timedelta(minutes=50 - j)
            t.cainiao.add_event(NUMBER, FakeEvent(when, f"STD {code}", code, carrier_text=words))
        mark = user.mark()
        stats, sent = await t.tick()
        assert stats.new_events == len(batch) and sent.sent == 1
        (push_message,) = user.replies_since(mark)
        push = push_message.text or ""
        for code in batch:
            assert russian(code) in push, (code, push)
            assert f"STD {code}" not in push  # Cainiao's standard English is replaced
        if "LH_HO_IN_SUCCESS" in batch:
            assert HANDOVER in push  # the carrier's words beneath: the number at the next carrier

    last = rest[-1]
    await user.send("/list")
    await user.press_index(1)
    card_message = user.last_reply()
    card = card_message.text or ""
    assert "Последнее событие: " in card and russian(last) in card, card

    await user.press("🕓 История")
    # The timeline takes the card's place, or comes as several messages when it is long.
    shown = [m for m in user.messages if m.from_bot and m.message_id >= card_message.message_id]
    timeline = "\n".join(m.text or "" for m in shown)
    for code in codes:
        assert russian(code) in timeline, code
        assert f"STD {code}" not in timeline
    assert f"↳ {HANDOVER}" in timeline
    stored = await t.bot.services.storage.events.timeline(parcel.id)
    assert any(e.detail == HANDOVER for e in stored)  # the carrier's words are kept (schema 2)
