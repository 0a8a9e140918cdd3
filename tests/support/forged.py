"""Forged button presses for the reliability suite: crafted callback data for every button
family in ``bot.ui.buttons``, and snapshots of the rows that belong to the victims.

A forged value is what a tampered client can put into callback_data (at most 64 bytes, as
Telegram enforces): other users' parcel ids, ids at and past SQLite's INTEGER range, negative
ids, digits that are digits only to ``str.isdigit`` (``²``, Arabic-Indic), garbage and stale data.
"""

from __future__ import annotations

import enum
import random
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bot.ui import buttons

__all__ = ["families", "forge", "garbage", "snapshot"]

HUGE_IDS = ("9223372036854775807", "9223372036854775808", "18446744073709551616", "9" * 19)
ODD_DIGITS = ("²", "¹²", "١٢", "０", "𝟙", "-1", "-0", "+1", "0", "00", "1e3", " 1", "0x10", "1_0")
JUNK = ("", "x", "../..", "%00", "<b>", "null", "None", "undefined", "'; DROP TABLE parcels;--")


def families() -> list[type[buttons.Callback]]:
    """Every button family (every concrete Callback subclass), so a new family is covered too."""

    def walk(cls: type[buttons.Callback]) -> Iterator[type[buttons.Callback]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return sorted(set(walk(buttons.Callback)), key=lambda f: f.prefix)


def _field(rng: random.Random, kind: Any, foreign: Sequence[int], numbers: Sequence[str]) -> str:
    if kind is int:
        roll = rng.random()
        if roll < 0.45 and foreign:
            return str(rng.choice(foreign))
        if roll < 0.65:
            return rng.choice(HUGE_IDS)
        if roll < 0.9:
            return rng.choice(ODD_DIGITS)
        return rng.choice(JUNK)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        values = [str(member.value) for member in kind]
        return rng.choice(values) if rng.random() < 0.7 else rng.choice((*JUNK, *ODD_DIGITS))
    roll = rng.random()  # str
    if roll < 0.3 and numbers:
        return rng.choice(numbers)
    if roll < 0.5:
        return rng.choice(("Europe/Moscow", "Etc/GMT+99", "../../etc/passwd", "off", "0-1440"))
    return rng.choice((*JUNK, *ODD_DIGITS, "a" * 60))


def forge(
    rng: random.Random,
    family: type[buttons.Callback],
    foreign: Sequence[int],
    numbers: Sequence[str],
) -> str:
    """Callback data of `family` with forged fields (sometimes one too many or too few)."""
    fields = [_field(rng, kind, foreign, numbers) for _n, kind, *_rest in family._field_types()]
    roll = rng.random()
    if roll < 0.1:
        fields.append(rng.choice(("1", "x", "")))
    elif roll < 0.2 and fields:
        fields.pop()
    data = ":".join([family.prefix, *fields])
    return data.encode()[:64].decode(errors="ignore") or family.prefix


def garbage(rng: random.Random) -> str:
    """Data no family packs: unknown prefixes, separators only, random Unicode."""
    pick = rng.randrange(4)
    if pick == 0:
        return rng.choice(("::::", ":", "parcel:", "parcel::1", "whatnow", "dispute:", "x:y:z"))
    if pick == 1:
        return "".join(chr(rng.randint(0x20, 0x2FFF)) for _ in range(rng.randint(1, 20)))
    if pick == 2:
        return f"{rng.choice(families()).prefix}{rng.choice(JUNK + ODD_DIGITS)}"
    return ("9" * 70)[:64]


def snapshot(db: Path, users: set[int], parcels: set[int]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table that belongs to `users` or their `parcels` (read from the file,
    as another process would)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            keys: list[tuple[str, set[int]]] = []
            for column in columns:
                if column in ("user_id", "chat_id"):
                    keys.append((column, users))
                elif column == "parcel_id":
                    keys.append((column, parcels))
            if table == "users":
                keys.append(("id", users))
            elif table == "parcels":
                keys.append(("id", parcels))
            rows = []
            for row in conn.execute(f"SELECT * FROM {table}"):
                record = dict(zip(columns, row, strict=True))
                if any(record.get(column) in ids for column, ids in keys):
                    rows.append(tuple(row))
            out[table] = sorted(rows, key=repr)
    finally:
        conn.close()
    return out
