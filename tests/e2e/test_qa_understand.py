"""QA 2026-12-02 (issue 15 items 1 and 4), end to end: the bot answers the question the buyer
typed. Each test is named after its QA item and sends the QA file's exact message."""

from __future__ import annotations

import pytest

from tests.support.app import BotHarness
from tests.support.qa import (
    QA_A7_CHEAP,
    QA_B2_EXTEND,
    QA_B2_PASTED,
    QA_B2_REFUSED,
    QA_B8_EMPTY,
    QA_C2_CUSTOMS,
    QA_C2_FACTS,
    QA_C2_SPEED_UP,
)
from tests.support.scenarios import add_parcel, ago, labels, moving_parcel, texts


async def test_qa_b2_pasted_seller_message_is_explained(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send(QA_B2_PASTED)
    text = texts(replies)
    assert "RB123456785CN" in text and "✅" in text  # explained, the look-alikes undone
    assert "О каком заказе спор" not in text
    assert bot.app.user_data[user.id].dispute is None  # no walk-through behind the user's back


async def test_qa_b2_extend_question_is_answered(bot: BotHarness) -> None:
    user = bot.user()
    replies = await user.send(QA_B2_EXTEND)
    assert len(replies) == 1
    assert "It depends on what tracking shows" in replies[0].text
    assert "Which parcel is the dispute about" not in replies[0].text
    assert bot.app.user_data[user.id].dispute is None


async def test_qa_b2_extend_for_a_moving_parcel_says_agree(bot: BotHarness) -> None:
    await moving_parcel(bot, 1001, protection_deadline=ago(bot, -20))
    user = bot.user()
    await user.send("/start")
    replies = await user.send(QA_B2_EXTEND)
    assert "Yes, you can agree" in replies[0].text


async def test_qa_b2_extend_with_three_days_left_says_dispute(bot: BotHarness) -> None:
    await moving_parcel(bot, 1001, protection_deadline=ago(bot, -3))
    user = bot.user()
    await user.send("/start")
    replies = await user.send(QA_B2_EXTEND)
    assert "Only 3 days left" in replies[0].text
    assert "⚖️ Dispute help" in labels(user)


async def test_qa_b3_refused_dispute_is_told_directly(bot: BotHarness) -> None:
    pid = await add_parcel(
        bot, 1001, "RB123456785CN", shipped_on=ago(bot, 30), dispute_opened_on=ago(bot, 3),
        dispute_status="open", price_amount=20.0, price_currency="USD",
    )  # fmt: skip
    user = bot.user()
    replies = await user.send(QA_B2_REFUSED)
    text = texts(replies)
    assert "Escalate the dispute to AliExpress" in text
    assert "Did you receive" not in text
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.seller_response == "refused"


async def test_qa_b2_cheap_order_question_uses_the_price(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send(QA_A7_CHEAP)
    assert len(replies) == 1
    assert "Пока не стоит" in replies[0].text and "1,50" in replies[0].text  # the $1.50 used
    assert "О каком заказе спор" not in replies[0].text


async def test_qa_a7_cheap_follow_up_after_a_round_builds_on_it(bot: BotHarness) -> None:
    """Story 03: the round first (timer "more", nothing found, 20 days), then the price."""
    user = bot.user(language_code="ru")
    await user.send("трек не отслеживается, что делать?")
    answers = {"таймере": "больше", "отслеживание": "Ничего не находится", "отправленным": "20"}
    for _ in range(3):  # at most three questions
        question = user.last_reply().text
        if "Вопрос" not in question:
            break
        await user.press(next((a for key, a in answers.items() if key in question), "Пропустить"))
    replies = await user.send(QA_A7_CHEAP)
    assert "Пока не стоит" in texts(replies)


async def test_qa_c2_facts_in_the_question_are_not_asked_again(bot: BotHarness) -> None:
    user = bot.user()
    replies = await user.send(QA_C2_FACTS)
    text = texts(replies)
    assert "LA482139755CN" in text  # the number is explained first
    assert "How many days ago did the seller mark" not in text
    assert "What was the order total" not in text
    assert "What does tracking show" not in text


async def test_qa_c2_three_weeks_at_customs_and_a_follow_up(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send(QA_C2_CUSTOMS)
    text = texts(replies)
    assert "RR662103942CN" in text
    assert "Что сейчас показывает отслеживание" not in text
    assert "Сколько дней в отслеживании нет новых событий" not in text
    for _ in range(3):  # what is still unknown (the timer)
        if "Вопрос" not in user.last_reply().text:
            break
        await user.press("Пропустить")
    assert "таможн" in texts(user.messages[-3:]).lower()
    mark = user.mark()
    replies = await user.send(QA_C2_SPEED_UP)
    assert "Вопрос 1" not in texts(replies)
    assert "Ситуация" in texts(replies)
    assert user.mark() > mark


async def test_qa_c6_order_number_is_recognised(bot: BotHarness) -> None:
    user = bot.user()
    replies = await user.send("8123456789012345")
    text = texts(replies)
    assert "is your AliExpress order number" in text and "Track order" in text
    assert "Not a format we know" not in text
    assert not replies[-1].buttons  # nothing to watch


async def test_qa_c6_look_alike_letter_inside_the_digits(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send("RR66210394ЗCN")
    assert "RR662103943CN" in texts(replies)


async def test_qa_c6_a_command_ends_the_add_question(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/add")
    await user.send("/language")
    replies = await user.send("RB123456785CN")
    assert "Now watching" not in texts(replies)
    assert "RB123456785CN" in texts(replies)
    assert await bot.services.storage.parcels.count_active(user.id) == 0


LONG_PASTE = "\n".join(
    [
        "RB123456785CN",
        "LP00123456789012",
        "RR662103942CN",
        "LA482139755CN",
        "UA123456785CN",
        "RV123456785HK",
        "YT2229521272164446",
        "LN012345675CN",
        "EE123456785CN",
    ]
)


async def test_qa_d_long_paste_is_summed_up_with_watch_all(bot: BotHarness) -> None:
    user = bot.user()
    replies = await user.send(LONG_PASTE)
    assert len(replies) == 1
    summary = replies[0]
    assert len(summary.text.splitlines()) <= 12
    assert labels(user) == ["👁 Watch all 9"]
    await user.press("👁 Watch all 9")
    assert "Now watching 9 more parcels" in user.last_reply().text
    assert await bot.services.storage.parcels.count_active(user.id) == 9


async def test_qa_b8_arrived_empty_leads_to_a_dispute(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send(QA_B8_EMPTY)
    assert "Не подтверждайте получение" in replies[-1].text
    assert "📭 Пришла пустая" in labels(user)  # the walk-through with the problem picked


@pytest.mark.parametrize(("text", "language"), [("спор", "ru"), ("dispute", "en")])
async def test_qa_b2_a_lone_dispute_word_asks_one_question(
    bot: BotHarness, text: str, language: str
) -> None:
    user = bot.user(language_code=language)
    replies = await user.send(text)
    assert len(replies) == 1 and len(replies[0].buttons) == 3
    assert bot.app.user_data[user.id].dispute is None


async def test_qa_b3_refused_dispute_without_a_parcel(bot: BotHarness) -> None:
    user = bot.user()
    replies = await user.send(QA_B2_REFUSED)
    assert "Escalate the dispute to AliExpress" in texts(replies)


async def test_qa_b3_typed_offer_with_its_amount(bot: BotHarness) -> None:
    """A typed offer with its amount ($7.50): the offer's advice, no question about it."""
    await add_parcel(
        bot, 1001, "RB123456785CN", shipped_on=ago(bot, 30), dispute_opened_on=ago(bot, 3),
        dispute_status="open", price_amount=20.0, price_currency="USD",
    )  # fmt: skip
    user = bot.user()
    replies = await user.send("The seller offers 7.5 dollars as a partial refund")
    text = texts(replies)
    assert "$7.50" in text
    assert "How much does the seller offer" not in text


async def test_qa_c2_facts_survive_the_parcel_picker(bot: BotHarness) -> None:
    """Several parcels and no number: "which parcel?" first, then the stated facts count."""
    await add_parcel(bot, 1001, "RB123456785CN", shipped_on=ago(bot, 40))
    await add_parcel(bot, 1001, "LP00123456789012", shipped_on=ago(bot, 30))
    user = bot.user()
    replies = await user.send("My package is stuck in customs for 3 weeks, what should I do?")
    assert "Which parcel" in replies[-1].text
    await user.press("RB123456785CN")
    seen = []
    for _ in range(3):
        if "Question" not in user.last_reply().text:
            break
        seen.append(user.last_reply().text)
        await user.press("Skip")
    assert not any("What does tracking show" in q for q in seen)
    assert "customs" in texts(user.messages[-2:]).lower()
