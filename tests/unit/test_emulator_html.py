"""Telegram HTML parse mode as the emulator implements it."""

from __future__ import annotations

import pytest

from bot.emulator.html import EntityParseError, parse_html, utf16_len


def test_plain_text_and_character_references() -> None:
    assert parse_html("a &lt;b&gt; &amp; &quot;c&quot; &#33; &#x41;") == ('a <b> & "c" ! A', [])
    assert parse_html("a & b") == ("a & b", [])


def test_nested_tags_give_sorted_entities_with_utf16_offsets() -> None:
    text, entities = parse_html("😀 <b>bold <i>both</i></b> <u>u</u>")
    assert text == "😀 bold both u"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "underline", "offset": 13, "length": 1},
    ]


@pytest.mark.parametrize(
    ("markup", "entity"),
    [
        ("<strong>x</strong>", {"type": "bold"}),
        ("<em>x</em>", {"type": "italic"}),
        ("<ins>x</ins>", {"type": "underline"}),
        ("<del>x</del>", {"type": "strikethrough"}),
        ("<strike>x</strike>", {"type": "strikethrough"}),
        ("<s>x</s>", {"type": "strikethrough"}),
        ('<span class="tg-spoiler">x</span>', {"type": "spoiler"}),
        ("<tg-spoiler>x</tg-spoiler>", {"type": "spoiler"}),
        (
            '<a href="https://e.org/?a=1&amp;b=2">x</a>',
            {"type": "text_link", "url": "https://e.org/?a=1&b=2"},
        ),
        ("<code>x</code>", {"type": "code"}),
        ("<pre>x</pre>", {"type": "pre"}),
        (
            '<pre><code class="language-python">x</code></pre>',
            {"type": "pre", "language": "python"},
        ),
        ("<blockquote>x</blockquote>", {"type": "blockquote"}),
        ("<blockquote expandable>x</blockquote>", {"type": "expandable_blockquote"}),
        (
            '<tg-emoji emoji-id="5368324170671202286">x</tg-emoji>',
            {"type": "custom_emoji", "custom_emoji_id": "5368324170671202286"},
        ),
        ("<B>x</B>", {"type": "bold"}),
    ],
)
def test_every_telegram_tag(markup: str, entity: dict[str, str]) -> None:
    assert parse_html(markup) == ("x", [{**entity, "offset": 0, "length": 1}])


def test_empty_elements_give_no_entity() -> None:
    assert parse_html("<b></b>a<a>link</a>") == ("alink", [])


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("AT&T", 'unescaped "&" at byte offset 2'),
        ("&nbsp &foo;", "unescaped"),
        ("&foo;", 'Unsupported HTML entity "&foo;"'),
        ("x < y", 'Unexpected "<" at byte offset 2'),
        ("я<br>", 'Unsupported start tag "br" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>", found "</b>"'),
        ("x</b>", 'Unexpected end tag "</b>"'),
        ("<span>x</span>", 'must have class "tg-spoiler"'),
        ("<tg-emoji>x</tg-emoji>", "emoji-id"),
        ("<b", "Unclosed start tag"),
        ("<b>x</b", "Unclosed end tag"),
        ("<b/>", "Unexpected character"),
    ],
)
def test_invalid_markup(markup: str, message: str) -> None:
    with pytest.raises(EntityParseError) as error:
        parse_html(markup)
    assert message in str(error.value)


def test_utf16_len_counts_surrogate_pairs() -> None:
    assert utf16_len("a😀я") == 4
