"""The callback codec: what packs unpacks the same, and nothing else unpacks at all."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Annotated

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.ui.buttons import MAX_ID, Bounded, Callback, WhatNowRemind


class Verb(enum.StrEnum):
    VIEW = "view"
    DELETE = "delete"


@dataclass(frozen=True)
class Sample(Callback, prefix="test:sample"):
    verb: Verb
    parcel_id: int
    code: str | None = None


@dataclass(frozen=True)
class Bare(Callback, prefix="test:bare"):
    pass


def test_round_trip() -> None:
    value = Sample(Verb.DELETE, 12, "ab")
    assert value.pack() == "test:sample:delete:12:ab"
    assert Sample.unpack(value.pack()) == value
    assert Sample.unpack(Sample(Verb.VIEW, 3).pack()) == Sample(Verb.VIEW, 3, None)
    assert Bare.unpack(Bare().pack()) == Bare()
    assert Bare().pack() == "test:bare"
    assert Sample(Verb.VIEW, 3).pack() == "test:sample:view:3"  # trailing optional left out


@pytest.mark.parametrize(
    "data",
    [
        "test:sample:delete",  # a required field missing
        "test:sample:delete:12:ab:extra",
        "test:sample:explode:12:ab",  # not an enum value
        "test:sample:view:-1:",  # negative id
        f"test:sample:view:{MAX_ID + 1}:",  # past SQLite's INTEGER
        "test:sample:view:²:",  # str.isdigit() says yes, int() says no
        "test:sample:view:١٢:",  # non-ASCII digits
        "test:sample:view:012:",  # a leading zero: never packed so
        "test:sample:view:00:",
        "test:sample:view:12:a b",
        "test:samplex:view:12:",
        "test:bare:1",
        "",
    ],
)
def test_crafted_data_does_not_unpack(data: str) -> None:
    assert Sample.unpack(data) is None or data.startswith("test:bare")
    assert Bare.unpack(data) is None


def test_pattern_matches_only_the_family() -> None:
    assert Sample.pattern().match("test:sample:view:1:")
    assert not Sample.pattern().match("test:samplex:view:1:")
    assert Bare.pattern().match("test:bare")


def test_pack_asserts_telegram_limit() -> None:
    assert not Sample.fits(verb=Verb.VIEW, parcel_id=1, code="x" * 60)
    with pytest.raises(AssertionError):
        Sample(Verb.VIEW, 1, "x" * 60).pack()


@given(st.text(max_size=80))
def test_no_text_crashes_unpack(data: str) -> None:
    Sample.unpack(data)
    Bare.unpack(data)


@given(st.integers(0, MAX_ID), st.sampled_from(list(Verb)))
def test_every_id_round_trips(parcel_id: int, verb: Verb) -> None:
    assert Sample.unpack(Sample(verb, parcel_id).pack()) == Sample(verb, parcel_id)


def test_every_family_has_its_own_prefix_and_old_data_still_unpacks() -> None:
    from bot.ui import buttons as cb

    families = [
        value
        for value in vars(cb).values()
        if isinstance(value, type) and issubclass(value, Callback) and value is not Callback
    ]
    prefixes = [family.prefix for family in families]
    assert len(prefixes) == len(set(prefixes))
    # Data that buttons already sent carry (wire format unchanged).
    assert cb.ParcelAction.unpack("parcel:tlpush:5") == cb.ParcelAction(
        cb.ParcelVerb.TIMELINE_FROM_PUSH, 5
    )
    assert cb.DisputeChoice.unpack("dispute:d5r:keep") == cb.DisputeChoice(
        cb.Step.KEEP_OR_RETURN, "keep"
    )
    assert cb.DisputeChoice.unpack("dispute:p:5") is None  # another family's data
    assert cb.DisputeCheckin.unpack("dispute:ci:7") == cb.DisputeCheckin(7)
    assert cb.SettingsTimezoneSet.unpack("settings:tzset:America/Argentina/Buenos_Aires")
    assert cb.WhatNowAnswer.unpack("whatnow:a:pr:7.5") == cb.WhatNowAnswer("pr", "7.5")


@dataclass(frozen=True)
class Ranged(Callback, prefix="test:ranged"):
    days: Annotated[int, Bounded(1, 60)]


def test_a_bounded_field_unpacks_only_in_range() -> None:
    assert Ranged.unpack("test:ranged:1") == Ranged(1)
    assert Ranged.unpack("test:ranged:60") == Ranged(60)
    assert Ranged.unpack("test:ranged:0") is None
    assert Ranged.unpack("test:ranged:61") is None
    # The reminder button's day count: what the advice offers, never 0 or more than 3 digits.
    assert WhatNowRemind.unpack("whatnow:rem:0:5:write_seller") is not None
    assert WhatNowRemind.unpack("whatnow:rem:0:0:write_seller") is None
    assert WhatNowRemind.unpack("whatnow:rem:00:00:write_seller") is None
    assert WhatNowRemind.unpack("whatnow:rem:0:1000:write_seller") is None
