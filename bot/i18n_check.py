"""Checks the catalogs against the code: every message translated, placeholders and tags intact,
each msgid in one catalog only.

Run by the test suite and by ``make extract``; prints one line per problem.
"""

from __future__ import annotations

import re
import string
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR, SUPPORTED

ROOT = LOCALES_DIR.parent
SOURCE_DIRS = ("bot", "handlers", "storage")
_TAG = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)")


@dataclass(frozen=True, slots=True)
class Message:
    msgid: str
    plural: str | None
    where: str


def code_messages() -> list[Message]:
    found: dict[str, Message] = {}
    for folder in SOURCE_DIRS:
        base = ROOT / folder
        if not base.is_dir():
            continue
        for filename, lineno, message, _comments, _context in extract_from_dir(
            base, method_map=[("**.py", "python")], keywords=DEFAULT_KEYWORDS
        ):
            if isinstance(message, tuple):
                msgid, plural = message[0], message[1]
            else:
                msgid, plural = message, None
            if msgid:
                found.setdefault(msgid, Message(msgid, plural, f"{folder}/{filename}:{lineno}"))
    return list(found.values())


def load_catalog(language: str, locales_dir: Path = LOCALES_DIR) -> Catalog:
    merged = Catalog(locale=language)
    for po in sorted((locales_dir / language / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=language)
        for message in catalog:
            if message.id:
                merged[message.id] = message
    return merged


def duplicates(language: str, locales_dir: Path = LOCALES_DIR) -> Iterator[str]:
    """A msgid in two catalogs: merging lets the later file win, so one translation is dead and
    the two can drift apart unseen (it happened: "delivered" read two ways)."""
    first: dict[str, str] = {}
    for po in sorted((locales_dir / language / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as fp:
            catalog = read_po(fp, locale=language)
        for message in catalog:
            msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
            if not msgid:
                continue
            if msgid in first:
                yield (
                    f"{language}: {msgid!r} is in both {first[msgid]} and {po.name} "
                    "(keep it in one catalog)"
                )
            else:
                first[msgid] = po.name


def placeholders(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<malformed format string>"}


def tags(text: str) -> Counter[str]:
    return Counter(_TAG.findall(text))


def problems(
    language: str = "ru",
    *,
    locales_dir: Path = LOCALES_DIR,
    messages: list[Message] | None = None,
) -> Iterator[str]:
    yield from duplicates(language, locales_dir)
    catalog = load_catalog(language, locales_dir)
    messages = code_messages() if messages is None else messages
    used = {m.msgid for m in messages}
    for known in catalog:
        msgid = known.id[0] if isinstance(known.id, tuple | list) else known.id
        if msgid and msgid not in used:
            yield f"{language}: obsolete entry {msgid!r} (no code uses it; remove it)"
    for message in messages:
        entry = catalog.get(message.msgid)
        if (
            entry is None
            or not entry.string
            or (isinstance(entry.string, tuple) and not all(entry.string))
        ):
            yield f"{language}: untranslated {message.msgid!r} ({message.where})"
            continue
        expected = placeholders(message.msgid) | placeholders(message.plural or "")
        forms = tuple(entry.string) if isinstance(entry.string, tuple | list) else (entry.string,)
        for form in forms:
            got = placeholders(form)
            if got != expected:
                yield (
                    f"{language}: placeholders differ in {message.msgid!r}: "
                    f"{sorted(expected)} vs {sorted(got)} ({message.where})"
                )
            if tags(form) != tags(message.msgid):
                yield f"{language}: HTML tags differ in {message.msgid!r} ({message.where})"


def main() -> int:
    found = [p for lang in SUPPORTED if lang != "en" for p in problems(lang)]
    for line in found:
        print(line)
    print(f"{len(found)} catalog problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
