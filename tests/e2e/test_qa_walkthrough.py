"""Regressions found by walking the bot as a buyer would (English and Russian)."""

from __future__ import annotations

from tests.support.app import BotHarness
from tests.support.scenarios import add_parcel, ago, labels, letter_of


async def test_whatnow_question_can_be_cancelled(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/whatnow")
    assert "Question 1" in user.last_reply().text
    await user.press("✖️ Cancel")
    assert "no questions" in user.last_reply().text
    assert "⬅️ Main menu" in labels(user)
    mark = user.mark()
    await user.send("5")  # the question is gone: a bare number is not taken as an answer
    assert "Question 2" not in "\n".join(m.text for m in user.replies_since(mark))


async def test_whatnow_typed_text_at_a_button_question_asks_again(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/whatnow")
    await user.press("30")
    assert "What does tracking show" in user.last_reply().text
    await user.send("12")  # not one of the tracking answers
    reply = user.last_reply().text
    assert "I did not understand" not in reply
    assert "Please press one of the buttons" in reply and "What does tracking show" in reply
    await user.press("Nothing found anywhere")
    assert "Question 3" in user.last_reply().text


async def test_whatnow_typed_dont_know_skips_in_russian(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    await user.send("/whatnow")
    assert "Вопрос 1" in user.last_reply().text
    await user.send("не знаю")
    assert "Вопрос 2" in user.last_reply().text


async def test_whatnow_question_left_for_hours_does_not_swallow_text(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/whatnow")
    bot.clock.advance(seconds=2 * 3600)
    await user.send("hello")
    assert "I did not understand" in user.last_reply().text


async def test_advice_is_never_a_dead_end(bot: BotHarness) -> None:
    user = bot.user()
    pid = await add_parcel(
        bot,
        user.id,
        "RB123456785CN",
        shipped_on=ago(bot, 3),
        protection_deadline=ago(bot, -40),
        price_amount=20.0,
        price_currency="USD",
    )
    await user.send("/whatnow")
    while "Question" in user.last_reply().text:
        await user.press("Skip")
    assert "Situation:" in "\n".join(m.text for m in user.messages[-2:])
    back = user.last_reply().button_data("⬅️ Back to the parcel")
    assert back == f"parcel:view:{pid}"

    other = bot.user(user.id + 1)
    await other.send("/whatnow")
    while "Question" in other.last_reply().text:
        await other.press("Skip")
    assert "⬅️ Main menu" in labels(other)


async def test_dispute_cancel_offers_the_menu(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/dispute")
    await user.press("✖️ Cancel")
    assert "cancelled" in user.last_reply().text
    assert "⬅️ Main menu" in labels(user)


async def test_partial_refund_share_reaches_the_text_without_a_price(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/dispute")
    await user.press("Continue without a track number")
    await user.press("I don't know")
    await user.press("Yes, but something is wrong")
    await user.press("Poor quality")
    await user.press("Keep it: partial refund")
    await user.press("Half of the order")
    await user.press("I have none of these: next")
    assert "partial refund of 50% of the order total" in letter_of(user).text


async def test_dispute_open_long_without_the_sellers_answer_is_not_called_silence(
    bot: BotHarness,
) -> None:
    user = bot.user()
    await user.send("/whatnow")
    await user.press("2")  # timer
    await user.press("Nothing found anywhere")
    await user.send("8")  # a dispute open for 8 days
    advice = "\n".join(m.text for m in user.messages[-2:])
    assert "Keep the dispute open" in advice
    assert "did not answer" not in advice
    assert "open for 8 days" in advice


async def test_protection_timer_typed_as_the_order_page_shows_it(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    await add_parcel(bot, user.id, "RB123456785CN", "ru")
    await user.send("/list")
    await user.press("❔ RB123456785CN")
    await user.press("🧾 Данные заказа")
    await user.press("⏳ Защита покупателя")
    await user.send("Осталось: 17 дн. 05:12:33")
    reply = user.last_reply().text
    assert "Сохранил" in reply and "ещё 17 дней" in reply


async def test_command_menu_lists_parcels_before_the_dispute(bot: BotHarness) -> None:
    commands = [c["command"] for c in bot.emulator.get_commands("default", "") or []]
    assert commands[:5] == ["start", "add", "list", "whatnow", "dispute"]
    user = bot.user()
    await user.send("/help")
    text = user.last_reply().text
    assert text.index("/add") < text.index("/whatnow") < text.index("/dispute")
