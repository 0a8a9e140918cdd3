"""The table-driven check digits against plain textbook loops (one digit at a time).

The explainer reads weighted digit sums from lookup tables for speed; these oracles spell each
algorithm out the slow, obvious way, and hypothesis compares them on any serial.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.tracknumbers.checksums import luhn, mod10, russian_post, s10, weighted_mod

digits = st.text(alphabet="0123456789", min_size=1, max_size=40)
# Letters appear in UPS serials; other Unicode decimal digits count as their value.
ups_like = st.text(alphabet="0123456789ABCDEFGHJKLMNPRVWXYZ", min_size=1, max_size=20)
unicode_digits = st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩０１２３", min_size=8, max_size=8)


def _value(c: str) -> int:
    return int(c) if c.isdecimal() else (ord(c) - 3) % 10


def oracle_s10(serial: str) -> str:
    total = sum(int(c) * w for c, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return {10: "0", 11: "5"}.get(check, str(check))


def oracle_mod10(serial: str, evens: int, odds: int, reverse: bool) -> str:
    chars = serial[::-1] if reverse else serial
    total = sum(_value(c) * (evens if i % 2 == 0 else odds) for i, c in enumerate(chars))
    return str((10 - total % 10) % 10)


def oracle_luhn(serial: str) -> str:
    total = 0
    for i, c in enumerate(reversed(serial)):
        d = int(c)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def oracle_weighted(serial: str, weights: tuple[int, ...], mod1: int, mod2: int) -> str:
    return str(sum(int(c) * w for c, w in zip(serial, weights, strict=False)) % mod1 % mod2)


@settings(max_examples=300)
@given(st.text(alphabet="0123456789", min_size=8, max_size=8))
def test_s10_matches_the_textbook_sum(serial: str) -> None:
    assert s10(serial) == oracle_s10(serial)


@given(unicode_digits)
def test_s10_reads_other_unicode_digits_by_value(serial: str) -> None:
    assert s10(serial) == oracle_s10(serial)


@settings(max_examples=300)
@given(digits, st.sampled_from([(3, 1), (1, 3), (1, 2), (1, 1)]), st.booleans())
def test_mod10_matches_the_textbook_sum(serial: str, weights: tuple[int, int], rev: bool) -> None:
    evens, odds = weights
    assert mod10(serial, evens=evens, odds=odds, reverse=rev) == oracle_mod10(
        serial, evens, odds, rev
    )


@given(ups_like)
def test_mod10_counts_letters_as_ups_does(serial: str) -> None:
    assert mod10(serial, evens=1, odds=2) == oracle_mod10(serial, 1, 2, False)


@settings(max_examples=300)
@given(digits)
def test_luhn_and_russian_post_match_the_textbook_sums(serial: str) -> None:
    assert luhn(serial) == oracle_luhn(serial)
    rp = sum(int(c) * (3 if i % 2 == 0 else 1) for i, c in enumerate(serial))
    assert russian_post(serial) == str((10 - rp % 10) % 10)


@pytest.mark.parametrize(
    "weights", [(3, 1, 7) * 3 + (3, 1), (1, 7, 3) * 4 + (1,)], ids=["fedex11", "fedex13"]
)
@settings(max_examples=200)
@given(serial=digits)
def test_weighted_mod_matches_the_textbook_sum(weights: tuple[int, ...], serial: str) -> None:
    assert weighted_mod(serial, weights=weights, mod1=11, mod2=10) == oracle_weighted(
        serial, weights, 11, 10
    )


def test_known_numbers() -> None:
    assert s10("47312482") == "9"  # the S10 standard's own example
    assert luhn("7992739871") == "3"  # the classic Luhn example
    assert mod10("123456789", evens=3, odds=1) == oracle_mod10("123456789", 3, 1, False)
