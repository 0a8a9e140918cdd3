"""Delivery estimates end to end: a parcel delivered through the fake Cainiao feeds the anonymous
statistics; the card of another parcel on the route says which basis its estimate has."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.core.estimates import MIN_PARCELS, Delivery
from tests.fakes.tracking_servers import FakeEvent

if TYPE_CHECKING:
    from tests.support.tracking import TrackedBot

DELIVERED = "LP00068434402473"
MOVING = "RB123456785CN"


async def test_a_delivery_feeds_the_estimate_on_another_parcels_card(tracked: TrackedBot) -> None:
    t = tracked
    storage = t.bot.services.storage
    now = t.bot.clock.now()
    for number in (DELIVERED, MOVING):
        t.cainiao.set_events(
            number, [FakeEvent(now - timedelta(days=20), "Picked up", "PU_PICKUP_SUCCESS")]
        )
    first = await t.user(5001)
    other = await t.user(5002)
    done = await t.add_parcel(first.id, DELIVERED)
    moving = await t.add_parcel(other.id, MOVING, nickname="Lamp")
    await t.tick()
    later = t.bot.clock.advance(days=2)  # quiet for 20 days: checked daily
    t.cainiao.add_event(
        DELIVERED, FakeEvent(later - timedelta(hours=1), "Delivered", "GTMS_SIGNED")
    )
    await t.tick()
    assert await storage.stats.count() == 1  # recorded once, when the status became delivered
    delivered = await storage.parcels.get(done.id)
    assert delivered is not None and delivered.status == "delivered"
    t.bot.clock.advance(days=2)
    await t.tick()
    assert await storage.stats.count() == 1  # not again on the next check

    # One parcel on the route is too few: the brief's typical times, said to be that.
    await other.send("/list")
    await other.press("🚚 Lamp · in transit")
    card = other.last_reply().text or ""
    assert "usually take 15-45 days (typical times" in card

    fresh = await storage.parcels.get(moving.id)
    assert fresh is not None
    more = Delivery(
        fresh.origin_country or "", fresh.dest_country or "", fresh.carrier or "", "2026-11",
        24, None, None,
    )  # fmt: skip
    await storage.stats.record([asdict(more)] * (MIN_PARCELS - 1))
    await other.press("🔄 Check now")
    card = other.last_reply().text or ""
    assert f"from {MIN_PARCELS} delivered parcels" in card and "days from hand-over" in card

    # /forgetme's deletion leaves the anonymous statistics: nothing in them points to anyone.
    assert await storage.users.delete_everything(first.id)
    assert await storage.stats.count() == MIN_PARCELS


async def test_the_vendors_window_until_the_route_has_statistics(tracked: TrackedBot) -> None:
    t = tracked
    now = t.bot.clock.now()
    low, high = now + timedelta(days=9), now + timedelta(days=12)
    t.cainiao.set_events(
        MOVING,
        [FakeEvent(now - timedelta(hours=5), "Departed", "LH_DEPART")],
        eta_ms=(int(low.timestamp() * 1000), int(high.timestamp() * 1000)),
    )
    user = await t.user(5003, language="ru")
    parcel = await t.add_parcel(user.id, MOVING, nickname="Lamp")
    await t.tick()
    stored = await t.bot.services.storage.parcels.get(parcel.id)
    assert stored is not None and stored.eta_source == "cainiao"
    assert stored.eta_to == int(high.timestamp())
    await user.send("/list")
    await user.press_index(1)
    card = user.last_reply().text or ""
    assert "Cainiao обещает доставку:" in card and "оценка самого трекера" in card


async def test_help_and_forgetme_say_the_anonymous_statistics_stay(tracked: TrackedBot) -> None:
    user = await tracked.user(5004, language="ru")
    replies = await user.send("/forgetme")
    assert "обезличенная статистика" in (replies[-1].text or "")
    replies = await user.send("/help")
    assert "обезличенная статистика" in (replies[-1].text or "")
