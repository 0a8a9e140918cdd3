"""Pasted track numbers in chat, end to end in both languages."""

from __future__ import annotations

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
    text = "\n".join(r.text for r in replies)
    assert "explain the first 20" in text
    assert all(len(r.text) <= 4096 for r in replies)
    assert len(replies[-1].buttons) == 10


async def test_garbage_goes_to_the_fallback(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    replies = await user.send("asdf ;; 12 ## $$$")
    assert "did not understand" in replies[0].text


def _s10(serial: int) -> int:
    weights = (8, 6, 4, 2, 3, 5, 9, 7)
    total = sum(int(d) * w for d, w in zip(f"{serial:08d}", weights, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)
