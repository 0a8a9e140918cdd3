"""Catalogs against the code: complete, placeholders and tags intact, plural forms right."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.i18n import ngettext, normalize_language, translate, use_language
from bot.i18n_check import Message, problems

PO_HEADER = """msgid ""
msgstr ""
"Language: ru\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && \
(n%100<10 || n%100>=20) ? 1 : 2);\\n"

"""


def test_every_message_in_the_code_is_translated_into_russian() -> None:
    found = list(problems("ru"))
    assert found == [], "\n".join(found)


def _catalog(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "x.po").write_text(PO_HEADER + body, encoding="utf-8")
    return tmp_path


def test_the_check_catches_missing_translations_and_changed_placeholders(tmp_path: Path) -> None:
    locales = _catalog(
        tmp_path,
        'msgid "Hello {name}"\nmsgstr "Привет {имя}"\n\n'
        'msgid "<b>Bold</b>"\nmsgstr "Жирный"\n\n'
        'msgid "Old text"\nmsgstr "Старый текст"\n',
    )
    messages = [
        Message("Hello {name}", None, "a.py:1"),
        Message("<b>Bold</b>", None, "a.py:2"),
        Message("Untranslated", None, "a.py:3"),
    ]
    found = "\n".join(problems("ru", locales_dir=locales, messages=messages))
    assert "placeholders differ in 'Hello {name}'" in found
    assert "HTML tags differ in '<b>Bold</b>'" in found
    assert "untranslated 'Untranslated'" in found
    assert "obsolete entry 'Old text'" in found


def test_the_check_catches_a_msgid_defined_in_two_catalogs(tmp_path: Path) -> None:
    locales = _catalog(tmp_path, 'msgid "delivered"\nmsgstr "вручена"\n')
    other = locales / "ru" / "LC_MESSAGES" / "y.po"
    other.write_text(PO_HEADER + 'msgid "delivered"\nmsgstr "доставлена"\n', encoding="utf-8")
    found = list(problems("ru", locales_dir=locales, messages=[Message("delivered", None, "a")]))
    assert found == ["ru: 'delivered' is in both x.po and y.po (keep it in one catalog)"]


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, "1 день"), (2, "2 дня"), (4, "4 дня"), (5, "5 дней"), (11, "11 дней"), (21, "21 день")],
)
def test_russian_plural_forms(n: int, expected: str) -> None:
    with use_language("ru"):
        assert ngettext("{n} day", "{n} days", n).format(n=n) == expected


def test_english_is_the_message_itself() -> None:
    assert translate("Main menu", "en") == "Main menu"
    assert translate("Main menu", "ru") == "Главное меню"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("ru", "ru"), ("ru-RU", "ru"), ("en-GB", "en"), ("de", "en"), (None, "en"), ("", "en")],
)
def test_telegram_language_codes(code: str | None, expected: str) -> None:
    assert normalize_language(code) == expected
