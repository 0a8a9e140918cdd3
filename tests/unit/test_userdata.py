"""User data is stored as plain builtins and loads from what older releases stored."""

from __future__ import annotations

import pickle

from bot.userdata import Pending, PendingAdd, UserData


def test_dump_is_builtins_and_round_trips() -> None:
    data = UserData(pending=Pending("rename", 4, 100), pending_add=PendingAdd("RB1", "cup"))
    data.checked["4"] = 99
    raw = data.dump()
    # No class of ours in the stored form: a moved module cannot break stored data.
    assert b"bot.userdata" not in pickle.dumps(raw)
    assert UserData.load(raw) == data


def test_legacy_dict_loads() -> None:
    legacy = {
        "awaiting": {"what": "fprice", "parcel": 7, "at": 1_700_000_000},
        "pending_add": {"number": "LX1", "nickname": None},
        "whatnow_known": {"7": {"timer_over": True}},
        "dispute_at": 12.5,
        "something_old": object(),
    }
    data = UserData.load(legacy)
    assert data.pending == Pending("fprice", 7, 1_700_000_000)
    assert data.pending_add == PendingAdd("LX1")
    assert data.whatnow_known == {"7": {"timer_over": True}}
    assert data.dispute_at == 12.5


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

    from bot.present import today_in

    late_utc = datetime(2026, 12, 2, 22, 30, tzinfo=UTC)
    assert today_in(None, late_utc) == date(2026, 12, 2)
    assert today_in("Asia/Vladivostok", late_utc) == date(2026, 12, 3)
    assert today_in("America/Los_Angeles", datetime(2026, 12, 3, 5, tzinfo=UTC)) == date(
        2026, 12, 2
    )
