"""What the vendors really do, through the whole bot: a label never handed over, a refused
Russian Post login, 17TRACK stopping a number on its own, answers arriving in pieces."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import aiohttp

from bot.watch.registrations import TRACK17
from tests.fakes.tracking_servers import FakeEvent, RPOperation, deterministic_events

if TYPE_CHECKING:
    from tests.support.tracking import TrackedBot

NUMBER = "LP00068434402473"
UPS = "1Z999AA10123456784"  # not a Chinese shape: 17TRACK is asked first
RPO = "80085212345678"  # domestic Russian: Russian Post first


async def _serve(t: TrackedBot) -> None:
    t.bot.http_server = True
    await t.bot.restart()


async def _get(t: TrackedBot, path: str) -> tuple[int, Any]:
    url = f"http://127.0.0.1:{t.bot.web.port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, json.loads(await response.text())


async def _post(t: TrackedBot, path: str, body: bytes, headers: Mapping[str, str]) -> int:
    url = f"http://127.0.0.1:{t.bot.web.port}{path}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=dict(headers)) as response,
    ):
        return response.status


async def test_a_label_not_handed_over_is_not_shipped_yet_not_unknown(tracked: TrackedBot) -> None:
    t = tracked
    t.cainiao.set_events(NUMBER, [], dest="RU")  # Cainiao: SELLER_PREPARING, no events
    user = await t.user()
    parcel = await t.add_parcel(user.id, NUMBER)
    stats, sent = await t.tick()
    assert stats.checked == 1 and sent.sent == 0  # nothing moved: nothing to push
    stored = await t.bot.services.storage.parcels.get(parcel.id)
    assert stored is not None and stored.status == "awaiting_dispatch"
    assert (stored.origin_country, stored.dest_country) == ("CN", "RU")  # from country names
    labels = [b for row in (await user.send("/list"))[-1].buttons for b in row]
    assert f"🏷️ {NUMBER} · not shipped" in labels
    # Warehouse paperwork under SELLER_PREPARING is still no hand-over: a week later there is
    # no stall alert counted from the label.
    now = t.bot.clock.now()
    label = FakeEvent(now - timedelta(hours=1), "Order received", "GWMS_ACCEPT")
    t.cainiao.set_events(NUMBER, [label], status="SELLER_PREPARING")
    t.bot.clock.advance(hours=7)
    await t.tick()
    t.bot.clock.advance(days=8)
    await t.tick()
    stored = await t.bot.services.storage.parcels.get(parcel.id)
    assert stored is not None and stored.status == "awaiting_dispatch"
    assert stored.stall_alerted_at is None
    # Once the carrier has it, the first push goes out as for any parcel.
    now = t.bot.clock.now()
    t.cainiao.set_events(
        NUMBER,
        [FakeEvent(now - timedelta(hours=2), "Received by logistics company", "PU_PICKUP_SUCCESS")],
    )
    t.bot.clock.advance(days=1)
    _, sent = await t.tick()
    assert sent.sent == 1 and "in transit" in (user.last_reply().text or "")


async def test_refused_russian_post_login_degrades_healthz_with_the_reason(
    tracked: TrackedBot,
) -> None:
    t = tracked
    await _serve(t)
    t.russianpost.password = "rotated by the post"  # our configured password no longer works
    user = await t.user()
    for i in range(12):  # more than one Russian Post batch
        await t.add_parcel(user.id, f"8008521234{i:04d}")
    await t.run_pass()
    calls = len(t.russianpost.requests)
    assert calls <= 2  # the calls in flight at once; the rest saw the source paused
    status, body = await _get(t, "/healthz")
    assert status == 200 and body["status"] == "degraded"
    rp = body["sources"]["russianpost"]
    assert rp["state"] == "misconfigured" and "wrong login or password" in rp["reason"]
    assert t.russianpost.password not in json.dumps(body)
    t.bot.clock.advance(hours=2)  # later passes do not hammer the service either
    await t.run_pass()
    assert len(t.russianpost.requests) <= calls + 2


async def test_17track_stopping_a_needed_number_restarts_it(tracked: TrackedBot) -> None:
    t = tracked
    await _serve(t)
    now = t.bot.clock.now()
    t.track17.set_events(UPS, [FakeEvent(now - timedelta(hours=3), "Departed", "PickedUp")])
    user = await t.user()
    await t.add_parcel(user.id, UPS)
    await t.run_pass()
    registrations = t.bot.services.storage.registrations
    assert await registrations.is_registered(TRACK17, UPS)
    t.track17.stop(UPS)  # 17TRACK stops it on its own and says so, without track_info
    raw, sign = t.track17.push_body(UPS, event="TRACKING_STOPPED")
    assert await _post(t, "/17track", raw, {"sign": sign}) == 200
    assert UPS in t.track17.retracked and UPS not in t.track17.stopped
    assert await registrations.is_registered(TRACK17, UPS)
    assert t.track17.register_count == {UPS: 1}  # restarted, not paid for twice


async def test_17track_stopping_a_number_nobody_needs_only_marks_it(tracked: TrackedBot) -> None:
    t = tracked
    await _serve(t)
    registrations = t.bot.services.storage.registrations
    await registrations.mark_registered(TRACK17, UPS)
    t.track17.registered.add(UPS)
    t.track17.stop(UPS)
    raw, sign = t.track17.push_body(UPS, event="TRACKING_STOPPED")
    assert await _post(t, "/17track", raw, {"sign": sign}) == 200
    assert not await registrations.is_registered(TRACK17, UPS)
    assert t.track17.calls("retrack") == [] and t.track17.calls("register") == []


async def test_every_source_answering_in_pieces_is_tracked(tracked: TrackedBot) -> None:
    """The probe of issue 14: healthy vendors whose answers arrive in 1,400-byte pieces."""
    t = tracked
    now = t.bot.clock.now()
    user = await t.user()
    cn = [f"LP0006843440{i:04d}" for i in range(3)]
    for n in cn:
        t.cainiao.set_events(n, deterministic_events("LP00000000000013"))
    t.track17.set_events(
        UPS, [FakeEvent(now - timedelta(hours=h), f"Scan {h}", "PickedUp") for h in (9, 5, 1)]
    )
    t.russianpost.set_history(
        RPO,
        [RPOperation(now - timedelta(hours=h), 8, "Processing", 0, "Sorting") for h in (9, 5, 1)],
    )
    for fake in (t.cainiao, t.track17, t.russianpost):
        fake.send_in_pieces(1400, 0.01)
    parcels = [await t.add_parcel(user.id, n) for n in (*cn, UPS, RPO)]
    stats = await t.run_pass()
    assert (stats.checked, stats.failed) == (5, 0)
    events = t.bot.services.storage.events
    assert [await events.count(p.id) > 0 for p in parcels] == [True] * 5


async def test_what_now_for_a_label_not_handed_over_is_the_not_tracked_yet_advice(
    tracked: TrackedBot,
) -> None:
    t = tracked
    t.cainiao.set_events(NUMBER, [], dest="RU")
    user = await t.user()
    parcel = await t.add_parcel(user.id, NUMBER)
    shipped = t.bot.clock.now().date() - timedelta(days=1)
    deadline = shipped + timedelta(days=60)
    await t.bot.services.storage.parcels.update_facts(
        user.id, parcel.id, shipped_on=shipped, protection_deadline=deadline, price_amount=8.0
    )
    await t.tick()
    mark = user.mark()
    await user.send("/whatnow")
    asked = []
    while "Question" in (user.last_reply().text or "") and len(asked) < 5:
        asked.append(user.last_reply().text or "")
        await user.press(user.last_reply().buttons[0][0])
    # what tracking shows is known (no question about it), and the advice is the one for a
    # number that is not tracked yet
    assert not any("tracking" in q.lower() for q in asked), asked
    advice = "\n".join(m.text or "" for m in user.replies_since(mark))
    assert "Tracking usually appears 3-7 days after shipping" in advice, advice
