"""Issue 14: hostile carrier data in pushes, from the fake 17TRACK through the real pass and sender.

The probe's 8 hostile events: 6 arrived, a push with a 10,200-character location was cut inside an
HTML entity and refused by Telegram (lost), the emoji-only one never arrived. Every one arrives
now: escaped, cut on a safe boundary, control and bidi characters dropped, an impossible time put
at the moment the bot saw the event and said so. An impossible future time also no longer stops
every later push (they had to be newer than it).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.emulator.models import StoredMessage
from tests.fakes.tracking_servers import FakeEvent
from tests.support.tracking import TrackedBot

UPS = "1Z999AA10123456784"  # not a Chinese shape: 17TRACK is asked first
FAMILY = "👨\u200d👩\u200d👧\u200d👦"


def _pushes(messages: list[StoredMessage]) -> list[str]:
    return [m.text or "" for m in messages if m.from_bot]


async def _first_push(t: TrackedBot, event: FakeEvent) -> str:
    t.track17.set_events(UPS, [event])
    user = await t.user()
    await t.add_parcel(user.id, UPS)
    _stats, sent = await t.tick()
    assert sent.sent == 1 and sent.failed == 0, sent
    (push,) = _pushes(user.messages)
    assert len(push) <= 4096
    return push


@pytest.mark.parametrize(
    ("location", "description", "shown", "hidden"),
    [
        ("<b>Hub</b> & co", "<script>alert(1)</script> &amp;", ["<b>Hub</b> & co", "<script>"], []),
        ("&" * 10_200, "Departed", ["&" * 199 + "…"], []),
        ("Sh\x00en\u202ezhen\x1b[31m", "Arr\u2066ived\x07 at\u202e hub",
         ["Shenzhen", "Arrived at hub"], ["\x00", "\u202e", "\x1b", "\u2066", "\x07"]),
        ("", FAMILY * 600, [FAMILY * 10], []),
    ],
)  # fmt: skip
async def test_hostile_carrier_text_arrives_escaped_and_cut(
    tracked: TrackedBot, location: str, description: str, shown: list[str], hidden: list[str]
) -> None:
    now = tracked.bot.clock.now()
    push = await _first_push(tracked, FakeEvent(now - timedelta(hours=2), description, "",
                                                 location=location))  # fmt: skip
    for words in shown:
        assert words in push, (words, push[:300])
    for char in hidden:
        assert char not in push


@pytest.mark.parametrize("when", ["future", "past"])
async def test_an_impossible_time_is_put_at_now_said_so_and_later_events_still_arrive(
    tracked: TrackedBot, when: str
) -> None:
    t = tracked
    now = t.bot.clock.now()
    wrong = now + timedelta(days=400) if when == "future" else datetime(1971, 1, 1, tzinfo=UTC)
    push = await _first_push(t, FakeEvent(wrong, "Departed the hub", "", location="Hub"))
    assert "cannot be right" in push and str(wrong.year) in push, push
    # A day later, a real event: it must be pushed, though it is older than the future one.
    later = t.bot.clock.advance(days=1)
    t.track17.add_event(UPS, FakeEvent(later - timedelta(hours=1), "Arrived at the depot", ""))
    user = t.bot.user()
    mark = user.mark()
    _stats, sent = await t.tick()
    assert sent.sent == 1, sent
    (second,) = _pushes(user.replies_since(mark))
    assert "Arrived at the depot" in second and "cannot be right" not in second
