"""Issue 15 item 3: the QA findings about the dispute walk-through (../shared/qa/
2026-12-02-buyers-findings.md, B3, B4, B6, B7, B8, C5 and D's evidence line), end to end."""

from __future__ import annotations

import pytest

from bot.emulator.models import StoredMessage
from bot.emulator.users import SimulatedUser
from tests.support.app import BotHarness
from tests.support.scenarios import (
    add_parcel,
    ago,
    labels,
    letter_of,
    moving_parcel,
    open_dispute_for,
    run_reminders,
)

NUMBER = "RB123456785CN"


def by_id(user: SimulatedUser, message_id: int) -> StoredMessage:
    return next(m for m in user.messages if m.message_id == message_id)


async def open_card(user: SimulatedUser) -> StoredMessage:
    await user.send("/list")
    await user.press(NUMBER)
    return user.last_reply()


async def disputed_parcel(bot: BotHarness, user: SimulatedUser, lang: str, days: int) -> int:
    """A $20 parcel whose dispute was opened ``days`` ago."""
    return await add_parcel(
        bot,
        user.id,
        NUMBER,
        lang,
        price_amount=20.0,
        price_currency="USD",
        shipped_on=ago(bot, 30),
        protection_deadline=ago(bot, -30),
        dispute_status="open",
        dispute_opened_on=ago(bot, days),
    )


# --- B4: each step names the form's field and answer; a summary stays in the chat -------------

FORM_WORDS = {
    "en": ("“Did you receive your goods?” → “No”", "“No tracking information”", "“Full refund”"),
    "ru": (
        "«Вы получили товар?» (англ. «Did you receive your goods?») → «Нет» (англ. «No»)",
        "(англ. «No tracking information»)",
        "(англ. «Full refund»)",
    ),
}
BUTTONS = {
    "en": ("No, I did not receive it", "No tracking information", "Full refund, no return"),
    "ru": ("Нет, не получил(а)", "Нет информации об отслеживании", "Полный возврат денег"),
}
SUMMARY = {"en": ("field by field", "“Submit”"), "ru": ("по полям", "(англ. «Submit»)")}
SUBMITTED = {"en": "I have submitted the dispute", "ru": "Я отправил(а) спор"}
NONE_ATTACHED = {"en": "I have none of these: next", "ru": "Ничего из этого нет, дальше"}


@pytest.mark.parametrize("lang", ["en", "ru"])
async def test_qa_b4_walkthrough_speaks_the_form_and_leaves_a_summary(
    bot: BotHarness, lang: str
) -> None:
    user = bot.user(language_code=lang)
    await add_parcel(
        bot,
        user.id,
        NUMBER,
        lang,
        price_amount=20.0,
        price_currency="USD",
        shipped_on=ago(bot, 25),
        protection_deadline=ago(bot, -40),
    )
    await user.send("/dispute")
    await user.press(NUMBER)
    assert "Did you receive your goods?" in user.last_reply().text  # the site's label, any language
    received, reason, refund = FORM_WORDS[lang]
    no, untracked, full = BUTTONS[lang]
    await user.press(no)
    assert received in user.last_reply().text
    await user.press(untracked)
    assert reason in user.last_reply().text and refund in user.last_reply().text
    await user.press(full)
    await user.press(NONE_ATTACHED[lang])
    summary, text = user.messages[-2], user.messages[-1]
    title, submit = SUMMARY[lang]
    for needle in (title, received, reason, refund, submit):
        assert needle in summary.text, (needle, summary.text)
    assert any(e["type"] == "pre" for e in text.entities) and NUMBER in text.text
    await user.press(SUBMITTED[lang])
    # The summary and the text to paste are still there (only the buttons went); the answer is a
    # new message.
    for kept in (summary, text):
        again = by_id(user, kept.message_id)
        assert (again.text, again.deleted) == (kept.text, False)
    assert user.last_reply().message_id > text.message_id


# --- D: the evidence line only when the user has evidence --------------------------------------


@pytest.mark.parametrize(
    ("lang", "answer", "claimed"),
    [
        ("en", "I have some of these: next", True),
        ("en", "I have none of these: next", False),
        ("ru", "Кое-что из этого есть, дальше", True),
        ("ru", "Ничего из этого нет, дальше", False),
    ],
)
async def test_qa_d_evidence_line_only_when_the_user_has_evidence(
    bot: BotHarness, lang: str, answer: str, claimed: bool
) -> None:
    user = bot.user(language_code=lang)
    await add_parcel(
        bot, user.id, NUMBER, lang, price_amount=20.0, price_currency="USD",
        shipped_on=ago(bot, 25), protection_deadline=ago(bot, -40),
    )  # fmt: skip
    await user.send("/dispute")
    await user.press(NUMBER)
    for label in BUTTONS[lang]:
        await user.press(label)
    await user.press(answer)
    assert ("Photos and screenshots are attached." in letter_of(user).text) is claimed


# --- B7: "the English text below" is below, on every route -------------------------------------


def text_then_letter(user: SimulatedUser, since: int) -> None:
    """The newest "English text below" (a new message, or the pressed one edited) comes before
    the letter sent after ``since``."""
    said = [m.message_id for m in user.messages if "English text below" in m.text]
    letters = [
        m.message_id for m in user.messages[since:] if any(e["type"] == "pre" for e in m.entities)
    ]
    assert said and letters, [m.text for m in user.messages[since - 1 :]]
    assert max(said) < min(letters)


async def test_qa_b7_english_text_below_through_the_walkthrough(bot: BotHarness) -> None:
    user = bot.user()
    await disputed_parcel(bot, user, "en", 6)
    await user.send("/dispute")
    await user.press(NUMBER)
    assert "Did the seller answer the dispute?" in user.last_reply().text
    since = len(user.messages)
    await user.press("Refused")
    text_then_letter(user, since)


async def test_qa_b7_english_text_below_from_the_card_and_the_checkin(bot: BotHarness) -> None:
    user = bot.user()
    pid = await open_dispute_for(bot, user, shipped_on=ago(bot, 25))
    for label in ("No, I did not receive it", "No tracking information"):
        await user.press(label)
    await user.press("Full refund, no return")
    await user.press("I have some of these: next")
    await user.press("I have submitted the dispute")
    bot.clock.advance(days=5, minutes=1)
    await run_reminders(bot)
    since = len(user.messages)
    await user.press("Refused")  # the check-in push
    text_then_letter(user, since)
    since = len(user.messages)
    await open_card(user)
    await user.press("❌ Seller refused")
    text_then_letter(user, since)
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.seller_response == "refused"


# --- B3: an outcome is one tap from the card; C5: the card shows the dispute and its day --------


@pytest.mark.parametrize(
    ("lang", "button", "reply", "response"),
    [
        ("en", "❌ Seller refused", "refused your dispute", "refused"),
        ("en", "🙏 Asked me to cancel", "asks you to cancel", "asked_cancel"),
        ("en", "✅ Accepted, refund coming", "accepted your dispute", "accepted"),
        ("en", "💸 Seller offered money", "How much does the seller offer", None),
        ("ru", "❌ Продавец отказал", "Продавец отклонил ваш спор", "refused"),
        ("ru", "💸 Продавец предложил сумму", "Сколько предлагает продавец", None),
    ],
)
async def test_qa_b3_outcome_is_one_tap_from_the_card(
    bot: BotHarness, lang: str, button: str, reply: str, response: str | None
) -> None:
    user = bot.user(language_code=lang)
    pid = await disputed_parcel(bot, user, lang, 3)
    await open_card(user)
    since = len(user.messages)
    await user.press(button)  # one tap
    assert reply in "\n".join(m.text for m in user.messages[since - 1 :])
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.seller_response == response
    if response is not None:
        assert parcel.dispute_status == "open"


@pytest.mark.parametrize(
    ("lang", "line", "gone"),
    [
        ("en", "⚖️ Dispute open, day 4 — the seller has until", "⚖️ Open a dispute"),
        ("ru", "⚖️ Открыт спор, день 4 — до ", "⚖️ Открыть спор"),
    ],
)
async def test_qa_c5_card_shows_the_open_dispute_and_its_day(
    bot: BotHarness, lang: str, line: str, gone: str
) -> None:
    user = bot.user(language_code=lang)
    await disputed_parcel(bot, user, lang, 3)
    card = await open_card(user)
    assert line in card.text
    assert gone not in labels(user) and len(labels(user)) >= 4
    # After the seller's days, and after an answer, the line says so.
    bot.clock.advance(days=4)
    card = await open_card(user)
    assert "day 8" in card.text or "день 8" in card.text


async def test_qa_c5_submitting_in_the_bot_changes_the_card(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user, shipped_on=ago(bot, 25))
    assert "⚖️ Open a dispute" not in labels(user)
    for label in ("No, I did not receive it", "No tracking information", "Full refund, no return"):
        await user.press(label)
    await user.press("I have none of these: next")
    await user.press("I have submitted the dispute")
    card = await open_card(user)
    assert "⚖️ Dispute open, day 1" in card.text
    assert "⚖️ Open a dispute" not in labels(user) and "❌ Seller refused" in labels(user)


# --- B6: an amount typed in words stays in the step ----------------------------------------------


@pytest.mark.parametrize(
    ("lang", "typed", "expected"),
    [
        ("en", "seller offers 7.5 dollars", "offers $7.50 of your $20"),
        ("en", "He offers $7.50.", "offers $7.50 of your $20"),
        ("en", "7.5 usd", "offers $7.50 of your $20"),
        ("en", "they offer 0 dollars", "$0.00"),
        ("ru", "продавец предлагает 7,5 доллара", "7,50\u00a0$"),
        ("ru", "предлагает 7.5 $", "7,50\u00a0$"),
        ("ru", "5 долларов", "5\u00a0$"),
    ],
)
async def test_qa_b6_offer_amount_in_words_stays_in_the_step(
    bot: BotHarness, lang: str, typed: str, expected: str
) -> None:
    user = bot.user(language_code=lang)
    await disputed_parcel(bot, user, lang, 6)
    await user.send("/dispute")  # the QA's route: the walk-through's check-in
    await user.press(NUMBER)
    await user.press("Offered an amount" if lang == "en" else "Предложил сумму")
    since = len(user.messages)
    await user.send(typed)
    answer = "\n".join(m.text for m in user.messages[since:])
    assert expected in answer, answer


async def test_qa_b6_partial_refund_typed_in_words(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user)
    for label in ("Yes, but something is wrong", "Poor quality", "Keep it: partial refund"):
        await user.press(label)
    await user.send("I want 7.5 dollars back")
    await user.press("I have none of these: next")
    assert "partial refund of 7.50 USD" in letter_of(user).text


# --- B8: "delivered, but it is empty / wrong" leads into the dispute with that reason ------------


@pytest.mark.parametrize(
    ("lang", "button", "reason"),
    [
        ("en", "📭 It arrived empty", "“Empty package”"),
        ("en", "🔀 Wrong item or parts missing", "“Wrong item or missing parts”"),
        ("en", "💥 It arrived damaged", "“Item damaged”"),
        ("en", "📪 Shows delivered, but I have nothing", "Tracking shows delivered"),
        ("ru", "📭 Пришла пустая", "(англ. «Empty package»)"),
        ("ru", "🔀 Не тот товар или некомплект", "(англ. «Wrong item or missing parts»)"),
    ],
)
async def test_qa_b8_delivered_but_wrong_is_no_dead_end(
    bot: BotHarness, lang: str, button: str, reason: str
) -> None:
    user = bot.user(language_code=lang)
    pid = await add_parcel(
        bot, user.id, NUMBER, lang, price_amount=20.0, price_currency="USD",
        shipped_on=ago(bot, 20), protection_deadline=ago(bot, -20),
    )  # fmt: skip
    await bot.services.storage.parcels.update_tracking(
        pid, status="delivered", last_checked_at=int(bot.clock.now().timestamp())
    )
    await open_card(user)
    await user.press("🧭 What should I do now?" if lang == "en" else "🧭 Что мне делать?")
    assert button in labels(user), user.transcript
    await user.press(button)
    assert reason in user.last_reply().text, user.last_reply().text


@pytest.mark.parametrize(
    ("lang", "message", "presses", "reason"),
    [
        (
            "ru",
            "Посылка пришла, но внутри пусто. Что делать?",
            ("📭 Пришла пустая", "Доставлена", "Пропустить", "Не знаю"),
            "(англ. «Empty package»)",
        ),
        (
            "en",
            "The parcel arrived but the box was empty. What should I do?",
            ("📭 It arrived empty", "Delivered", "Skip", "I don't know"),
            "“Empty package”",
        ),
    ],
)
async def test_qa_b8_typed_delivered_but_empty_reaches_the_dispute(
    bot: BotHarness, lang: str, message: str, presses: tuple[str, ...], reason: str
) -> None:
    """The QA's own words: whatever the questions on the way, "delivered" ends in the dispute
    for an empty parcel, not in a dead end with only "Main menu"."""
    user = bot.user(language_code=lang)
    await user.send(message)
    for _ in range(8):
        if reason in user.last_reply().text:
            break
        offered = labels(user)
        next_press = next((b for b in presses if b in offered), None)
        assert next_press is not None, user.transcript
        await user.press(next_press)
    assert reason in user.last_reply().text, user.transcript


# --- A6 / A8 kept right with the new steps (regression guards; main already had them) ----------


async def test_qa_a8_dispute_at_day_3_says_it_is_early_and_still_names_the_form(
    bot: BotHarness,
) -> None:
    user = bot.user()
    await open_dispute_for(bot, user, shipped_on=ago(bot, 3))
    text = user.last_reply().text
    assert "It is early" in text and "3 days" in text
    assert "“Did you receive your goods?”" in text


async def test_qa_a6_moving_parcel_summary_never_says_cancel_once_it_moves(
    bot: BotHarness,
) -> None:
    user = bot.user()
    await moving_parcel(
        bot, user.id, NUMBER, shipped_on=ago(bot, 40), protection_deadline=ago(bot, -30)
    )
    await user.send("/dispute")
    await user.press(NUMBER)
    await user.press("No, I did not receive it")
    assert ["✅ Still in transit past the promised time"] in user.last_reply().buttons
    await user.press("Still in transit")
    await user.press("Full refund, no return")
    await user.press("I have none of these: next")
    summary = user.messages[-2].text
    assert "Before you submit" in summary and "really moves" not in summary
