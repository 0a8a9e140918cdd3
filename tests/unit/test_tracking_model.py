from datetime import UTC, datetime, timedelta, timezone

from bot.tracking import Status, TrackEvent, event_key, normalise_events

T = datetime(2025, 3, 4, 10, 15, 42, tzinfo=UTC)


def test_status_vocabulary_is_fixed() -> None:
    assert [s.value for s in Status] == [
        "not_found",
        "awaiting_dispatch",
        "info_received",
        "in_transit",
        "in_customs",
        "arrived_destination",
        "out_for_delivery",
        "available_for_pickup",
        "delivered",
        "delivery_failed",
        "returning",
        "returned",
        "exception",
        "expired",
    ]


def test_every_status_is_explained_to_the_user() -> None:
    from bot.watch.texts import meaning

    assert [s for s in Status if not meaning(s)] == []


def test_coded_event_key_survives_rewording() -> None:
    a = TrackEvent(T, "Departed from sorting center", "", "SC_OUTBOUND_SUCCESS")
    b = TrackEvent(T, "Left the sorting centre [Shenzhen]", "", "SC_OUTBOUND_SUCCESS")
    assert a.key == b.key


def test_uncoded_event_key_ignores_whitespace_and_case_only() -> None:
    a = TrackEvent(T, "Arrived  at\tpost office", "Moscow 101000")
    b = TrackEvent(T, " arrived at POST office ", " moscow   101000")
    c = TrackEvent(T, "Arrived at the post office", "Moscow 101000")
    assert a.key == b.key
    assert a.key != c.key


def test_key_uses_utc_minute_and_zone_independent() -> None:
    local = T.astimezone(timezone(timedelta(hours=8)))
    assert event_key(T, "", "X", "") == event_key(local, "", "X", "")
    assert event_key(T, "", "X", "") == event_key(T.replace(second=0), "", "X", "")
    assert event_key(T, "", "X", "") != event_key(T + timedelta(minutes=1), "", "X", "")
    assert event_key(T, "", "X", "") != event_key(T, "Other place", "X", "")
    assert event_key(None, "", "X", "") != event_key(T, "", "X", "")


def test_normalise_dedupes_and_orders_newest_first() -> None:
    old = TrackEvent(T, "Accepted", code="GWMS_ACCEPT")
    new = TrackEvent(T + timedelta(days=1), "Departed", code="LH_DEPART")
    untimed = TrackEvent(None, "Something without time")
    reworded_dup = TrackEvent(T + timedelta(days=1, seconds=10), "Flight left", code="LH_DEPART")
    got = normalise_events([old, untimed, new, old, reworded_dup])
    assert got == (new, old, untimed)
    assert [e.key for e in normalise_events([new, old])] == [e.key for e in got[:2]]
