"""Pasted track numbers in chat, end to end in both languages."""

from __future__ import annotations

from bot.emulator.models import StoredMessage
from tests.support.app import BotHarness


async def test_one_valid_s10_number_in_english(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    replies = await user.send("my order LX299455986CN where is it?")
    assert len(replies) == 1
    text = replies[0].text
    assert "LX299455986CN" in text
    assert "China" in text
    assert replies[0].button_data("👁 Watch this parcel") == "watch:add:LX299455986CN"
    assert replies[0].button_data("🧭 What should I do now?") == "whatnow:n:LX299455986CN"


async def test_one_number_in_russian_with_cyrillic_lookalikes(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    # Typed on a Russian keyboard: Cyrillic С and Н look like C and H; spaces inside.
    replies = await user.send("трек RС 6228 7513 5 СN")
    text = replies[0].text
    assert "RC622875135CN" in text
    assert "Китай" in text
    assert any("Следить" in label for row in replies[0].buttons for label in row)


async def test_wrong_check_digit_is_called_out(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    replies = await user.send("RF622875134CN")
    text = replies[0].text.lower()
    assert "check digit" in text
    assert "5" in replies[0].text  # the digit we expected


async def test_several_numbers_get_numbered_buttons(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    replies = await user.send("LX299455986CN, RF427233044SG and YT2229521272164446")
    text = "\n".join(r.text for r in replies)
    assert "3 numbers" in text
    last = replies[-1]
    assert last.button_data("👁 Watch #2") == "watch:add:RF427233044SG"
    assert last.button_data("🧭 What now? #3") == "whatnow:n:YT2229521272164446"


async def test_local_number_suggests_asking_for_international_one(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send("12345678901234567890123")
    text = replies[0].text.lower()
    assert "cainiao" in text
    assert "продавц" in text and "международн" in text


async def test_hundreds_of_numbers_are_capped_and_said_so(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    numbers = " ".join(f"RR{n:08d}{_s10(n)}CN" for n in range(10000000, 10000300))
    replies = await user.send(numbers[:4000])
    # A long paste is summed up in one message with "watch all" (QA D).
    assert len(replies) == 1 and len(replies[0].text) <= 4096
    assert "more were left out" in replies[0].text
    assert len(replies[0].buttons) == 1 and replies[0].buttons[0][0].startswith("👁 Watch all")


async def test_garbage_goes_to_the_fallback(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    replies = await user.send("asdf ;; 12 ## $$$")
    assert "did not understand" in replies[0].text


def _links(reply: StoredMessage) -> list[tuple[str, str]]:
    """(visible name, url) of each link in a reply (entity offsets count UTF-16 units)."""
    units = reply.text.encode("utf-16-le")
    return [
        (units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le"), e["url"])
        for e in reply.entities
        if e["type"] == "text_link"
    ]


async def test_link_names_are_russian_in_a_russian_chat(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    # A domestic Russian Post number (check digit 1) and a China Post ePacket number.
    replies = await user.send("трек 12345678901231 и LX299455986CN")
    text = "\n".join(r.text for r in replies)
    names = [name for r in replies for name, _url in _links(r)]
    assert "Почта России (внутренний номер)" in names
    assert "Почта России (посылки в Россию)" in names
    assert "Russian Post" not in text and "China Post" not in text
    assert "Cainiao" in names and "17TRACK" in names


async def test_china_post_number_gets_cainiao_and_no_noise(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    replies = await user.send("LX299455986CN")
    assert _links(replies[0]) == [
        ("17TRACK", "https://t.17track.net/en#nums=LX299455986CN"),
        ("Cainiao", "https://global.cainiao.com/newDetail.htm?mailNoList=LX299455986CN"),
        (
            "Russian Post (parcels to Russia)",
            "https://www.pochta.ru/tracking?barcode=LX299455986CN",
        ),
    ]
    assert "Could also be" not in replies[0].text and "DHL" not in replies[0].text


async def test_wrong_check_digit_in_a_sentence_is_a_typo_not_dhl(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    replies = await user.send("track LX000000000CN pls")
    text = replies[0].text
    assert text.startswith("LX000000000CN\n❌ Probably a typo or a fake number")
    assert "the right one would be 5." in text
    assert "Tracked internationally" not in text
    assert replies[0].button_data("👁 Watch this parcel") == "watch:add:LX000000000CN"


async def test_every_number_of_a_full_message_is_counted(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    # 285 numbers with wrong check digits: 3,989 characters, all of them counted.
    numbers = " ".join(f"LX{n:08d}{(_s10(n) + 1) % 10}CN" for n in range(10000000, 10000285))
    replies = await user.send(numbers)
    assert replies[0].text.startswith("I found 285 numbers. In short:")
    assert "245 more were left out" in replies[0].text


def _s10(serial: int) -> int:
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    total = sum(int(d) * w for d, w in zip(f"{serial:08d}", weights, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


async def test_wrong_russian_post_check_digit_is_a_typo_in_russian(bot: BotHarness) -> None:
    """QA: a bare 14-digit number failing Russian Post's check read "✅ possibly DHL eCommerce"."""
    user = bot.user(language_code="ru")
    replies = await user.send("80085412345678")
    text = replies[0].text
    assert "✅" not in text
    assert "❌ Скорее всего, опечатка" in text
    assert "Почта России" in text
    assert "Контрольная цифра: неверная, правильная — 9." in text


def _urls(message: StoredMessage) -> list[str]:
    return [e["url"] for e in message.entities if e.get("type") == "text_link"]


async def test_links_in_russian_and_none_for_a_wrong_check_digit(bot: BotHarness) -> None:
    """QA: 17TRACK opened in English for a Russian chat; pochta.ru was offered for a typo."""
    user = bot.user(language_code="ru")
    (good,) = await user.send("LX299455986CN")
    assert "https://t.17track.net/ru#nums=LX299455986CN" in _urls(good)
    (typo,) = await user.send("80085412345678")
    # No link that looks the typo up; Russian Post's search page, to type the right one (QA C3).
    assert not any("barcode=" in url for url in _urls(typo))
    assert "https://www.pochta.ru/tracking" in _urls(typo)
