import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiolimiter import AsyncLimiter

from bot.tracking import (
    BreakerState,
    CircuitBreaker,
    InMemoryRegistrationStore,
    NumberBackoff,
    NumberFailure,
    Status,
    TrackingRouter,
    TrackingService,
    TrackQuery,
    TrackResult,
)
from bot.tracking.breaker import backoff_delay
from bot.tracking.cainiao import CainiaoClient
from bot.tracking.router import source_order
from bot.tracking.russianpost import RussianPostClient
from bot.tracking.track17 import Track17Client
from tests.fakes.tracking_servers import (
    Fail,
    Fake17Track,
    FakeCainiao,
    FakeEvent,
    FakeRussianPost,
    RPOperation,
)

T0 = datetime(2025, 3, 1, 4, 0, tzinfo=UTC)
CN = "LP00068434402473"
RU = "RA644000001RU"
EVENTS = [FakeEvent(T0, "Departed", "LH_DEPART")]


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


# --- breaker ---------------------------------------------------------------------------------


def test_breaker_opens_half_opens_and_closes() -> None:
    clock = Clock()
    br = CircuitBreaker(
        failure_threshold=3, base_delay=10, max_delay=100, clock=clock, rng=random.Random(1)
    )
    for _ in range(2):
        br.record_failure("boom")
        assert br.state is BreakerState.CLOSED and br.allow()
    br.record_failure("boom")
    assert br.state is BreakerState.OPEN and not br.allow()
    first_delay = br.snapshot().open_until - clock.now  # type: ignore[operator]
    assert 5 <= first_delay <= 10
    clock.now += first_delay
    assert br.state is BreakerState.HALF_OPEN
    assert br.allow() and not br.allow()  # one probe at a time
    br.record_failure("still down")  # the probe failed: open again, longer
    assert br.state is BreakerState.OPEN
    second_delay = br.snapshot().open_until - clock.now  # type: ignore[operator]
    assert 10 <= second_delay <= 20
    clock.now += second_delay
    assert br.allow()
    br.record_success()
    snap = br.snapshot()
    assert snap.state is BreakerState.CLOSED and snap.consecutive_failures == 0
    assert snap.last_success == clock.now and snap.last_error == "still down"


def test_breaker_retry_after_opens_at_once() -> None:
    clock = Clock()
    br = CircuitBreaker(base_delay=1, clock=clock, rng=random.Random(1))
    br.record_failure("429", min_delay=120)
    assert br.state is BreakerState.OPEN
    assert br.snapshot().open_until == pytest.approx(clock.now + 120)


def test_backoff_is_exponential_jittered_and_capped() -> None:
    rng = random.Random(7)
    for attempt, low, high in [(1, 5, 10), (2, 10, 20), (3, 20, 40), (10, 50, 100)]:
        for _ in range(50):
            assert low <= backoff_delay(attempt, 10, 100, rng) <= high


def test_number_backoff() -> None:
    clock = Clock()
    nb = NumberBackoff(threshold=2, base_delay=60, clock=clock, rng=random.Random(3))
    assert nb.record_failure("X") is None and nb.blocked_until("X") is None
    until = nb.record_failure("X")
    assert until is not None and nb.blocked_until("X") == until
    clock.now = until
    assert nb.blocked_until("X") is None
    nb.record_success("X")
    assert nb.failures("X") == 0


# --- order -----------------------------------------------------------------------------------

ALL = ["cainiao", "russianpost", "17track"]


@pytest.mark.parametrize(
    ("query", "order"),
    [
        (TrackQuery("LP00068434402473"), ["cainiao", "17track"]),
        (TrackQuery("RI937765505CN"), ["cainiao", "17track"]),
        (TrackQuery("RI937765505CN", dest_country="RU"), ["cainiao", "russianpost", "17track"]),
        (TrackQuery("YT2229521272164446", dest_country="RU"), ["cainiao", "17track"]),
        (TrackQuery("80085212345678"), ["russianpost", "17track", "cainiao"]),
        (TrackQuery("RA644000001RU"), ["russianpost", "cainiao", "17track"]),
        (TrackQuery("1Z999AA10123456784"), ["17track", "cainiao"]),
        (TrackQuery("WHATEVER123"), ["cainiao", "17track"]),
    ],
)
def test_source_order(query: TrackQuery, order: list[str]) -> None:
    assert source_order(query, ALL) == order


def test_source_order_only_configured() -> None:
    assert source_order(TrackQuery("80085212345678"), ["cainiao"]) == ["cainiao"]
    assert source_order(TrackQuery("RA644000001RU"), ["cainiao"]) == ["cainiao"]


# --- router against the fakes ----------------------------------------------------------------


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeCainiao, Fake17Track, FakeRussianPost]]:
    async with FakeCainiao() as c, Fake17Track("k") as t, FakeRussianPost("u", "p") as r:
        yield c, t, r  # type: ignore[misc]


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=0.5)) as s:
        yield s


def make_router(
    session: aiohttp.ClientSession,
    fakes: tuple[FakeCainiao, Fake17Track, FakeRussianPost],
    clock: Clock,
    **kw: object,
) -> TrackingRouter:
    c, t, r = fakes
    timeout = aiohttp.ClientTimeout(total=0.5)
    sources = [
        CainiaoClient(session, c.url, timeout=timeout),
        Track17Client(
            session,
            "k",
            InMemoryRegistrationStore(),
            t.url,
            timeout=timeout,
            limiter=AsyncLimiter(1000, 1),
        ),
        RussianPostClient(session, "u", "p", r.url, timeout=timeout),
    ]
    return TrackingRouter(sources, clock=clock, rng=random.Random(5), **kw)  # type: ignore[arg-type]


async def test_router_uses_preferred_sources_and_batches(
    fakes: tuple[FakeCainiao, Fake17Track, FakeRussianPost], session: aiohttp.ClientSession
) -> None:
    c, t, r = fakes
    cn = [f"LP{i:014d}" for i in range(20)]
    for n in cn:
        c.set_events(n, EVENTS)
    r.set_history(RU, [RPOperation(T0, 9, "Import")])
    out = await make_router(session, fakes, Clock()).track([*cn, RU])
    assert {o.source for n, o in out.items() if n != RU} == {"cainiao"}
    assert out[RU].source == "russianpost"
    assert sorted(len(b) for b in c.asked_numbers()) == [5, 15]
    assert t.requests == []


async def test_fall_through_when_preferred_source_fails(
    fakes: tuple[FakeCainiao, Fake17Track, FakeRussianPost], session: aiohttp.ClientSession
) -> None:
    c, t, _ = fakes
    c.fail_always(Fail.CAPTCHA)
    t.set_events(CN, EVENTS, status="InTransit", sub_status="InTransit_Other")
    clock = Clock()
    router = make_router(session, fakes, clock, failure_threshold=2, base_delay=60)
    res = (await router.track([CN]))[CN]
    assert isinstance(res, TrackResult) and res.source == "17track"
    await router.track([CN])
    health = router.health()
    assert health["cainiao"].state is BreakerState.OPEN
    assert "captcha" in (health["cainiao"].last_error or "")
    assert health["17track"].last_success == datetime.fromtimestamp(clock.now, UTC)
    # while open, Cainiao is not even asked
    asked = len(c.requests)
    res = (await router.track([CN]))[CN]
    assert isinstance(res, TrackResult) and res.source == "17track"
    assert len(c.requests) == asked
    # after the delay a half-open probe goes out; Cainiao is back, the breaker closes
    c.reset_failures()
    c.set_events(CN, EVENTS)
    clock.now += 61
    assert router.health()["cainiao"].state is BreakerState.HALF_OPEN
    res = (await router.track([CN]))[CN]
    assert isinstance(res, TrackResult) and res.source == "cainiao"
    assert router.health()["cainiao"].state is BreakerState.CLOSED


async def test_one_source_down_does_not_stop_others(
    fakes: tuple[FakeCainiao, Fake17Track, FakeRussianPost], session: aiohttp.ClientSession
) -> None:
    c, _, r = fakes
    c.set_events(CN, EVENTS)
    r.fail_always(Fail.SLOW)
    r.slow_seconds = 2
    out = await make_router(session, fakes, Clock()).track([CN, "80085212345678"])
    assert isinstance(out[CN], TrackResult)
    # Russian Post timed out, 17TRACK knows nothing yet: "not found" from the fallback
    assert isinstance(out["80085212345678"], TrackResult)
    assert out["80085212345678"].status is Status.NOT_FOUND


async def test_not_found_falls_through_and_is_kept(
    fakes: tuple[FakeCainiao, Fake17Track, FakeRussianPost], session: aiohttp.ClientSession
) -> None:
    _, t, _ = fakes
    t.set_events("RI937765505CN", EVENTS)
    router = make_router(session, fakes, Clock())
    out = await router.track(["RI937765505CN", "RI000000000CN"])
    assert out["RI937765505CN"].source == "17track"
    nf = out["RI000000000CN"]
    assert isinstance(nf, TrackResult) and nf.status is Status.NOT_FOUND
    assert router.number_backoff.failures("RI000000000CN") == 0


async def test_all_sources_down_is_failure_without_number_backoff(
    fakes: tuple[FakeCainiao, Fake17Track, FakeRussianPost], session: aiohttp.ClientSession
) -> None:
    c, t, _ = fakes
    c.fail_always(Fail.SERVER_ERROR)
    t.fail_always(Fail.GARBAGE)
    router = make_router(session, fakes, Clock())
    res = (await router.track([CN]))[CN]
    assert isinstance(res, NumberFailure) and res.source == "router"
    assert "HTTP 500" in res.reason and "not JSON" in res.reason
    assert router.number_backoff.failures(CN) == 0  # sources down: not the number's fault


async def test_number_backoff_for_numbers_that_keep_failing(
    fakes: tuple[FakeCainiao, Fake17Track, FakeRussianPost], session: aiohttp.ClientSession
) -> None:
    c, t, _ = fakes
    c.omitted.add(CN)  # Cainiao answers but without this number
    t.reject[CN] = (-18019903, "carrier can not be detected")
    clock = Clock()
    router = make_router(
        session, fakes, clock, number_backoff=NumberBackoff(threshold=2, clock=clock)
    )
    for _ in range(2):
        assert isinstance((await router.track([CN]))[CN], NumberFailure)
    asked = len(c.requests)
    res = (await router.track([CN]))[CN]
    assert isinstance(res, NumberFailure) and res.retry_at is not None
    assert "paused" in res.reason and len(c.requests) == asked


async def test_tracking_service_lifecycle(
    fakes: tuple[FakeCainiao, Fake17Track, FakeRussianPost],
) -> None:
    c, t, r = fakes
    c.set_events(CN, EVENTS)
    service = TrackingService(
        track17_api_key="k",
        russian_post_login="u",
        russian_post_password="p",
        cainiao_base_url=c.url,
        track17_base_url=t.url,
        russian_post_url=r.url,
    )
    async with service:
        assert service.source_names == ["cainiao", "russianpost", "17track"]
        out = await service.track([TrackQuery(CN, dest_country="RU")])
        assert isinstance(out[CN], TrackResult)
        assert set(service.health()) == {"cainiao", "russianpost", "17track"}
    with pytest.raises(RuntimeError):
        service.health()
    async with TrackingService(cainiao_base_url=c.url) as only_default:
        assert only_default.source_names == ["cainiao"]


def test_retry_at_is_aware() -> None:
    clock = Clock()
    nb = NumberBackoff(threshold=1, base_delay=10, clock=clock)
    until = nb.record_failure("X")
    assert until is not None
    assert datetime.fromtimestamp(until, UTC) - datetime.fromtimestamp(clock.now, UTC) <= (
        timedelta(seconds=10)
    )


async def test_wrong_login_is_one_log_line_a_health_reason_and_no_storm(
    fakes: tuple[FakeCainiao, Fake17Track, FakeRussianPost],
    session: aiohttp.ClientSession,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, _, r = fakes
    r.password = "changed by the operator"  # Russian Post answers AuthorizationFaultReason
    numbers = [f"RA{i:09d}RU" for i in range(35)]  # 4 chunks of Russian Post's batch of 10
    clock = Clock()
    router = make_router(session, fakes, clock)
    with caplog.at_level("DEBUG", logger="bot.tracking.router"):
        await router.track(numbers)
        # the calls in flight at once (2 per source) failed; the chunks waiting behind them saw
        # the open breaker and did not call
        assert len(r.requests) == 2
        clock.now += 60
        await router.track(numbers)
    assert len(r.requests) == 2  # paused for an hour: not asked again
    errors = [rec for rec in caplog.records if rec.levelname == "ERROR"]
    assert len(errors) == 1 and "MISCONFIGURED" in errors[0].getMessage()
    health = router.health()["russianpost"]
    assert health.state is BreakerState.OPEN
    assert health.misconfigured is not None and "wrong login" in health.misconfigured
    # fixed (the service answers again): the next probe clears the reason
    r.password = "p"
    clock.now += 3 * 3600
    await router.track(numbers[:1])
    assert router.health()["russianpost"].misconfigured is None
