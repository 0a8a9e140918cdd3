"""Chat and command-line output: localized, escaped, well-formed, within Telegram's limits."""

from __future__ import annotations

import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.tracknumbers import analyze, find_numbers
from bot.core.tracknumbers.checksums import russian_post, s10
from bot.core.tracknumbers.render import (
    TELEGRAM_LIMIT,
    explain_main,
    render_chat,
    render_text,
    visible_length,
)
from bot.i18n import use_language

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locales/ru/LC_MESSAGES/explain.po"
ALLOWED = {"b", "i", "code", "a"}


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalog() -> None:
    mo = PO.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < PO.stat().st_mtime:
        subprocess.run(
            [str(ROOT / ".venv/bin/pybabel"), "compile", "-i", str(PO), "-o", str(mo)],
            check=True,
            capture_output=True,
        )
    from bot.i18n import translations

    translations.cache_clear()


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.errors.append(f"tag {tag}")
        if tag == "a" and [name for name, _ in attrs] != ["href"]:
            self.errors.append("a without exactly href")
        if tag != "a" and attrs:
            self.errors.append(f"attributes on {tag}")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced {tag}")


def assert_telegram_ok(message: str) -> None:
    assert 0 < visible_length(message) <= TELEGRAM_LIMIT
    checker = _Checker()
    checker.feed(message)
    checker.close()
    assert not checker.errors and not checker.stack, (checker.errors, message)
    # Only our tags and entities: a stray "<" or "&" from user text would break parsing.
    bare = re.sub(r"</?(?:b|i|code)>|<a href=\"[^\"<>]*\">|</a>", "", message)
    assert "<" not in bare and ">" not in bare
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#x27;)", bare)


def test_single_number_answer_in_both_languages() -> None:
    found = find_numbers("lx 299-455-986 cn")
    with use_language("en"):
        (en,) = render_chat(found)
    with use_language("ru"):
        (ru,) = render_chat(found)
    # QA A3 / issue 11: an L… number is "usually tracked, not in every country", never ✅.
    assert "Usually tracked (letter post express, ePacket type), not in every country" in en
    assert "Обычно отслеживается" in ru and "✅" not in en + ru
    assert "Китай" in ru and "China" in en  # Babel's localized country names
    assert '<a href="https://t.17track.net/en#nums=LX299455986CN">17TRACK</a>' in en
    for message in (en, ru):
        assert_telegram_ok(message)


def test_wrong_check_digit_message_names_the_expected_digit() -> None:
    (msg,) = render_chat(find_numbers("RB123456786US"))
    assert "Probably a typo or a fake number" in msg and "<code>5</code>" in msg


def test_price_tiers() -> None:
    found = find_numbers("LX299455986CN")
    assert "under $5" in render_chat(found, price_usd=3)[-1]
    assert "up to $10" in render_chat(found, price_usd=8)[-1]
    assert "over $10" in render_chat(found, price_usd=25)[-1]
    assert "$" not in render_chat(found)[-1]


def test_user_text_is_escaped() -> None:
    found = find_numbers("<b>lx 299-455-986 cn</b> & 'LX 299 455 986 CN'")
    for message in render_chat(found):
        assert_telegram_ok(message)


def test_many_numbers_are_split_between_numbers_and_truncation_is_said() -> None:
    numbers = [f"RB{i:08d}{s10(f'{i:08d}')}GB" for i in range(60)]
    found = find_numbers(" ".join(numbers), limit=60)
    messages = render_chat(found)
    assert len(messages) > 1
    for message in messages:
        assert_telegram_ok(message)
    assert sum(m.count("<code>RB") for m in messages) == 60
    truncated = render_chat(find_numbers(" ".join(numbers)))
    assert "40 more were left out" in truncated[0]
    with use_language("ru"):
        assert "ещё 40 номеров пропущено" in render_chat(find_numbers(" ".join(numbers)))[0]


def test_plain_text_has_no_tags() -> None:
    text = render_text(find_numbers("LX299455986CN"))
    assert "<" not in text and "17TRACK (https://t.17track.net/en#nums=LX299455986CN)" in text


def test_cli_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert explain_main(["my parcel", "LX299455986CN", "--lang", "ru"]) == 0
    assert "Обычно отслеживается" in capsys.readouterr().out  # L…: not green-certain
    assert explain_main(["LX299455986CN and rb123456786us", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["number"] for d in data] == ["LX299455986CN", "RB123456786US"]
    assert data[1]["check_digit"] == "invalid" and data[1]["trackability"] == "invalid"
    assert explain_main(["nothing here", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert explain_main(["--lang", "de", "x"]) == 2


_noisy = st.text(
    alphabet=st.sampled_from(list("LXRBCNGU0123456789 -.,<>&\"'/АВЕКМНОРСТУХ０１ＬＸ\n")),
    max_size=300,
)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=400), _noisy))
def test_arbitrary_text_never_raises_and_messages_fit(text: str) -> None:
    found = find_numbers(text)
    assert len(found.items) <= 20
    for lang in ("en", "ru"):
        with use_language(lang):
            for message in render_chat(found, price_usd=7.5):
                assert_telegram_ok(message)
            render_text(found)
    for item in found.items:
        json.dumps(item.to_json())
        analyze(item.input)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_analyze_never_raises(text: str) -> None:
    analyze(text).to_json()


def _placeholders(s: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", s))


def test_russian_catalog_is_complete_and_placeholders_match() -> None:
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    with PO.open("rb") as fp:
        catalog = read_po(fp)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strs), message.id
        for translated in strs:
            assert _placeholders(str(translated)) == _placeholders(str(ids[-1])), message.id
    used = {
        msg[2] if isinstance(msg[2], str) else msg[2][0]
        for msg in extract_from_dir(str(ROOT / "bot/core/tracknumbers"))
    }
    missing = {m for m in used if m not in catalog}
    assert not missing


# --- QA regressions ---------------------------------------------------------------------------

_ANCHOR = re.compile(r'<a href="([^"]*)">([^<]*)</a>')


def _anchors(message: str) -> list[tuple[str, str]]:
    return [(url, name) for url, name in _ANCHOR.findall(message)]


def test_link_names_are_localized_in_russian() -> None:
    rpo = "1234567890123" + russian_post("1234567890123")
    text = f"{rpo} RB123456785RU LX299455986CN 1234567890 RB123456785CA"
    with use_language("ru"):
        messages = render_chat(find_numbers(text))
    names = [name for message in messages for _url, name in _anchors(message)]
    assert "Почта России (внутренний номер)" in names
    assert "Почта России" in names  # the issuing post of an RU number
    assert "Почта России (посылки в Россию)" in names
    assert "СДЭК" in names and "Почта Канады" in names
    assert {"17TRACK", "Cainiao"} <= set(names)  # brands stay
    assert not any("Post" in name for name in names), names
    assert "Почта Китая (Китай)" in "".join(messages)  # the headline, too


def test_china_post_number_answer_links() -> None:
    (msg,) = render_chat(find_numbers("LX299455986CN"))
    assert [name for _url, name in _anchors(msg)] == [
        "17TRACK",
        "Cainiao",
        "Russian Post (parcels to Russia)",
    ]
    assert "https://global.cainiao.com/newDetail.htm?mailNoList=LX299455986CN" in msg


def test_small_alternatives_to_a_valid_check_digit_are_left_out_of_the_chat() -> None:
    found = find_numbers("LX299455986CN")
    (msg,) = render_chat(found)
    assert "could also be" not in msg and "DHL" not in msg
    # The JSON keeps them.
    alternatives = found.items[0].to_json()["alternatives"]
    assert [(alt["format"], alt["confidence"]) for alt in alternatives] == [("dhl_ecommerce", 0.07)]
    # Without a check digit to vouch for the best reading, a 10% alternative stays.
    (yt,) = render_chat(find_numbers("YT2229521272164446"))
    assert "Less likely, it could also be: YTO Express (domestic China)" in yt
    assert "%" not in yt  # confidence in words, never a bare percentage (QA C6)


@pytest.mark.parametrize("text", ["LX000000000CN", "track LX000000000CN pls", "LX000000000CN ok"])
def test_wrong_check_digit_beats_a_weak_reading_in_the_answer(text: str) -> None:
    (msg,) = render_chat(find_numbers(text))
    assert msg.startswith("<code>LX000000000CN</code>")
    assert "❌ <b>Probably a typo or a fake number</b>" in msg
    assert "the right one would be <code>5</code>." in msg
    assert "✅" not in msg


def test_header_counts_every_number_of_a_long_list() -> None:
    numbers = [f"LX{i:08d}{(int(s10(f'{i:08d}')) + 1) % 10}CN" for i in range(285)]
    messages = render_chat(find_numbers(" ".join(numbers)))
    assert messages[0].startswith("I found 285 numbers and explain the first 20; 265 more")


def test_17track_link_follows_the_reader_language() -> None:
    found = find_numbers("LX299455986CN")
    with use_language("ru"):
        (ru,) = render_chat(found)
    assert '<a href="https://t.17track.net/ru#nums=LX299455986CN">17TRACK</a>' in ru
    assert "17track.net/en#" not in ru


def test_no_tracking_links_for_a_reading_with_a_wrong_check_digit() -> None:
    (wrong,) = render_chat(find_numbers("80085412345678"))  # Russian Post check digit fails
    # Only the other reading (DHL eCommerce) keeps its per-number links; Russian Post's search
    # page stays, to type the corrected number into (QA C3).
    assert "barcode=" not in wrong
    assert '<a href="https://www.pochta.ru/tracking">Russian Post site</a>' in wrong
    (bad_s10,) = render_chat(find_numbers("RB123456786US"))
    assert "<a href" not in bad_s10
    (good,) = render_chat(find_numbers("RB123456785CN"))
    assert "17track.net" in good


def test_registered_numbers_keep_the_certain_verdict() -> None:
    with use_language("en"):
        (en,) = render_chat(find_numbers("RB123456785CN"))
    with use_language("ru"):
        (ru,) = render_chat(find_numbers("RB123456785CN"))
    assert "✅ <b>Tracked internationally</b>" in en and "Отслеживается по всему пути" in ru
