"""Check-digit algorithms used by postal and courier numbers.

Each function takes the payload digits and returns the check character we expect, so the
explainer can tell the user which digit a correct number would have.

The sums run over the ASCII bytes (``sum(map(mul, ...))``, ``bytes.translate``) rather than one
``int()`` per character: the explainer calls these for most inputs, and this keeps the loop in C.
S10, the commonest by far, spells its eight weights out (quicker still).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import mul

_S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_S10_OFFSET = 48 * sum(_S10_WEIGHTS)  # ord("0") times the weights: undo the ASCII offset
_ALNUM36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ALNUM36_VALUE = {c: i for i, c in enumerate(_ALNUM36)}
# Letters in UPS numbers count as (ord - 3) mod 10, as carriers' own validators do.
_MOD10_VALUES = bytes((b - 48) if 48 <= b <= 57 else (b - 3) % 10 for b in range(256))
_DIGIT_VALUES = bytes((b - 48) % 256 for b in range(256))
_LUHN_DOUBLED = bytes((2 * (b - 48) - 9 if b >= 53 else 2 * (b - 48)) % 256 for b in range(256))


def _ascii(serial: str) -> bytes:
    """The serial as ASCII bytes; other Unicode decimal digits are mapped to ASCII first."""
    try:
        return serial.encode("ascii")
    except UnicodeEncodeError:
        return "".join(str(int(c)) if c.isdecimal() else c for c in serial).encode()


_DIGIT_TEXT = tuple(str(d) for d in range(10))


def s10(serial: str) -> str:
    """UPU S10: weights 8,6,4,2,3,5,9,7; 11 - (sum mod 11); 10 -> 0, 11 -> 5."""
    if len(serial) == 8 and serial.isascii() and serial.isdigit():
        d = serial.encode()  # indexing bytes gives ints
        total = (
            8 * d[0] + 6 * d[1] + 4 * d[2] + 2 * d[3] + 3 * d[4] + 5 * d[5] + 9 * d[6] + 7 * d[7]
        ) - _S10_OFFSET
    else:  # other Unicode digits count by their value
        total = sum(map(mul, _ascii(serial), _S10_WEIGHTS)) - _S10_OFFSET
    check = 11 - total % 11
    if check == 10:
        return "0"
    if check == 11:
        return "5"
    return _DIGIT_TEXT[check]


def russian_post(serial: str) -> str:
    """Russian Post 14-digit RPO: 3 x odd positions + even positions, mod 10 complement."""
    values = _ascii(serial).translate(_DIGIT_VALUES)
    return str((10 - (3 * sum(values[0::2]) + sum(values[1::2])) % 10) % 10)


def mod10(serial: str, *, evens: int = 1, odds: int = 1, reverse: bool = False) -> str:
    """Weighted sum mod 10; "evens"/"odds" are 0-based positions (after optional reversal)."""
    values = _ascii(serial[::-1] if reverse else serial).translate(_MOD10_VALUES)
    check = (sum(values[0::2]) * evens + sum(values[1::2]) * odds) % 10
    return str(0 if check == 0 else 10 - check)


def luhn(serial: str) -> str:
    rev = _ascii(serial[::-1])
    total = sum(rev[0::2].translate(_LUHN_DOUBLED)) + sum(rev[1::2].translate(_DIGIT_VALUES))
    return str((10 - total % 10) % 10)


def mod7(serial: str) -> str:
    return str(int(serial) % 7)


def weighted_mod(serial: str, *, weights: tuple[int, ...], mod1: int, mod2: int) -> str:
    values = _ascii(serial).translate(_DIGIT_VALUES)
    return str(sum(map(mul, values, weights)) % mod1 % mod2)


def mod37_36(serial: str) -> str:
    """ISO 7064 MOD 37,36 (DPD parcel numbers)."""
    cd = 36
    for c in serial:
        cd += _ALNUM36_VALUE[c]
        if cd > 36:
            cd -= 36
        cd *= 2
        if cd > 36:
            cd -= 37
    cd = 37 - cd
    if cd == 36:
        cd = 0
    return _ALNUM36[cd]


# By the name a format row gives; a format's parameters are passed as keywords.
CHECKSUMS: Mapping[str, Callable[..., str]] = {
    "s10": s10,
    "russian_post": russian_post,
    "mod10": mod10,
    "luhn": luhn,
    "mod7": mod7,
    "weighted_mod": weighted_mod,
    "mod37_36": mod37_36,
}
