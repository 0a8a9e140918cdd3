"""Undo what people and phones do to numbers, keeping positions so we can quote the input."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# Letters typed on a Russian layout that look like Latin ones (upper and lower case).
_LOOKALIKES: Final = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
}  # fmt: skip
_BOUNDARY: Final = "_"  # any character that is neither a token nor a separator
_CACHE_LIMIT: Final = 50_000


def _map_char(ch: str) -> str:
    """Map one character to exactly one character, so positions survive normalisation."""
    if ch.isascii():
        if "a" <= ch <= "z":
            return ch.upper()
        return ch
    latin = _LOOKALIKES.get(ch.upper())
    if latin is not None:
        return latin
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1 and folded.isascii() and (folded.isalnum() or folded in ".-"):
        return folded.upper()
    category = unicodedata.category(ch)
    if category == "Zs":
        return " "
    if category == "Pd":
        return "-"
    return _BOUNDARY


class _CharMap(dict[int, str]):
    """``str.translate`` table that fills itself lazily (bounded) for non-ASCII code points."""

    def __missing__(self, codepoint: int) -> str:
        mapped = _map_char(chr(codepoint))
        if len(self) < _CACHE_LIMIT:
            self[codepoint] = mapped
        return mapped


_TABLE: Final = _CharMap()
for _cp in range(128):
    _TABLE[_cp] = _map_char(chr(_cp))

# Compiled by mypyc (``make native``), this module's ``__file__`` is the extension's.
COMPILED: Final = not __file__.endswith(".py")


def normalize(text: str) -> str:
    """Upper-case ASCII view of ``text`` with the same length (one char per char)."""
    if text.isascii():
        return text.upper()  # the table maps ASCII exactly so; upper() is far quicker
    if COMPILED:
        return _normalize_stretches(text)
    return text.translate(_TABLE)  # one C call: the fastest way for plain Python


def _normalize_stretches(text: str) -> str:
    """``text.translate(_TABLE)`` by stretches: ASCII ones through ``upper()``, the rest one
    character at a time. Compiled, this loop is 1.5-4x quicker than ``translate`` (which
    boxes every code point); as plain Python it is slower, hence ``COMPILED`` above. Both
    builds give the same text (tests/unit/test_tracknumbers_native.py compares them)."""
    table = _TABLE
    out: list[str] = []
    size = len(text)
    i = 0
    while i < size:
        j = i
        while j < size and ord(text[j]) < 128:
            j += 1
        if j > i:
            out.append(text[i:j].upper())
        i = j
        while i < size and ord(text[i]) >= 128:
            out.append(table[ord(text[i])])
            i += 1
    return "".join(out)


SEPARATORS_RE: Final = re.compile(r"[ .\-]")


def compact(number: str) -> str:
    """Normalise a single number: map characters, drop separators."""
    return SEPARATORS_RE.sub("", normalize(number)).replace(_BOUNDARY, "")
