"""/healthz, /metrics and 17TRACK pushes on the bot's HTTP server (polling mode)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from pathlib import Path
from typing import cast

import aiohttp
import pytest_asyncio
from prometheus_client.parser import text_string_to_metric_families

from bot.emulator import BotApiEmulator
from bot.watch import Watcher
from tests.fakes.tracking_servers import Fake17Track, FakeCainiao, deterministic_events
from tests.support.app import BotHarness

KEY = "17track-test-key-0123456789"
NUMBER = "LP00123456789012"


@pytest_asyncio.fixture
async def served(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    harness = BotHarness(emulator, tmp_path / "bot.db", {"TRACK17_API_KEY": KEY})
    harness.http_server = True
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


def watcher_of(harness: BotHarness) -> Watcher:
    return harness.services.watcher


async def get(harness: BotHarness, path: str) -> tuple[int, str]:
    url = f"http://127.0.0.1:{harness.web.port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def post(harness: BotHarness, path: str, body: bytes, headers: Mapping[str, str]) -> int:
    url = f"http://127.0.0.1:{harness.web.port}{path}"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=dict(headers)) as response,
    ):
        return response.status


async def test_healthz_ok_with_a_small_json_body(served: BotHarness) -> None:
    watcher_of(served).last_pass_at = served.clock.now()
    status, text = await get(served, "/healthz")
    assert status == 200
    import json

    body = json.loads(text)
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["outbox_depth"] == 0
    assert body["scheduler"]["state"] == "ok"
    assert isinstance(body["sources"], dict)
    assert KEY not in text


async def test_healthz_turns_503_when_the_scheduler_stalls(served: BotHarness) -> None:
    watcher = watcher_of(served)
    interval = served.settings.check_interval_seconds
    watcher.last_pass_at = served.clock.now()
    assert (await get(served, "/healthz"))[0] == 200
    served.clock.advance(seconds=2 * interval)
    assert (await get(served, "/healthz"))[0] == 200  # late, but within 3 intervals
    served.clock.advance(seconds=2 * interval)
    status, text = await get(served, "/healthz")
    assert status == 503 and '"stalled"' in text
    watcher.last_pass_at = served.clock.now()  # the scheduler catches up
    assert (await get(served, "/healthz"))[0] == 200


async def test_healthz_grace_after_start_without_any_pass(served: BotHarness) -> None:
    watcher = watcher_of(served)
    watcher.last_pass_at = None
    assert (await get(served, "/healthz"))[0] == 200  # just started
    served.clock.advance(seconds=4 * served.settings.check_interval_seconds)
    assert (await get(served, "/healthz"))[0] == 503


def scrape(text: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    samples: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append((sample.labels, sample.value))
    return samples


def value(
    samples: dict[str, list[tuple[dict[str, str], float]]], name: str, **labels: str
) -> float:
    return sum(
        v for lab, v in samples.get(name, []) if all(lab.get(k) == x for k, x in labels.items())
    )


async def test_metrics_scrape_parses_and_counts(served: BotHarness) -> None:
    status, before_text = await get(served, "/metrics")
    assert status == 200
    before = scrape(before_text)
    user = served.user()
    await user.send("/start")
    await user.send("/language")
    await user.press("Русский")
    await served.services.storage.outbox.enqueue(user.id, "test", {"x": 1})
    status, text = await get(served, "/metrics")
    assert status == 200
    after = scrape(text)
    messages = value(after, "parcel_scout_updates_total", type="message")
    assert messages - value(before, "parcel_scout_updates_total", type="message") == 2
    callbacks = value(after, "parcel_scout_updates_total", type="callback_query")
    assert callbacks - value(before, "parcel_scout_updates_total", type="callback_query") == 1
    handled = value(after, "parcel_scout_handler_seconds_count")
    assert handled - value(before, "parcel_scout_handler_seconds_count") == 3
    assert value(after, "parcel_scout_outbox_depth") == 1
    families = {family.name for family in text_string_to_metric_families(text)}
    assert {
        "parcel_scout_updates",
        "parcel_scout_handler_seconds",
        "parcel_scout_pushes",
        "parcel_scout_checks",
        "parcel_scout_outbox_depth",
        "parcel_scout_parcels",
        "parcel_scout_scheduler_last_pass_timestamp",
    } <= families
    assert KEY not in text and served.emulator.token not in text


async def test_17track_push_with_a_bad_sign_is_refused(served: BotHarness) -> None:
    user = served.user()
    await user.send("/start")
    parcel = await served.services.storage.parcels.add(user.id, NUMBER)
    fake = Fake17Track(KEY)
    fake.set_events(NUMBER, deterministic_events(NUMBER))
    raw, sign = fake.push_body(NUMBER)
    forged = Fake17Track("someone-elses-key")
    forged.set_events(NUMBER, deterministic_events(NUMBER))
    _, forged_sign = forged.push_body(NUMBER)
    for headers in ({}, {"sign": forged_sign}, {"sign": sign[:-1] + "0"}):
        assert await post(served, "/17track", raw, headers) == 401
    assert await post(served, "/17track", raw + b" ", {"sign": sign}) == 401
    assert await served.services.storage.events.count(parcel.id) == 0  # nothing was ingested


async def test_17track_push_is_fed_to_the_watcher(served: BotHarness) -> None:
    user = served.user()
    await user.send("/start")
    storage = served.services.storage
    parcel = await storage.parcels.add(user.id, NUMBER)
    fake = Fake17Track(KEY)
    fake.set_events(NUMBER, deterministic_events(NUMBER))
    raw, sign = fake.push_body(NUMBER)
    assert await post(served, "/17track", raw, {"sign": sign}) == 200
    assert await storage.events.count(parcel.id) == len(deterministic_events(NUMBER))
    # A stop notice carries no tracking data: accepted, nothing more stored.
    raw, sign = fake.push_body(NUMBER, event="TRACKING_STOPPED")
    assert await post(served, "/17track", raw, {"sign": sign}) == 200
    assert await storage.events.count(parcel.id) == len(deterministic_events(NUMBER))


async def test_push_then_scheduler_pass_with_the_same_event_pushes_once(
    served: BotHarness,
) -> None:
    events = deterministic_events(NUMBER)
    async with Fake17Track(KEY) as s17, FakeCainiao() as scn:
        fake17, cainiao = cast(Fake17Track, s17), cast(FakeCainiao, scn)
        fake17.set_events(NUMBER, events)
        cainiao.set_events(NUMBER, events)  # both sources report the very same events
        served.configure(track17_base_url=fake17.url, cainiao_base_url=cainiao.url)
        await served.restart()
        user = served.user()
        await user.send("/start")
        storage = served.services.storage
        await storage.parcels.add(user.id, NUMBER)
        raw, sign = fake17.push_body(NUMBER)
        assert await post(served, "/17track", raw, {"sign": sign}) == 200
        news = ("watch.first", "watch.events", "watch.status")
        queued = [i for i in await storage.outbox.pending_for_user(user.id) if i.kind in news]
        assert queued  # the push told us something new
        # The same push again, then the scheduler's own lookup: nothing new to say.
        assert await post(served, "/17track", raw, {"sign": sign}) == 200
        served.clock.advance(timedelta(days=1))
        await served.services.watcher.run_pass()
        # (The old fake events make the pass archive the parcel as silent: not a repeat.)
        after = [i for i in await storage.outbox.pending_for_user(user.id) if i.kind in news]
        assert after == queued, [(i.kind, i.payload) for i in after]
