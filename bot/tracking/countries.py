"""Country names as tracking vendors write them → ISO 3166 alpha-2 codes.

Cainiao sends English names ("Mainland China", "Israel"), not codes. A small table knows the
vendors' own spellings; Babel's English territory names cover the rest.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping

from babel import Locale

# Spellings seen from the vendors (or likely from them) that Babel's English names do not match.
VENDOR_NAMES: Mapping[str, str] = {
    "mainland china": "CN",
    "china mainland": "CN",
    "china": "CN",
    "prc": "CN",
    "hong kong": "HK",
    "hong kong china": "HK",
    "china hong kong": "HK",
    "hongkong": "HK",
    "macau": "MO",
    "macao": "MO",
    "macau china": "MO",
    "taiwan china": "TW",
    "china taiwan": "TW",
    "russian federation": "RU",
    "russia": "RU",
    "korea": "KR",
    "republic of korea": "KR",
    "korea republic of": "KR",
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "czech republic": "CZ",
    "turkey": "TR",
    "macedonia": "MK",
    "ivory coast": "CI",
    "cote divoire": "CI",
    "moldova republic of": "MD",
    "republic of moldova": "MD",
    "vietnam": "VN",
    "viet nam": "VN",
    "iran islamic republic of": "IR",
    "holland": "NL",
    "the netherlands": "NL",
    "uae": "AE",
    "bosnia and herzegovina": "BA",
    "palestine": "PS",
    "kyrgyz republic": "KG",
    "swaziland": "SZ",
    "burma": "MM",
    "congo": "CG",
    "democratic republic of the congo": "CD",
    "slovak republic": "SK",
}

_NON_WORD = re.compile(r"[^a-z0-9]+")


def _fold(name: str) -> str:
    """Case, accents, punctuation and spacing folded away: "Côte d’Ivoire" → "cote divoire"."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = plain.lower().replace("'", "")
    return _NON_WORD.sub(" ", plain).strip()


@functools.cache
def _babel_names() -> Mapping[str, str]:
    out: dict[str, str] = {}
    for code, name in Locale("en").territories.items():
        if len(code) == 2 and code.isalpha():
            out.setdefault(_fold(name), code.upper())
    return out


@functools.lru_cache(maxsize=1024)
def _lookup(folded: str) -> str | None:
    return VENDOR_NAMES.get(folded) or _babel_names().get(folded)


def country_code(value: object) -> str | None:
    """ISO alpha-2 for a code or an English country name; None for blanks and unknown names."""
    if not isinstance(value, str):
        return None
    v = value.strip()
    folded = _fold(v)
    if len(v) == 2 and v.isascii() and v.isalpha():
        return VENDOR_NAMES.get(folded) or v.upper()
    return _lookup(folded) if folded else None
