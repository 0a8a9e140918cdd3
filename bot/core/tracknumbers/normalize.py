"""Undo what people and phones do to numbers, keeping positions so we can quote the input."""

from __future__ import annotations

import re
import unicodedata

# Letters typed on a Russian layout that look like Latin ones (upper and lower case).
_LOOKALIKES = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
}  # fmt: skip
# Letters typed for digits inside a number ("RR66210394ЗCN"): mapped only next to a digit. Those
# that also look like a Latin letter (О) only between two digits, so "RО…" keeps its letter.
_DIGIT_LOOKALIKES = {"З": "3", "з": "3", "б": "6", "О": "0", "о": "0"}
_BETWEEN_DIGITS_ONLY = frozenset("Оо")
_DIGIT_LOOKALIKE_RE = re.compile("[" + "".join(_DIGIT_LOOKALIKES) + "]")
_BOUNDARY = "_"  # any character that is neither a token nor a separator
_CACHE_LIMIT = 50_000


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


_TABLE = _CharMap()
for _cp in range(128):
    _TABLE[_cp] = _map_char(chr(_cp))


def normalize(text: str) -> str:
    """Upper-case ASCII view of ``text`` with the same length (one char per char)."""
    if text.isascii():
        return text.upper()  # the table maps ASCII exactly so; upper() is far quicker
    norm = text.translate(_TABLE)
    if _DIGIT_LOOKALIKE_RE.search(text) is None:
        return norm
    return _digits_inside(text, norm)


def _digits_inside(text: str, norm: str) -> str:
    """``norm`` with the digit look-alikes of ``text`` next to digits turned into digits."""
    chars = list(norm)
    last = len(chars) - 1
    for match in _DIGIT_LOOKALIKE_RE.finditer(text):
        i = match.start()
        before = i > 0 and chars[i - 1].isdigit()
        after = i < last and chars[i + 1].isdigit()
        ch = match.group()
        if (before and after) or (ch not in _BETWEEN_DIGITS_ONLY and (before or after)):
            chars[i] = _DIGIT_LOOKALIKES[ch]
    return "".join(chars)


SEPARATORS_RE = re.compile(r"[ .\-]")


def compact(number: str) -> str:
    """Normalise a single number: map characters, drop separators."""
    return SEPARATORS_RE.sub("", normalize(number)).replace(_BOUNDARY, "")
