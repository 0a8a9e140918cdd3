"""Delivery estimates (bot/core/estimates.py): durations of a delivered parcel, percentiles, the
basis (pooled for the service, pooled for the route, the brief), the card's line, and the statistics
over SQLite (one indexed read)."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from bot.core.estimates import (
    BRIEF_DAYS,
    DAY,
    MIN_PARCELS,
    Delivery,
    Estimate,
    VendorEta,
    delivery,
    estimate,
    percentile,
)
from bot.i18n import use_language
from bot.tracking.cainiao import parse_module
from bot.tracking.model import ETA_FROM, ETA_TO
from bot.tracking.track17 import parse_item
from bot.ui import parcel_views as views
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


def test_the_vendor_window_comes_between_the_statistics_and_the_brief() -> None:
    few = {"cp": [(20, 3)], "*": [(20, 3)]}
    window = VendorEta("cainiao", T0 + 10 * DAY, T0 + 14 * DAY)
    got = estimate(few, "cp", window, now=T0)
    assert (got.basis, got.eta_from, got.eta_to, got.source) == (
        "vendor", T0 + 10 * DAY, T0 + 14 * DAY, "cainiao",
    )  # fmt: skip
    # A window already past says nothing any more: the brief.
    assert estimate(few, "cp", window, now=T0 + 20 * DAY).basis == "brief"
    # Enough parcels of our own beat the vendor.
    assert estimate({"cp": [(18, 25)]}, "cp", window, now=T0).basis == "pooled"


def test_the_card_line_names_the_vendor_and_its_dates() -> None:
    window = Estimate(
        "vendor", 0, 0, eta_from=T0 + 10 * DAY, eta_to=T0 + 14 * DAY, source="17track"
    )
    with use_language("en"):
        assert "17TRACK expects delivery: Nov 11, 2026 – Nov 15, 2026 (the tracker's own" in (
            views.estimate_line(window)
        )
    with use_language("ru"):
        assert "17TRACK обещает доставку: 11 нояб. 2026\u202fг. – 15 нояб. 2026\u202fг." in (
            views.estimate_line(window)
        )


def test_the_clients_keep_the_vendors_window() -> None:
    cainiao = parse_module(
        "RB123456785CN",
        {"mailNoSource": "AE", "status": "SHIPPING", "detailList": [],
         "globalEtaInfo": {"deliveryMinTime": 1787828878899, "deliveryMaxTime": 1788000000000}},
    )  # fmt: skip
    assert (cainiao.extra[ETA_FROM], cainiao.extra[ETA_TO]) == ("1787828878", "1788000000")
    track17 = parse_item(
        {"number": "RB123456785CN", "track_info": {
            "latest_status": {"status": "InTransit"},
            "time_metrics": {"estimated_delivery_date": {
                "source": "17TRACK", "from": "2026-11-20T00:00:00Z", "to": "2026-11-27"}}}}
    )  # fmt: skip
    assert (track17.extra[ETA_FROM], track17.extra[ETA_TO]) == ("1795132800", "1795737600")
    unknown = parse_item({"number": "X", "track_info": {"time_metrics": {
        "estimated_delivery_date": {"source": None, "from": None, "to": None}}}})  # fmt: skip
    assert ETA_FROM not in unknown.extra
