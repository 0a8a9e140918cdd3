"""Telegram's HTML parse mode: turn marked-up text into plain text plus MessageEntity dicts.

Only the tags Telegram accepts are allowed; anything else is rejected with the same kind of
message Telegram gives ("can't parse entities: ..."), so a bot that forgets `html.escape` fails
in tests the way it would fail in production. Offsets and lengths are in UTF-16 code units,
as in the Bot API.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EntityParseError", "parse_html", "utf16_len"]

_ENTITY_TYPES: dict[str, str] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'", "nbsp": "\u00a0"}
_CHAR_REF = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]*);")
_TAG_NAME = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_ATTRIBUTE = re.compile(
    r"\s*([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?"
)


class EntityParseError(ValueError):
    """Not valid Telegram HTML; str(error) follows "can't parse entities: " in the answer."""


@dataclass
class _OpenTag:
    name: str
    start: int  # UTF-16 offset in the output text
    attributes: dict[str, str] = field(default_factory=dict)
    language: str | None = None


def utf16_len(text: str) -> int:
    """Length of `text` in UTF-16 code units, the unit of Bot API entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(source: str, index: int) -> int:
    return len(source[:index].encode("utf-8"))


def _decode_reference(reference: str, source: str, index: int) -> str:
    if reference.startswith("#"):
        digits = reference[1:]
        code = int(digits[1:], 16) if digits[:1] in ("x", "X") else int(digits)
        if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise EntityParseError(
                f"Unsupported HTML entity at byte offset {_byte_offset(source, index)}"
            )
        return chr(code)
    decoded = _NAMED_ENTITIES.get(reference)
    if decoded is None:
        raise EntityParseError(
            f'Unsupported HTML entity "&{reference};" at byte offset {_byte_offset(source, index)}'
        )
    return decoded


def _unescape_attribute(value: str, source: str, index: int) -> str:
    return _CHAR_REF.sub(lambda m: _decode_reference(m.group(1), source, index), value)


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML into (plain text, entities) or raise EntityParseError."""
    out: list[str] = []
    position = 0  # UTF-16 length of the text produced so far
    stack: list[_OpenTag] = []
    entities: list[dict[str, Any]] = []
    i = 0
    n = len(source)
    while i < n:
        char = source[i]
        if char == "&":
            match = _CHAR_REF.match(source, i)
            if match is not None:
                decoded = _decode_reference(match.group(1), source, i)
                out.append(decoded)
                position += utf16_len(decoded)
                i = match.end()
                continue
            if i + 1 < n and (source[i + 1].isalnum() or source[i + 1] == "#"):
                # A bare "&" before a word is almost always a forgotten html.escape.
                raise EntityParseError(
                    'Character entity expected: unescaped "&" at byte offset '
                    f"{_byte_offset(source, i)}; use &amp;"
                )
            out.append("&")
            position += 1
            i += 1
            continue
        if char != "<":
            out.append(char)
            position += utf16_len(char)
            i += 1
            continue
        offset = _byte_offset(source, i)
        if source.startswith("</", i):
            end = source.find(">", i)
            if end < 0:
                raise EntityParseError(f"Unclosed end tag at byte offset {offset}")
            name = source[i + 2 : end].strip().lower()
            if not stack:
                raise EntityParseError(f'Unexpected end tag "</{name}>" at byte offset {offset}')
            tag = stack.pop()
            if tag.name != name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {offset}, expected "</{tag.name}>", '
                    f'found "</{name}>"'
                )
            _close(tag, position, stack, entities)
            i = end + 1
            continue
        name_match = _TAG_NAME.match(source, i + 1)
        if name_match is None:
            raise EntityParseError(f'Unexpected "<" at byte offset {offset}; escape it as &lt;')
        name = name_match.group(0).lower()
        if name not in _ENTITY_TYPES:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {offset}')
        attributes: dict[str, str] = {}
        j = name_match.end()
        while True:
            while j < n and source[j].isspace():
                j += 1
            if j >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {offset}")
            if source[j] == ">":
                break
            attribute = _ATTRIBUTE.match(source, j)
            if attribute is None or attribute.end() == j:
                raise EntityParseError(
                    f'Unexpected character in start tag "{name}" at byte offset '
                    f"{_byte_offset(source, j)}"
                )
            raw = attribute.group(2) or attribute.group(3) or attribute.group(4) or ""
            attributes[attribute.group(1).lower()] = _unescape_attribute(raw, source, j)
            j = attribute.end()
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
            )
        if name == "tg-emoji" and not attributes.get("emoji-id", "").isdigit():
            raise EntityParseError(f'Tag "tg-emoji" must have "emoji-id" at byte offset {offset}')
        stack.append(_OpenTag(name=name, start=position, attributes=attributes))
        i = j + 1
    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close(
    tag: _OpenTag, position: int, stack: list[_OpenTag], entities: list[dict[str, Any]]
) -> None:
    length = position - tag.start
    css_class = tag.attributes.get("class", "")
    if tag.name == "code" and stack and stack[-1].name == "pre":
        # <pre><code class="language-x"> is one pre entity with a language, as in Telegram.
        if css_class.startswith("language-"):
            stack[-1].language = css_class.removeprefix("language-")
        return
    if length <= 0:
        return
    entity: dict[str, Any] = {"offset": tag.start, "length": length}
    kind = _ENTITY_TYPES[tag.name]
    if tag.name == "a":
        url = tag.attributes.get("href")
        if not url:
            return
        entity["url"] = url
    elif tag.name == "pre" and tag.language:
        entity["language"] = tag.language
    elif tag.name == "blockquote" and "expandable" in tag.attributes:
        kind = "expandable_blockquote"
    elif tag.name == "tg-emoji":
        entity["custom_emoji_id"] = tag.attributes["emoji-id"]
    entities.append({"type": kind, **entity})
