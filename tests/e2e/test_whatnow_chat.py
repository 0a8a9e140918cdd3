"""/whatnow end to end: pick the parcel, fact questions remembered, typed questions, reminders."""

from __future__ import annotations

import pytest

from bot.emulator.users import SimulatedUser
from tests.support.app import BotHarness
from tests.support.scenarios import add_parcel, ago, letter_of, run_reminders, texts


async def test_no_parcels_questions_then_advice_with_letter(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/whatnow")
    assert "Question 1 of 3" in user.last_reply().text
    assert "protection" in user.last_reply().text
    await user.press("30")
    assert "What does tracking show" in user.last_reply().text
    await user.press("Nothing found anywhere")
    assert "Question 3" in user.last_reply().text
    await user.send("15")  # typed instead of a button
    advice = user.messages[-2].text
    assert "Situation:" in advice and "Write to the seller" in advice and "Why:" in advice
    letter = letter_of(user)
    assert letter.text.startswith("Hello,") and len(letter.text) <= 4096
    assert letter.entities[0]["type"] == "pre" and letter.entities[0]["length"] >= 50
    assert "Remind me in 5 days if the seller is silent" in letter.buttons[0][0]


async def test_one_parcel_answers_are_remembered(bot: BotHarness) -> None:
    pid = await add_parcel(bot, 1001, "RB123456785CN", shipped_on=ago(bot, 20))
    user = bot.user()
    await user.send("/whatnow")
    await user.press("30")
    await user.press("Nothing found anywhere")
    await user.press("No")
    assert "Write to the seller" in texts(user.messages[-2:])
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.protection_deadline == ago(bot, -30)
    mark = user.mark()
    replies = await user.send("/whatnow")
    assert "Question" not in texts(replies)
    assert "Situation:" in replies[0].text and "RB123456785CN" in replies[0].text
    assert user.mark() > mark


async def test_several_parcels_asks_which(bot: BotHarness) -> None:
    await add_parcel(bot, 1001, "RB123456785CN", shipped_on=ago(bot, 2))
    second = await add_parcel(bot, 1001, "LP00123456789012", shipped_on=ago(bot, 4))
    user = bot.user()
    replies = await user.send("/whatnow")
    assert "Which parcel" in replies[0].text
    labels = [label for row in replies[0].buttons for label in row]
    assert any("RB123456785CN" in label for label in labels)
    assert replies[0].button_data("📦 LP00123456789012") == f"whatnow:p:{second}"
    await user.press("LP00123456789012")
    assert "LP00123456789012" in user.last_reply().text or "Question" in user.last_reply().text


async def test_russian_advice(bot: BotHarness) -> None:
    await add_parcel(bot, 1002, "RB123456785CN", "ru", shipped_on=ago(bot, 20))
    user = bot.user(1002, language_code="ru")
    await user.send("/whatnow")
    assert "Вопрос 1" in user.last_reply().text
    await user.press("30")
    await user.press("Ничего не находится")
    await user.press("Нет")
    advice = user.messages[-2].text
    assert "Ситуация" in advice and "Написать продавцу" in advice
    assert letter_of(user).text.startswith("Hello,")  # letters stay English


@pytest.mark.parametrize(
    ("phrase", "language"),
    [("что делать?", "ru"), ("seller doesn't answer", "en"), ("посылка застряла", "ru")],
)
async def test_typed_questions_reach_the_advisor(
    bot: BotHarness, phrase: str, language: str
) -> None:
    user = bot.user(language_code=language)
    replies = await user.send(phrase)
    assert replies and ("1" in replies[0].text) and replies[0].buttons
    assert any(
        "whatnow:a:" in (b.get("callback_data") or "")
        for row in replies[0].inline_keyboard
        for b in row
    )


async def test_unsure_phrase_asks_first(bot: BotHarness) -> None:
    user = bot.user()
    replies = await user.send("my parcel")
    assert "Do you want advice about a parcel?" in replies[0].text
    await user.press("Yes")
    assert "Question 1" in user.last_reply().text
    replies = await bot.user(1003, language_code="ru").send("посылка")
    assert "совет" in replies[0].text


async def test_explain_button_advises_about_a_number(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/start")
    await user.press_data(user.last_reply(), "whatnow:n:LP00123456789012")
    text = texts(user.messages[-3:])
    assert "Question" in text or "Situation" in text


async def test_crafted_parcel_of_another_user_is_refused(bot: BotHarness) -> None:
    foreign = await add_parcel(bot, 2002, "RB123456785CN", shipped_on=ago(bot, 20))
    user = bot.user()
    await user.send("/start")
    before = len(user.messages)
    await user.press_data(user.last_reply(), f"whatnow:p:{foreign}")
    assert len(user.messages) == before
    answer = bot.emulator.callback_answers[-1]
    assert "cannot find" in (answer.text or "")
    await user.press_data(user.last_reply(), "whatnow:a:zz:1")
    assert "out of date" in (bot.emulator.callback_answers[-1].text or "")


async def _advice_with_reminder(bot: BotHarness, user: SimulatedUser) -> int:
    pid = await add_parcel(
        bot,
        user.id,
        "RB123456785CN",
        shipped_on=ago(bot, 20),
        protection_deadline=ago(bot, -40),
    )
    await user.send("/whatnow")
    await user.press("Nothing found anywhere")
    while "Question" in user.last_reply().text:
        await user.press("Skip")
    await user.press("Remind me in 5 days")
    assert "remind you in 5 days" in user.last_reply().text
    return pid


async def test_reminder_fires_once_after_five_days(bot: BotHarness) -> None:
    user = bot.user()
    pid = await _advice_with_reminder(bot, user)
    bot.clock.advance(days=4)
    mark = user.mark()
    await run_reminders(bot)
    assert user.replies_since(mark) == []
    bot.clock.advance(days=1, minutes=1)
    await run_reminders(bot)
    await run_reminders(bot)
    fired = user.replies_since(mark)
    assert len(fired) == 1 and "Did the seller answer?" in fired[0].text
    await user.press("The seller is silent")
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.seller_response == "none"
    assert "Situation" in texts(user.messages[-2:])


async def test_reminder_survives_restart(bot: BotHarness) -> None:
    user = bot.user()
    await _advice_with_reminder(bot, user)
    await bot.restart()
    bot.clock.advance(days=5, minutes=1)
    mark = user.mark()
    await run_reminders(bot)
    fired = user.replies_since(mark)
    assert len(fired) == 1 and "RB123456785CN" in fired[0].text


async def test_typed_question_with_a_number_is_about_that_parcel(bot: BotHarness) -> None:
    """The number in "… what should I do?" picks the parcel: no "Which parcel?" round."""
    await add_parcel(bot, 1001, "RB123456785CN", shipped_on=ago(bot, 20))
    await add_parcel(bot, 1001, "LP00123456789012", shipped_on=ago(bot, 4))
    user = bot.user()
    replies = await user.send("lp 0012 3456 7890 12 not tracking, what should I do?")
    assert "Which parcel" not in texts(replies)
    assert "LP00123456789012" in texts(replies) or "Question" in texts(replies)
    # A number the bot does not watch: explained, then the same questions as the explain
    # answer's button.
    replies = await bot.user(1004).send("UA671580905RU stuck for weeks, what should I do?")
    assert "UA671580905RU" in replies[0].text
    assert "Which parcel" not in texts(replies) and "Question 1" in replies[-1].text
    # Two numbers: the bot cannot tell which one is meant, so it asks as before.
    replies = await user.send("RB123456785CN and LP00123456789012, what should I do?")
    assert "Which parcel" in replies[-1].text


async def test_the_five_day_reminder_moves_on_instead_of_looping(bot: BotHarness) -> None:
    """QA B5: the reminder's "What should I do now?" repeated "write to the seller". Asking to
    be reminded "if the seller is silent" records that the letter went out."""
    user = bot.user()
    pid = await _advice_with_reminder(bot, user)
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.seller_contacted_on == ago(bot, 0)
    bot.clock.advance(days=5, minutes=1)
    await run_reminders(bot)
    await user.press("What should I do now?")
    advice = texts(user.messages[-2:])
    assert "Open a dispute" in advice and "Write to the seller" not in advice


async def test_unknown_timer_long_after_shipping_says_check_it_now(bot: BotHarness) -> None:
    """QA A1: shipped 57 days ago, timer unknown → "look again in 5 days" let the usual 60-day
    timer run out. Now the first step secures it, and the assumed end date is said as such."""
    user = bot.user()
    await add_parcel(bot, user.id, "LN012345675CN", shipped_on=ago(bot, 57))
    await user.send("/whatnow")
    # The timer is asked first now: it can override everything else.
    assert "buyer-protection countdown" in user.last_reply().text
    while "Question" in user.last_reply().text:
        if "What does tracking show" in user.last_reply().text:
            await user.press("Nothing found anywhere")
        else:
            await user.press("Skip")
    advice = texts(user.messages[-3:])
    assert "Check the protection timer now" in advice
    assert "If your timer is the usual 60 days, it ends about" in advice
    assert "Look again in 5 days" not in advice
