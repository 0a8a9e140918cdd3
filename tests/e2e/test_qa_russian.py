"""QA 2026-12-02, section D (and C3, C6): Russian and English worth reading, through the chat.

Each test is named after its QA item. The phrasings are tables (both languages): what the
buyer must read, and what no native would write.
"""

from __future__ import annotations

import csv
import io

import pytest

from bot.emulator.models import StoredMessage
from tests.support.app import BotHarness
from tests.support.scenarios import add_parcel, ago, labels, texts

NUMBER = "RB123456785CN"
RPO = "10204563123450"  # a domestic Russian Post number, check digit right
RPO_TYPO = "10204563123451"  # the same with the last digit mistyped


def _links(message: StoredMessage) -> list[str]:
    return [e["url"] for e in message.entities if e.get("type") == "text_link"]


# --- names in quotes, the sentence built around them ---------------------------------------

NAMES = [
    # language, name, reply to /add, the order-facts header, the rename prompt
    (
        "ru",
        "чехол для телефона",
        "Слежу за посылкой «чехол для телефона».",
        "Данные заказа: «чехол для телефона»",
        "Как назвать посылку «чехол для телефона»?",
    ),
    (
        "en",
        "phone case",
        "Now watching “phone case”.",
        "Order facts for “phone case”",
        "Send a new name for “phone case”",
    ),
]


@pytest.mark.parametrize(("language", "name", "watching", "facts", "rename"), NAMES)
async def test_qa_d_names_in_quotes(
    bot: BotHarness, language: str, name: str, watching: str, facts: str, rename: str
) -> None:
    """«Данные заказа для чехол для телефона», «Слежу за посылкой чехол для телефона»."""
    user = bot.user(language_code=language)
    replies = await user.send(f"/add {NUMBER} {name}")
    said = texts(replies)
    assert watching in said
    await user.press("🧾")
    assert facts in user.last_reply().text
    await user.press("⬅️")
    await user.press("✏️")
    assert rename in user.last_reply().text
    for wrong in ("Данные заказа для", "для чехол", "за посылкой чехол", "название для"):
        assert wrong not in texts(user.messages)


async def test_qa_d_names_in_quotes_a_bare_number_stays_bare(bot: BotHarness) -> None:
    """A parcel without a name shows its track number, a code, not a name: no quotes."""
    user = bot.user(language_code="ru")
    replies = await user.send(f"/add {NUMBER}")
    assert f"Слежу за посылкой {NUMBER}." in texts(replies)
    await user.press("🧾")
    assert f"Данные заказа: {NUMBER}" in user.last_reply().text


# --- numerals agree; no "до 21 день", no "Уже 10 дней" at 20 days --------------------------

AGREEMENT = [
    # language, days since shipping, what the advice must say, what it must not say
    ("ru", 20, "Когда отслеживания нет 10 дней и дольше", "Уже 10 дней"),
    ("ru", 45, "Когда отслеживания нет 10 дней и дольше", "Уже 10 дней"),
    ("en", 20, "10 days or more without tracking", "After 10 days without tracking"),
]


@pytest.mark.parametrize(("language", "shipped", "says", "never"), AGREEMENT)
async def test_qa_d_more_than_ten_days(
    bot: BotHarness, language: str, shipped: int, says: str, never: str
) -> None:
    """«Уже 10 дней без отслеживания» was shown at 20 days (and 352)."""
    user = bot.user(language_code=language)
    await add_parcel(
        bot,
        user.id,
        NUMBER,
        language,
        shipped_on=ago(bot, shipped),
        protection_deadline=ago(bot, -30),
        price_amount=7.0,
        price_currency="USD",
    )
    await user.send("/whatnow")
    await user.press("Ничего не находится" if language == "ru" else "Nothing found anywhere")
    await user.press("Нет" if language == "ru" else "No")  # not written to the seller yet
    advice = texts(user.messages[-3:])
    assert says in advice
    assert never not in advice


CUSTOMS = [
    # language, what the customs advice says, what no native writes
    ("ru", "Таможня обычно укладывается в 21 день", "до 21 день"),
    ("en", "Customs usually takes up to about 21 days", "up to about 21 day."),
]


@pytest.mark.parametrize(("language", "says", "never"), CUSTOMS)
async def test_qa_d_plural_after_do(bot: BotHarness, language: str, says: str, never: str) -> None:
    """«…может занять примерно до 21 день»: the {days} plural was put after «до»."""
    user = bot.user(language_code=language)
    pid = await add_parcel(
        bot,
        user.id,
        NUMBER,
        language,
        shipped_on=ago(bot, 40),
        protection_deadline=ago(bot, -30),
        price_amount=7.0,
        price_currency="USD",
    )
    now = bot.clock.now()
    await bot.services.storage.parcels.update_tracking(
        pid,
        status="in_customs",
        last_checked_at=int(now.timestamp()),
        last_event_at=int(now.timestamp()) - 25 * 86400,
    )
    await user.send("/whatnow")
    await user.press("Нет" if language == "ru" else "No")  # not written to the seller yet
    advice = texts(user.messages[-3:])
    assert says in advice
    assert never not in advice
    assert "примерно до" not in advice and "около 21" not in advice


async def test_qa_d_timer_is_over_agrees_with_timer(bot: BotHarness) -> None:
    """«[1] Уже истекла» under a question about «таймер» (masculine)."""
    user = bot.user(language_code="ru")
    await user.send("/whatnow")
    assert "таймере" in user.last_reply().text
    assert "Уже истёк" in labels(user)
    assert "Уже истекла" not in labels(user)


# --- numbers and money by Babel --------------------------------------------------------------

MONEY = [
    # language, typed price, what the card shows, what it never shows
    ("ru", "1 890 ₽", "Цена: 1\u00a0890\u00a0₽ (≈ 21\u00a0$).", "приблизительно"),
    ("ru", "1,99 $", "Цена: 1,99\u00a0$.", "1.99 USD"),
    ("en", "$1.99", "Price: $1.99.", "1.99 USD"),
    ("en", "1890 rub", "Price: RUB\u00a01,890 (≈ $21).", "approximately"),
]


@pytest.mark.parametrize(("language", "typed", "shown", "never"), MONEY)
async def test_qa_d_money_format(
    bot: BotHarness, language: str, typed: str, shown: str, never: str
) -> None:
    """`1 890 RUB (≈ $21.00, приблизительно)`, `Цена: 1.99 USD`: Babel's format for the reader."""
    user = bot.user(language_code=language)
    await user.send(f"/add {NUMBER}")
    await user.press("🧾")
    await user.press("💵")
    replies = await user.send(typed)
    card = replies[-1].text
    assert shown in card
    assert never not in card


@pytest.mark.parametrize(
    ("language", "says"),
    [("ru", "У товаров дешевле 5 $ трека часто нет"), ("en", "For an item under $5,")],
)
async def test_qa_d_money_format_in_texts(bot: BotHarness, language: str, says: str) -> None:
    """`до $5.00`, `$0.50`: a sum inside a Russian sentence is «5 $»."""
    user = bot.user(language_code=language)
    await add_parcel(bot, user.id, NUMBER, language, price_amount=3.0, price_currency="USD")
    replies = await user.send(NUMBER)
    said = texts(replies)
    assert says in said
    if language == "ru":
        assert "$5" not in said


# --- /export in the reader's language --------------------------------------------------------


async def test_qa_d_export_localized(bot: BotHarness) -> None:
    """`/export` CSV had English headers and raw codes (`not_found`) for Russian users."""
    user = bot.user(language_code="ru")
    await user.send("/start")
    await add_parcel(
        bot, user.id, NUMBER, "ru", price_amount=1.99, price_currency="USD", shipped_on=ago(bot, 3)
    )
    replies = await user.send("/export")
    (document,) = [m.document for m in replies if m.document is not None]
    data = document.data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(data), delimiter=";"))
    assert rows[0]["Трек-номер"] == NUMBER
    assert rows[0]["Статус"] == "пока не найдена"
    assert rows[0]["Цена"] == "1,99"  # a number to a Russian spreadsheet
    assert rows[0]["Код статуса"] == "not_found"  # the stable column for scripts
    assert "number" not in rows[0] and "not_found" not in rows[0]["Статус"]


# --- stiff wording, English plain ------------------------------------------------------------


async def test_qa_d_stiff_cancel_wording(bot: BotHarness) -> None:
    """`Хорошо, без вопросов.` after cancelling the questions."""
    user = bot.user(language_code="ru")
    await user.send("/whatnow")
    await user.press("✖️ Отмена")
    reply = user.last_reply().text
    assert "Хорошо, не буду спрашивать." in reply
    assert "без вопросов" not in reply


CHECK_DIGIT = [
    ("en", "The correct check digit there would be 5.", "With a correct check digit"),
    ("ru", "Правильная контрольная цифра здесь — 5.", "там стояло бы"),
]


@pytest.mark.parametrize(("language", "says", "never"), CHECK_DIGIT)
async def test_qa_d_check_digit_wording(
    bot: BotHarness, language: str, says: str, never: str
) -> None:
    """English: `With a correct check digit it would end in 5 there.`"""
    user = bot.user(language_code=language)
    replies = await user.send("/add RB123456784CN")
    said = texts(replies)
    assert says in said and never not in said


# --- C3: Russian Post's domestic numbers -----------------------------------------------------


async def test_qa_c3_russian_post_domestic_number_says_where_to_track(bot: BotHarness) -> None:
    """`10204563123450` → «Отслеживается только внутри страны отправления» to a Russian buyer."""
    user = bot.user(language_code="ru")
    (good,) = await user.send(RPO)
    assert "✅ Отслеживается на сайте Почты России, внутри России" in good.text
    assert "страны отправления" not in good.text
    assert f"https://www.pochta.ru/tracking?barcode={RPO}" in _links(good)


async def test_qa_c3_mistyped_russian_post_number_keeps_the_russian_post_link(
    bot: BotHarness,
) -> None:
    """A mistyped one said «отслеживается на сайте Почты России» but gave no link."""
    user = bot.user(language_code="ru")
    (typo,) = await user.send(RPO_TYPO)
    assert "Когда узнаете верный номер, проверьте его на сайте Почты России." in typo.text
    assert "https://www.pochta.ru/tracking" in _links(typo)
    assert not any("barcode=" in url for url in _links(typo))  # never a lookup of the typo


# --- C6: /help truthful; percentages in words ------------------------------------------------

HELP = [
    ("ru", "Cainiao, 17TRACK и Почту России", "Я ничего никому не передаю."),
    ("en", "Cainiao, 17TRACK and Russian Post", "Nothing is shared with anyone."),
]


@pytest.mark.parametrize(("language", "says", "never"), HELP)
async def test_qa_c6_help_truthful(bot: BotHarness, language: str, says: str, never: str) -> None:
    """`/help` said "Nothing is shared with anyone" while the numbers go to the trackers."""
    user = bot.user(language_code=language)
    (reply,) = await user.send("/help")
    assert says in reply.text
    assert never not in reply.text


PERCENTAGES = [
    ("ru", "10204563123450", "вероятно, Почта России (внутренний номер)"),
    ("ru", "LX299455986CN", "Почта Китая (Китай)"),
    ("en", "YT2229521272164446", "Less likely, it could also be: YTO Express (domestic China)"),
    ("en", "10204563123451", "possibly Russian Post (domestic)"),
]


@pytest.mark.parametrize(("language", "text", "says"), PERCENTAGES)
async def test_qa_c6_percentages_are_words(
    bot: BotHarness, language: str, text: str, says: str
) -> None:
    """The bare `95%`, `59%` in the explanations were never explained."""
    user = bot.user(language_code=language)
    replies = await user.send(text)
    said = texts(replies)
    assert says in said
    assert "%" not in said


# --- A4: digits-only numbers from a Chinese courier ------------------------------------------

DIGITS_ONLY = [
    ("en", "4312345678901", "🟠 Carrier-local number: ask the seller for the international one"),
    ("en", "773012345678901", "Digits only: usually a courier's number inside China."),
    ("ru", "773012345678901", "обычно внутренний номер китайской курьерской службы"),
    ("en", "75312345678901", "If the seller gave you this number, it is more likely a courier's"),
    ("ru", "75312345678901", "Если этот номер дал продавец, то, скорее всего, это внутренний"),
]


@pytest.mark.parametrize(("language", "number", "says"), DIGITS_ONLY)
async def test_qa_a4_digits_only_numbers_are_local_chinese_numbers(
    bot: BotHarness, language: str, number: str, says: str
) -> None:
    """`75312345678901` was only "typo or fake … Russian Post"; 13/15 digits "not a format"."""
    user = bot.user(language_code=language)
    replies = await user.send(f"The seller gave me {number} as tracking")
    said = texts(replies)
    assert says in said
    assert "Not a format we know" not in said and "Неизвестный нам формат" not in said
