"""Telegram's text limit, measured the way Telegram measures it, and cuts that keep HTML valid.

Telegram counts a message after HTML entity parsing (tags gone, ``&amp;`` one character) in UTF-16
code units and refuses more than 4096. A cut inside a tag or an entity (``&am``) makes the whole
message unparsable ("can't parse entities") and the message is lost, so every cut here falls
between tokens, and the tags open at a cut are closed before it and reopened after it.

Pure code (no Telegram): the handlers' sender and the push renderer both use it.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["TEXT_LIMIT", "fits", "split_html", "text_length", "truncate_html"]

TEXT_LIMIT = 4096

# A tag, a character reference, or one character; anything else is a plain character.
_TOKEN = re.compile(
    r"<[^<>]*>|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]*);|.",
    re.DOTALL,
)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9-]*)")


@dataclass(frozen=True, slots=True)
class _Token:
    raw: str
    width: int  # UTF-16 code units it shows as (0 for a tag)
    tag: str | None = None  # tag name, for tags
    closing: bool = False


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        if len(raw) > 1 and raw[0] == "<":
            name = _TAG_NAME.match(raw)
            tag = name.group(1).lower() if name else ""
            tokens.append(_Token(raw, 0, tag, raw.startswith("</")))
        elif len(raw) > 1:  # a character reference
            tokens.append(_Token(raw, _utf16(html.unescape(raw))))
        else:
            tokens.append(_Token(raw, 2 if ord(raw) > 0xFFFF else 1))
    return tokens


def text_length(text: str) -> int:
    """Length of HTML ``text`` as Telegram counts it: visible UTF-16 code units."""
    return sum(token.width for token in _tokens(text))


def fits(text: str, limit: int = TEXT_LIMIT) -> bool:
    """Whether HTML ``text`` fits in one message; cheap for the usual short text (tags and
    entities only ever shrink the raw length)."""
    return _utf16(text) <= limit or text_length(text) <= limit


def _apply(stack: list[_Token], token: _Token) -> None:
    if token.tag is None:
        return
    if not token.closing:
        stack.append(token)
        return
    for index in range(len(stack) - 1, -1, -1):
        if stack[index].tag == token.tag:
            del stack[index:]
            return


def _closing(stack: list[_Token]) -> str:
    return "".join(f"</{token.tag}>" for token in reversed(stack))


def _opening(stack: list[_Token]) -> str:
    return "".join(token.raw for token in stack)


_Cut = tuple[int, int, list[_Token]]  # (end of the part, where the next starts, tags open at end)


def _next_cut(tokens: list[_Token], start: int, stack: list[_Token], limit: int) -> _Cut:
    """Where the part that starts at ``start`` ends: the last line break that fits, else the last
    space, else the last token that fits."""
    width = 0
    open_tags = list(stack)
    line_break: _Cut | None = None
    space: _Cut | None = None
    index = start
    while index < len(tokens):
        token = tokens[index]
        if token.width and width + token.width > limit and index > start:
            break
        if token.raw == "\n":
            line_break = (index, index + 1, list(open_tags))
        elif token.raw == " ":
            space = (index, index + 1, list(open_tags))
        _apply(open_tags, token)
        width += token.width
        index += 1
    else:
        return len(tokens), len(tokens), open_tags
    for cut in (line_break, space):
        if cut is not None and cut[0] > start:
            return cut
    return index, index, open_tags


def _blank(part: str) -> bool:
    return not "".join(t.raw for t in _tokens(part) if t.tag is None).strip()


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split HTML ``text`` into messages of at most ``limit`` visible UTF-16 units each.

    Cuts at a line break where one fits, else at a space, else between two characters; never
    inside a tag or a character reference. Tags open at a cut are closed at the end of the part
    and reopened at the start of the next, so every part is valid on its own. Blank parts are
    left out.
    """
    if fits(text, limit):
        return [text]
    tokens = _tokens(text)
    parts: list[str] = []
    stack: list[_Token] = []
    start = 0
    while start < len(tokens):
        end, resume, open_at_end = _next_cut(tokens, start, stack, limit)
        body = "".join(token.raw for token in tokens[start:end])
        part = _opening(stack) + body + _closing(open_at_end)
        if not _blank(part):
            parts.append(part)
        # Tags opened or closed by the separator itself (never: it is one character) do not
        # matter; the next part starts with the tags open at the cut.
        stack = open_at_end
        start = resume
    return parts


def truncate_html(text: str, limit: int = TEXT_LIMIT, ellipsis: str = "…") -> str:
    """``text`` itself when it fits, else its beginning cut between tokens, with ``ellipsis``
    and the open tags closed, at most ``limit`` visible UTF-16 units in all."""
    if fits(text, limit):
        return text
    budget = limit - _utf16(ellipsis)
    stack: list[_Token] = []
    kept: list[str] = []
    width = 0
    for token in _tokens(text):
        if token.width and width + token.width > budget:
            break
        _apply(stack, token)
        kept.append(token.raw)
        width += token.width
    return "".join(kept) + ellipsis + _closing(stack)
