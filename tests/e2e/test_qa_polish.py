"""Issue 15's loose ends through the real chat: the escalation letter's evidence line, /export's
localized seller-response and dispute columns, hints that say what is accepted, and a typed
"when will it come?" with several parcels."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.app import BotHarness
from tests.support.scenarios import add_parcel, ago, letter_of, open_dispute_for, texts


@pytest.mark.parametrize(
    ("evidence", "mentioned"),
    [("I have none of these: next", False), ("I have some of these: next", True)],
)
async def test_escalation_letter_mentions_evidence_only_when_the_user_has_it(
    bot: BotHarness, evidence: str, mentioned: bool
) -> None:
    """The walk-through kept for its check-in knows the answer (a number the bot does not watch)."""
    user = bot.user()
    await user.send("/dispute")
    await user.send("LP00123456789012")
    await user.press("I don't know")
    await user.press("No, I did not receive it")
    await user.press("No tracking information")
    await user.press("Full refund, no return")
    assert "Attach this evidence" in user.last_reply().text
    await user.press(evidence)
    await user.press("I have submitted the dispute")
    await user.press("The seller answered")
    await user.press("Refused")
    letter = letter_of(user).text
    assert "I do not accept the refusal" in letter
    assert ("evidence" in letter) is mentioned
    advice = next(m.text for m in reversed(user.messages) if "refused your dispute" in m.text)
    assert ("your evidence" in advice) is mentioned, advice


async def test_escalation_letter_on_a_parcel_claims_no_files_it_was_not_told_about(
    bot: BotHarness,
) -> None:
    user = bot.user()
    await open_dispute_for(bot, user, shipped_on=ago(bot, 25))
    await user.press("No, I did not receive it")
    await user.press("No tracking information")
    await user.press("Full refund, no return")
    await user.press("I have none of these: next")
    await user.press("I have submitted the dispute")
    await user.press("The seller answered")
    await user.press("Refused")
    letter = letter_of(user).text
    assert "I do not accept the refusal" in letter and "attached" not in letter


@pytest.mark.parametrize(
    ("language", "delimiter", "expected"),
    [
        (
            "en",
            ",",
            {
                "Seller's answer": "Refused",
                "Dispute reason": "No tracking information",
                "Dispute status": "Open",
            },
        ),
        (
            "ru",
            ";",
            {
                "Ответ продавца": "Отказал",
                "Причина спора": "Нет информации об отслеживании",
                "Статус спора": "Открыт",
            },
        ),
    ],
)
async def test_export_words_the_dispute_columns_and_keeps_their_codes(
    bot: BotHarness, language: str, delimiter: str, expected: dict[str, str]
) -> None:
    user = bot.user(language_code=language)
    await user.send("/start")
    await add_parcel(
        bot,
        user.id,
        "RB123456785CN",
        language,
        seller_response="refused",
        dispute_reason="no_tracking",
        dispute_status="open",
        dispute_opened_on=ago(bot, 6),
    )
    replies = await user.send("/export")
    (document,) = [m.document for m in replies if m.document is not None]
    rows = list(csv.DictReader(io.StringIO(document.data.decode("utf-8-sig")), delimiter=delimiter))
    row = rows[0]
    assert {name: row[name] for name in expected} == expected
    codes = list(row.values())[-3:]  # the stable columns for scripts, last as the status code
    assert codes == ["refused", "no_tracking", "open"]


# --- hints that say what is accepted ---------------------------------------------------------

NUMBER = "RB123456785CN"
_QUOTED = re.compile(r"[“«]([^”»]+)[”»]")


def _examples(text: str) -> list[str]:
    return _QUOTED.findall(text)


@pytest.mark.parametrize(
    ("language", "button", "new_form"),
    [
        ("en", "Ship date", "3 weeks ago"),
        ("en", "Price", "7.5 dollars"),
        ("en", "Protection timer", "ends 25.12"),
        ("ru", "Дата отправки", "3 недели назад"),
        ("ru", "Цена", "7,5\u00a0доллара"),
        ("ru", "Защита", "осталось 17 дней"),
    ],
)
async def test_order_facts_prompts_show_the_forms_they_take_and_take_each_example(
    bot: BotHarness, language: str, button: str, new_form: str
) -> None:
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    prompt = ""
    examples: list[str] = []
    for index in range(8):  # a fresh user per example: the prompt asks once
        user = bot.user(2000 + index, language_code=language)
        await add_parcel(bot, user.id, NUMBER, language)
        await user.send("/list")
        await user.press(NUMBER)
        await user.press("Данные заказа" if language == "ru" else "Order facts")
        await user.press(button)
        if not examples:
            prompt = user.last_reply().text
            examples = _examples(prompt)
            assert new_form in examples, prompt
        if index == len(examples):
            break
        replies = await user.send(examples[index])
        assert "✅" in texts(replies), (examples[index], user.transcript)


@pytest.mark.parametrize(("language", "new_form"), [("en", "ends 20.12"), ("ru", "осталось 3 дня")])
async def test_whatnow_hint_shows_the_forms_it_takes_and_takes_each_example(
    bot: BotHarness, language: str, new_form: str
) -> None:
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    first = "Вопрос 1" if language == "ru" else "Question 1"
    second = "Вопрос 2" if language == "ru" else "Question 2"
    checked = 0
    for index in range(4):
        user = bot.user(2000 + index, language_code=language)
        shipped = datetime(2026, 12, 2).date() - timedelta(days=20)
        await add_parcel(bot, user.id, NUMBER, language, shipped_on=shipped)
        await user.send("/whatnow")
        question = user.last_reply().text
        assert first in question
        examples = _examples(question.split("\n")[-1])  # the hint is the question's last line
        assert new_form in examples, question
        if index == len(examples):
            break
        replies = await user.send(examples[index])
        assert second in texts(replies) and "🤔" not in texts(replies), user.transcript
        checked += 1
    assert checked == 2


# --- "when will it come?" with several parcels ------------------------------------------------


@pytest.mark.parametrize(
    ("language", "typed", "which"),
    [
        ("en", "When will it arrive?", "Which parcel is it?"),
        ("ru", "Когда придёт посылка?", "О какой посылке речь?"),
    ],
)
async def test_when_with_several_parcels_offers_the_picker(
    bot: BotHarness, language: str, typed: str, which: str
) -> None:
    user = bot.user(language_code=language)
    await user.send("/start")
    await bot.services.storage.parcels.add(user.id, NUMBER, nickname="Lamp")
    await bot.services.storage.parcels.add(user.id, "LP00123456789012", nickname="Case")
    replies = await user.send(typed)
    reply = replies[-1]
    assert ("15–45" in reply.text) and which in reply.text, user.transcript
    assert reply.buttons == [["📦 Case"], ["📦 Lamp"]]
    await user.press("📦 Lamp")
    assert NUMBER in user.last_reply().text and "Lamp" in user.last_reply().text


@pytest.mark.parametrize(
    ("language", "timer_form", "sum_form"),
    [("en", "ends 25.12", "7.5 dollars"), ("ru", "до 25.12", "7,5\u00a0доллара")],
)
async def test_dispute_prompts_show_the_forms_they_take(
    bot: BotHarness, language: str, timer_form: str, sum_form: str
) -> None:
    """The timer step said "type the number of days left" and the offer "type the amount in
    USD", though both read dates, words and other currencies."""
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
    user = bot.user(language_code=language)
    await user.send("/dispute")
    await user.send("LP00123456789012")
    assert timer_form in _examples(user.last_reply().text), user.last_reply().text
    await user.send(timer_form)
    received = "Вы получили посылку?" if language == "ru" else "Did you receive the parcel?"
    assert received in user.last_reply().text, user.transcript
    ru = language == "ru"
    await user.press("Нет, не получил(а)" if ru else "No, I did not receive it")
    await user.press("Нет информации об отслеживании" if ru else "No tracking information")
    await user.press("Полный возврат денег без возврата товара" if ru else "Full refund, no return")
    await user.press("Ничего из этого нет, дальше" if ru else "I have none of these: next")
    await user.press("Я отправил(а) спор" if ru else "I have submitted the dispute")
    await user.press("Продавец ответил" if ru else "The seller answered")
    await user.press("Предложил сумму" if ru else "Offered an amount")
    assert sum_form in _examples(user.last_reply().text), user.last_reply().text
    replies = await user.send(sum_form)
    said = texts(replies)
    assert ("7,50\u00a0$" if ru else "$7.50") in said, user.transcript
