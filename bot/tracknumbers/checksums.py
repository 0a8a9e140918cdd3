"""Check-digit algorithms used by postal and courier numbers.

Each function takes the payload digits and returns the check character we expect, so the
explainer can tell the user which digit a correct number would have.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_ALNUM36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def s10(serial: str) -> str:
    """UPU S10: weights 8,6,4,2,3,5,9,7; 11 - (sum mod 11); 10 -> 0, 11 -> 5."""
    d = [int(x) for x in serial]
    total = 8 * d[0] + 6 * d[1] + 4 * d[2] + 2 * d[3] + 3 * d[4] + 5 * d[5] + 9 * d[6] + 7 * d[7]
    check = 11 - total % 11
    if check == 10:
        return "0"
    if check == 11:
        return "5"
    return str(check)


def russian_post(serial: str) -> str:
    """Russian Post 14-digit RPO: 3 x odd positions + even positions, mod 10 complement."""
    odd = sum(int(d) for d in serial[0::2])
    even = sum(int(d) for d in serial[1::2])
    return str((10 - (3 * odd + even) % 10) % 10)


def _char_value(c: str) -> int:
    # Letters in UPS numbers count as (ord - 3) mod 10, as carriers' own validators do.
    return int(c) if c.isdigit() else (ord(c) - 3) % 10


def mod10(serial: str, *, evens: int = 1, odds: int = 1, reverse: bool = False) -> str:
    """Weighted sum mod 10; "evens"/"odds" are 0-based positions (after optional reversal)."""
    seq = serial[::-1] if reverse else serial
    total = 0
    for i, c in enumerate(seq):
        total += _char_value(c) * (odds if i % 2 else evens)
    check = total % 10
    return str(0 if check == 0 else 10 - check)


def luhn(serial: str) -> str:
    total = 0
    for i, c in enumerate(reversed(serial)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def mod7(serial: str) -> str:
    return str(int(serial) % 7)


def weighted_mod(serial: str, *, weights: tuple[int, ...], mod1: int, mod2: int) -> str:
    total = sum(int(d) * w for d, w in zip(serial, weights, strict=False))
    return str(total % mod1 % mod2)


def mod37_36(serial: str) -> str:
    """ISO 7064 MOD 37,36 (DPD parcel numbers)."""
    cd = 36
    for c in serial:
        cd += _ALNUM36.index(c)
        if cd > 36:
            cd -= 36
        cd *= 2
        if cd > 36:
            cd -= 37
    cd = 37 - cd
    if cd == 36:
        cd = 0
    return _ALNUM36[cd]


CHECKSUMS: Mapping[str, Callable[..., str]] = {
    "s10": s10,
    "russian_post": russian_post,
    "mod10": mod10,
    "luhn": luhn,
    "mod7": mod7,
    "weighted_mod": weighted_mod,
    "mod37_36": mod37_36,
}


def expected(kind: str, serial: str, params: Mapping[str, Any]) -> str:
    return CHECKSUMS[kind](serial, **params)
