"""The card and /list end to end (issue 10, items 5 and 3): fake vendors → watcher → chat.

- When no tracker can be reached, the card and /list say so and since when, never "not found";
- a hand-over number in an event is shown on the card, one tap watches it too, and what the next
  carrier reports joins the same parcel: its timeline, its pushes, its "check now".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from bot.emulator.users import SimulatedUser
from bot.i18n import use_language
from bot.ui.parcel_views import moment
from tests.fakes.tracking_servers import Fail, FakeEvent

if TYPE_CHECKING:
    from tests.support.tracking import TrackedBot

NUMBER = "LP00068434402473"
NEXT = "SINOA00241668IL"


def trackers_down(t: TrackedBot) -> None:
    t.cainiao.fail_always(Fail.CAPTCHA)
    t.track17.fail_always(Fail.SERVER_ERROR)
    t.russianpost.fail_always(Fail.SERVER_ERROR)


def trackers_up(t: TrackedBot) -> None:
    for fake in (t.cainiao, t.track17, t.russianpost):
        fake.reset_failures()


def when(at: datetime, today: date) -> str:
    with use_language("en"):
        return moment(int(at.timestamp()), UTC, today)


async def open_card(user: SimulatedUser) -> str:
    await user.send("/list")
    await user.press_index(1)
    return user.last_reply().text or ""


async def test_card_and_list_tell_we_could_not_look_from_nothing_happened(
    tracked: TrackedBot,
) -> None:
    t = tracked
    clock = t.bot.clock
    user = await t.user()
    start = clock.now()
    t.cainiao.set_events(
        NUMBER, [FakeEvent(start - timedelta(days=2), "Departed", "SC_OUTBOUND_SUCCESS")]
    )
    await t.add_parcel(user.id, NUMBER, nickname="Lamp")
    trackers_down(t)
    stats, _ = await t.tick()
    assert stats.failed == 1
    since = when(start, start.date())

    await user.send("/list")
    listing = user.last_reply()
    assert f"Trackers not reachable since {since} for 1 parcel (marked 📡)" in (listing.text or "")
    assert listing.buttons[0] == ["📡 Lamp · no answer"]
    await user.press_index(1)
    card = user.last_reply().text or ""
    assert "Status: 📡 unknown" in card
    assert f"Trackers not reachable since {since}; last successful check: never." in card
    assert "Not checked yet" not in card and "not found" not in card

    # Still down an hour later: the same "since".
    clock.advance(hours=1)
    stats, _ = await t.tick()
    assert stats.failed == 1
    assert f"since {since}; last successful check: never." in await open_card(user)

    # Back: the card shows what the tracker said, and nothing about reach.
    trackers_up(t)
    answered = clock.advance(hours=2)
    stats, _ = await t.tick()
    assert stats.checked == 1
    card = await open_card(user)
    assert "not reachable" not in card and "Status: 🚚 in transit" in card

    # Down again the next day: the last known status stays, with the time it was told.
    trackers_down(t)
    failed = clock.advance(days=1)
    stats, _ = await t.tick()
    assert stats.failed == 1
    card = await open_card(user)
    today = failed.date()
    assert "Status: 🚚 in transit" in card and "Last event:" in card
    assert (
        f"Trackers not reachable since {when(failed, today)}; "
        f"last successful check: {when(answered, today)}." in card
    )
    await user.send("/list")
    assert user.last_reply().buttons[0] == ["📡 Lamp · in transit"]


async def _card_with_handover(t: TrackedBot) -> tuple[SimulatedUser, int]:
    now = t.bot.clock.now()
    t.cainiao.set_events(
        NUMBER,
        [
            FakeEvent(
                now - timedelta(days=1),
                "Carrier update",
                "TRANSIT_PORT_REROUTE_CALLBACK",
                carrier_text=f"preMainCode:{NEXT}",
            ),
            FakeEvent(now - timedelta(days=2), "Departed", "SC_OUTBOUND_SUCCESS"),
        ],
        dest="IL",
    )
    user = await t.user()
    parcel = await t.add_parcel(user.id, NUMBER, nickname="Lamp")
    await t.tick()
    return user, parcel.id


async def test_hand_over_number_is_offered_and_what_it_shows_joins_the_parcel(
    tracked: TrackedBot,
) -> None:
    t = tracked
    storage = t.bot.services.storage
    user, pid = await _card_with_handover(t)
    card = await open_card(user)
    assert f"At the next carrier: {NEXT}." in card
    message = user.last_reply()
    assert message.button_data(f"👁 Watch {NEXT} too") == f"parcels:next:{pid}:{NEXT}"
    assert not any(NEXT in asked for asked in t.cainiao.asked_numbers())

    await user.press(f"👁 Watch {NEXT} too")
    card_message = user.last_reply()
    assert f"I check {NEXT} too" in (card_message.text or "")
    assert f"At the next carrier: {NEXT} — I check it too." in (card_message.text or "")
    assert not any(label.startswith("👁") for row in card_message.buttons for label in row)
    parcel = await storage.parcels.get(pid)
    assert parcel is not None and parcel.real_number == NEXT

    # The next carrier has news: it comes as this parcel's push and joins its timeline.
    now = t.bot.clock.advance(minutes=5)
    t.cainiao.set_events(
        NEXT,
        [FakeEvent(now - timedelta(hours=1), "Arrived at delivery office", "GTMS_DO_ARRIVE")],
        real_mail_no="RC000000003EE",  # its own re-label is not the parcel's
    )
    mark = user.mark()
    stats, sent = await t.tick()
    assert any(NEXT in asked for asked in t.cainiao.asked_numbers())
    assert stats.new_events == 1 and sent.sent == 1
    (push,) = user.replies_since(mark)
    assert "Lamp" in (push.text or "")
    timeline = await storage.events.timeline(pid)
    assert [e.raw_code for e in timeline][-1] == "GTMS_DO_ARRIVE"
    parcel = await storage.parcels.get(pid)
    assert parcel is not None and parcel.real_number == NEXT


async def test_check_now_asks_the_hand_over_number_too(tracked: TrackedBot) -> None:
    t = tracked
    storage = t.bot.services.storage
    user, pid = await _card_with_handover(t)
    await open_card(user)
    await user.press(f"👁 Watch {NEXT} too")
    now = t.bot.clock.advance(minutes=1)
    t.cainiao.set_events(
        NEXT, [FakeEvent(now - timedelta(minutes=30), "Out for delivery", "GTMS_DO_DEPART")]
    )
    await user.press("🔄 Check now")
    timeline = await storage.events.timeline(pid)
    assert [e.raw_code for e in timeline][-1] == "GTMS_DO_DEPART"
    parcel = await storage.parcels.get(pid)
    assert parcel is not None and parcel.status == "out_for_delivery"


async def test_a_crafted_or_foreign_hand_over_button_changes_nothing(tracked: TrackedBot) -> None:
    t = tracked
    storage = t.bot.services.storage
    user, pid = await _card_with_handover(t)
    card = (await open_card(user), user.last_reply())[1]
    await user.press_data(card, f"parcels:next:{pid}:RB123456785CN")  # not named by any event
    answer = user.last_callback_answer
    assert answer is not None and "out of date" in (answer.text or "")
    stranger = await t.user(2002)
    await stranger.send("/start")
    await stranger.press_data(stranger.last_reply(), f"parcels:next:{pid}:{NEXT}")
    answer = stranger.last_callback_answer
    assert answer is not None and "cannot find this parcel" in (answer.text or "")
    parcel = await storage.parcels.get(pid)
    assert parcel is not None and parcel.real_number is None
