"""User data is stored as plain builtins and loads from what older releases stored."""

from __future__ import annotations

import pickle
from datetime import date

from bot.core.advice.interview import Interview
from bot.core.dispute import DisputeState
from bot.ui.userdata import DisputeSession, Pending, PendingAdd, UserData, legacy_answers


def test_dump_is_builtins_and_round_trips() -> None:
    data = UserData(pending=Pending("rename", 4, 100), pending_add=PendingAdd("RB1", "cup"))
    data.checked["4"] = 99
    raw = data.dump()
    # No class of ours in the stored form: a moved module cannot break stored data.
    assert b"bot.ui.userdata" not in pickle.dumps(raw)
    assert UserData.load(raw) == data


def test_legacy_dict_loads() -> None:
    legacy = {
        "awaiting": {"what": "fprice", "parcel": 7, "at": 1_700_000_000},
        "pending_add": {"number": "LX1", "nickname": None},
        "whatnow": {"pid": "7", "facts": {}, "asked": ["tracking"], "asking": "price_usd"},
        "whatnow_known": {"7": {"timer_over": True}},
        "dispute": {"step": "d2", "history": ["d0"], "parcel_id": "7"},
        "dispute_at": 12.5,
        "something_old": object(),
    }
    data = UserData.load(legacy)
    assert data.pending == Pending("fprice", 7, 1_700_000_000)
    assert data.pending_add == PendingAdd("LX1")
    assert data.whatnow == Interview(parcel_id=7, asked=["tracking"], asking="price_usd")
    assert data.dispute == DisputeSession(
        DisputeState(step="d2", history=["d0"], parcel_id=7), at=12
    )
    # The answers about parcels are no longer chat state: the start-up move takes them.
    assert "whatnow_known" not in data.dump()


def test_sessions_round_trip_as_builtins() -> None:
    state = DisputeState(step="d5a", history=["d0", "d2"], parcel_id=3, amount=7.5)
    data = UserData(
        whatnow=Interview(parcel_id=None, facts={"price_usd": 7.5}, asked=["x"], asking="y"),
        dispute=DisputeSession(state, at=1_700_000_000),
        dispute_last=DisputeState(step="d8w", submitted_on="2026-11-01"),
    )
    raw = data.dump()
    assert b"bot." not in pickle.dumps(raw)  # no class of ours in the stored form
    assert UserData.load(raw) == data


def test_unreadable_sessions_are_dropped() -> None:
    data = UserData.load({"dispute": {"step": "nonsense"}, "whatnow": ["junk"]})
    assert data.dispute is None and data.whatnow is None


def test_session_without_a_time_never_expires() -> None:
    assert not DisputeSession(DisputeState(), at=None).expired(10**10, 60)
    assert DisputeSession(DisputeState(), at=100).expired(161, 60)
    assert not DisputeSession(DisputeState(), at=100).expired(160, 60)


def test_legacy_answers_become_answer_columns() -> None:
    today = date(2026, 11, 20)
    raw = {
        "whatnow_known": {
            "7": {
                "timer_over": True,
                "seller_contacted": False,
                "tracking": "stalled",
                "stalled_days": 4,
                "order_finished_days_ago": 15,
                "paid_with_paypal": False,
                "offer_amount": 3,
                "asked": ["tracking", "price_usd"],
                "round_done": True,
            },
            "8": {},  # nothing to move
            "²": {"timer_over": True},  # not an id
            "99999999999999999999": {"timer_over": True},  # past SQLite's integers
        }
    }
    assert legacy_answers(raw, today) == {
        7: {
            "tracking": "stalled",
            "timer_over": True,
            "seller_contacted": False,
            "paid_with_paypal": False,
            "offer_amount": 3.0,
            "quiet_since": date(2026, 11, 16),
            "order_finished_on": date(2026, 11, 5),
            "asked": ("tracking", "price_usd"),
            "round_done": True,
        }
    }
    assert legacy_answers({"whatnow_known": "junk"}, today) == {}
    assert legacy_answers(None, today) == {}


def test_junk_loads_empty() -> None:
    assert UserData.load(None) == UserData()
    assert UserData.load({"awaiting": "x", "checked": [1]}) == UserData()


def test_pending_freshness() -> None:
    question = Pending("tz", None, 1000)
    assert question.fresh(1000 + 3600, 3600)
    assert not question.fresh(1000 + 3601, 3600)
    assert not question.fresh(999, 3600)  # a clock moved back does not revive it


def test_today_is_the_users_date() -> None:
    from datetime import UTC, date, datetime

    from bot.ui.present import today_in

    late_utc = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)
    assert today_in(None, late_utc) == date(2026, 12, 2)
    assert today_in("Asia/Vladivostok", late_utc) == date(2026, 12, 3)
    assert today_in("America/Los_Angeles", datetime(2026, 12, 3, 5, tzinfo=UTC)) == date(
        2026, 12, 2
    )


def test_a_rounds_range_answers_survive_a_restart() -> None:
    interview = Interview(parcel_id=7, asked=["price_usd"], approx={"price_usd": 20.0})
    loaded = UserData.load(UserData(whatnow=interview).dump())
    assert loaded.whatnow == interview
    junk = UserData.load({"whatnow": {"pid": 7, "approx": {"price_usd": "lots", "x": True}}})
    assert junk.whatnow is not None and junk.whatnow.approx == {}
