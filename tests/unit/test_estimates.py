"""Delivery estimates (bot/estimates.py): durations of a delivered parcel, percentiles, the basis
(pooled for the service, pooled for the route, the brief), the card's line, and the statistics
over SQLite (one indexed read)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from bot.estimates import (
    BRIEF_DAYS,
    DAY,
    MIN_PARCELS,
    Delivery,
    Estimate,
    delivery,
    estimate,
    percentile,
)
from bot.i18n import use_language
from handlers.parcels import views
from storage import Storage

T0 = 1_793_491_200  # 2026-11-01 00:00 UTC


def test_durations_from_a_delivered_parcels_events_in_any_order() -> None:
    events = [
        (T0 + 30 * DAY, "delivered"),
        (T0, "info_received"),
        (None, None),  # no time: ignored
        (T0 + 2 * DAY, "in_transit"),  # the hand-over
        (T0 + 10 * DAY, "in_customs"),
        (T0 + 11 * DAY, "in_customs"),
        (T0 + 16 * DAY, "arrived_destination"),
    ]
    got = delivery(events, origin="CN", dest="RU", service="china-post")
    assert got == Delivery("CN", "RU", "china-post", "2026-11", 28, 2, 6)


def test_no_hand_over_or_no_delivery_gives_no_statistic() -> None:
    assert delivery([(T0, "info_received")], origin=None, dest=None, service=None) is None
    assert delivery([(T0, "in_transit")], origin=None, dest=None, service=None) is None
    assert delivery([], origin=None, dest=None, service=None) is None
    # A re-used number "delivered" years later is a data error.
    old = [(T0, "in_transit"), (T0 + 900 * DAY, "delivered")]
    assert delivery(old, origin=None, dest=None, service=None) is None


def test_percentiles_are_the_half_and_four_in_five_marks() -> None:
    histogram = [(10, 1), (20, 4), (30, 3), (40, 2)]  # 10 parcels
    assert percentile(histogram, 0.5) == 20
    assert percentile(histogram, 0.8) == 30
    assert percentile(histogram, 1.0) == 40


def test_the_basis_is_the_service_then_the_route_then_the_brief() -> None:
    few = [(20, MIN_PARCELS - 1)]
    enough = [(18, 10), (22, 6), (27, 4)]
    assert estimate({"cp": enough, "*": enough}, "cp") == Estimate("pooled", 18, 22, 20, True)
    route = estimate({"cp": few, "*": [*few, (30, 5)]}, "cp")
    assert route == Estimate("pooled", 20, 30, MIN_PARCELS + 4, False)
    assert estimate({"cp": few, "*": few}, "cp") == Estimate("brief", *BRIEF_DAYS)
    assert estimate({}, None) == Estimate("brief", *BRIEF_DAYS)


@pytest.mark.parametrize(
    ("estimate_", "en", "ru"),
    [
        (
            Estimate("pooled", 18, 27, 214),
            "usually take 18-27 days from hand-over to delivery (half / four in five, from "
            "214 delivered parcels)",
            "обычно идут 18–27 дней от передачи перевозчику до вручения (половина / четыре из "
            "пяти; по 214 доставленным посылкам)",
        ),
        (
            Estimate("brief", 15, 45),
            "usually take 15-45 days (typical times",
            "обычно идут 15–45 дней (типичные сроки",
        ),
    ],
)
def test_the_card_line_says_its_basis(estimate_: Estimate, en: str, ru: str) -> None:
    with use_language("en"):
        assert en in views.estimate_line(estimate_)
    with use_language("ru"):
        assert ru in views.estimate_line(estimate_)


async def test_statistics_over_sqlite_pool_services_and_leave_no_trace_of_users(
    tmp_path: Path,
) -> None:
    store = await Storage.open(tmp_path / "bot.sqlite")
    try:
        rows = [Delivery("CN", "RU", "china-post", "2026-11", d, 2, None) for d in (18, 18, 25)]
        rows.append(Delivery("CN", "RU", "cainiao", "2026-11", 30, None, 5))
        rows.append(Delivery("CN", "IL", "", "2026-11", 12, None, None))
        await store.stats.record([asdict(r) for r in rows], now=T0)
        assert await store.stats.count() == 5
        route = await store.stats.route("CN", "RU", "china-post")
        assert route == {"*": [(18, 2), (25, 1), (30, 1)], "china-post": [(18, 2), (25, 1)]}
        assert await store.stats.route("CN", "IL", None) == {"*": [(12, 1)]}
        assert await store.stats.route("XX", "RU", "china-post") == {}
        columns = await store.db.fetchall("SELECT name FROM pragma_table_info('delivery_stats')")
        assert not {"user_id", "parcel_id", "number"} & {str(c[0]) for c in columns}
    finally:
        await store.close()
