"""QA C4 end to end (issue 15 item 2): one reader of dates, durations, the timer and money in
every step — order facts, the what-now questions, the dispute helper — in both languages, and
impossible values asked about instead of saved. Today is the QA session's day, 2 December 2026."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.emulator.users import SimulatedUser
from storage import Parcel
from tests.support.app import BotHarness
from tests.support.scenarios import add_parcel, texts

NUMBER = "RB123456785CN"
TODAY = date(2026, 12, 2)


def _today(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))


async def _parcel(bot: BotHarness, pid: int) -> Parcel:
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None
    return parcel


async def _facts_question(bot: BotHarness, user: SimulatedUser, button: str) -> int:
    """A watched parcel, its card's "Order facts", and one of the facts asked."""
    language = "ru" if button in ("Дата отправки", "Защита", "Цена") else "en"
    pid = await add_parcel(bot, user.id, NUMBER, language)
    await user.send("/list")
    await user.press(NUMBER)
    await user.press("Данные заказа" if language == "ru" else "Order facts")
    await user.press(button)
    return pid


@pytest.mark.parametrize(
    ("typed", "language", "left"),
    [
        ("осталось 3 дня", "ru", 3),
        ("57 дн 4 ч", "ru", 57),
        ("до 20 декабря", "ru", 18),
        ("3 days left", "en", 3),
        ("ends 20.12", "en", 18),
    ],
)
async def test_qa_c4_whatnow_timer_question_reads_what_order_facts_read(
    bot: BotHarness, typed: str, language: str, left: int
) -> None:
    """The what-now timer question answered "🤔 Press a button or type a number" to
    "осталось 3 дня", which the order facts accepted."""
    _today(bot)
    user = bot.user(language_code=language)
    pid = await add_parcel(bot, user.id, NUMBER, language, shipped_on=TODAY - timedelta(days=20))
    await user.send("/whatnow")
    assert ("Вопрос 1" if language == "ru" else "Question 1") in user.last_reply().text
    replies = await user.send(typed)
    assert ("Вопрос 2" if language == "ru" else "Question 2") in texts(replies), user.transcript
    assert "🤔" not in texts(replies)
    assert (await _parcel(bot, pid)).protection_deadline == TODAY + timedelta(days=left)


@pytest.mark.parametrize(
    ("typed", "deadline"),
    [
        ("ends 20.12", date(2026, 12, 20)),
        ("until Dec 20", date(2026, 12, 20)),
        ("3 days left", date(2026, 12, 5)),
        ("57 days 4 h", date(2027, 1, 28)),
    ],
)
async def test_qa_c4_order_facts_timer_takes_an_end_date_as_well_as_days(
    bot: BotHarness, typed: str, deadline: date
) -> None:
    """ "ends 20.12" was "could not read" while "Dec 20" was taken."""
    _today(bot)
    user = bot.user()
    pid = await _facts_question(bot, user, "Protection timer")
    replies = await user.send(typed)
    assert "Saved" in replies[-1].text, user.transcript
    assert (await _parcel(bot, pid)).protection_deadline == deadline


async def test_qa_c4_future_ship_date_is_asked_about_not_saved_as_352_days_ago(
    bot: BotHarness,
) -> None:
    _today(bot)
    user = bot.user(language_code="ru")
    pid = await _facts_question(bot, user, "Дата отправки")
    replies = await user.send("15.12")
    question = replies[-1].text
    assert "«15.12» в этом году ещё впереди" in question and "15 дек. 2025" in question
    assert (await _parcel(bot, pid)).shipped_on is None  # nothing saved on a guess
    replies = await user.send("15.12.2025")  # the year settles it
    assert "✅" in replies[-1].text
    assert (await _parcel(bot, pid)).shipped_on == date(2025, 12, 15)


async def test_qa_c4_future_ship_date_in_english_and_a_full_date_ahead(bot: BotHarness) -> None:
    _today(bot)
    user = bot.user()
    pid = await _facts_question(bot, user, "Ship date")
    replies = await user.send("Dec 15")
    assert "Did you mean Dec 15, 2025?" in replies[-1].text
    replies = await user.send("2026-12-15")
    assert "in the future" in replies[-1].text
    assert (await _parcel(bot, pid)).shipped_on is None
    await user.send("3 weeks ago")
    assert (await _parcel(bot, pid)).shipped_on == date(2026, 11, 11)


async def test_qa_c4_timer_end_that_has_passed_is_asked_about(bot: BotHarness) -> None:
    _today(bot)
    user = bot.user()
    pid = await _facts_question(bot, user, "Protection timer")
    replies = await user.send("ends 20.11")  # read as next November before
    assert "Nov 20, 2026 has already passed" in replies[-1].text
    assert (await _parcel(bot, pid)).protection_deadline is None
    replies = await user.send("-3 days")
    assert "below zero" in replies[-1].text
    assert (await _parcel(bot, pid)).protection_deadline is None


@pytest.mark.parametrize(
    ("typed", "language", "answer"),
    [
        ("-5 $", "en", "below zero"),
        ("1 000 000 $", "en", "too big for one order"),
        ("0", "en", "does not cost 0"),
        ("минус 300 руб", "ru", "меньше нуля"),
    ],
)
async def test_qa_c4_impossible_price_is_asked_about(
    bot: BotHarness, typed: str, language: str, answer: str
) -> None:
    _today(bot)
    user = bot.user(language_code=language)
    pid = await _facts_question(bot, user, "Цена" if language == "ru" else "Price")
    replies = await user.send(typed)
    assert answer in replies[-1].text, user.transcript
    assert (await _parcel(bot, pid)).price_amount is None


@pytest.mark.parametrize(
    ("typed", "language", "amount", "currency"),
    [
        ("1 890 ₽", "ru", 1890.0, "RUB"),
        ("1,5 доллара", "ru", 1.5, "USD"),
        ("100 юаней", "ru", 100.0, "CNY"),
        ("7.5 dollars", "en", 7.5, "USD"),
        ("€12", "en", 12.0, "EUR"),
        ("15 bucks", "en", 15.0, "USD"),
    ],
)
async def test_qa_c4_prices_in_words_and_signs(
    bot: BotHarness, typed: str, language: str, amount: float, currency: str
) -> None:
    _today(bot)
    user = bot.user(language_code=language)
    pid = await _facts_question(bot, user, "Цена" if language == "ru" else "Price")
    await user.send(typed)
    parcel = await _parcel(bot, pid)
    assert (parcel.price_amount, parcel.price_currency) == (amount, currency)


async def test_qa_c4_whatnow_days_question_reads_dates_and_asks_about_the_future(
    bot: BotHarness,
) -> None:
    _today(bot)
    user = bot.user(language_code="ru")
    await user.send("/whatnow")
    await user.press("30")
    await user.press("Ничего не находится")
    assert "Вопрос 3" in user.last_reply().text
    replies = await user.send("15.12")
    assert "«15.12» в этом году ещё впереди" in replies[-1].text
    assert "Вопрос 3" in replies[-1].text  # the same question, still open
    replies = await user.send("3 недели назад")
    assert "Ситуация" in texts(user.messages[-2:]), user.transcript


@pytest.mark.parametrize(
    ("typed", "language", "left"),
    [("осталось 3 дня", "ru", 3), ("3 days left", "en", 3), ("ends 20.12", "en", 18)],
)
async def test_qa_c4_dispute_timer_reads_what_order_facts_read(
    bot: BotHarness, typed: str, language: str, left: int
) -> None:
    _today(bot)
    user = bot.user(language_code=language)
    pid = await add_parcel(bot, user.id, NUMBER, language)
    await user.send("/dispute")
    await user.press(NUMBER)
    await user.send(typed)
    parcel = await _parcel(bot, pid)
    assert parcel.protection_deadline == TODAY + timedelta(days=left), user.transcript


@pytest.mark.parametrize(
    ("typed", "language"),
    [("seller offers 7.5 dollars", "en"), ("продавец предлагает 7,5 долларов", "ru")],
)
async def test_qa_c4_dispute_offer_typed_in_words_stays_in_the_step(
    bot: BotHarness, typed: str, language: str
) -> None:
    """The offer amount is read like every other price (QA B6: "seller offers 7.5 dollars" at
    "type the amount in USD" left the step for "Do you want advice about a parcel?")."""
    _today(bot)
    user = bot.user(language_code=language)
    pid = await add_parcel(
        bot,
        user.id,
        NUMBER,
        language,
        price_amount=20.0,
        price_currency="USD",
        dispute_status="open",
        dispute_opened_on=TODAY - timedelta(days=6),
    )
    await user.send("/start")
    await user.press_data(user.last_reply(), f"dispute:ci:{pid}:ci_offer")
    replies = await user.send(typed)
    assert "38%" in texts(replies), user.transcript  # $7.50 of the $20.00 order
    parcel = await _parcel(bot, pid)
    assert parcel.seller_response == "offer"
