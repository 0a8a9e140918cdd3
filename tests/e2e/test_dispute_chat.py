"""The guided dispute end to end: every branch, Back/Cancel, restart resume, check-in, timeout."""

from __future__ import annotations

import pytest

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


async def submit(bot: BotHarness, user: SimulatedUser) -> None:
    if "Attach this evidence" in user.last_reply().text:
        await user.press("I have some of these: next")
    assert "Before you submit" in user.messages[-2].text
    await user.press("I have submitted the dispute")
    assert "I will ask you in 5 days" in user.last_reply().text


async def submit_untracked(bot: BotHarness, user: SimulatedUser) -> None:
    """From D2: not received, no tracking, full refund, submitted."""
    await user.press("No, I did not receive it")
    await user.press("No tracking information")
    await user.press("Full refund, no return")
    await submit(bot, user)


@pytest.mark.parametrize(
    ("label", "reason", "line"),
    [
        ("No tracking information", "no_tracking", "cannot be found on any tracking site"),
        ("Still in transit", "late", "still in transit"),
        ("Held at customs", "customs", "held at customs"),
        ("Returned to sender", "returned", "returned to the sender"),
        ("Shows delivered", "not_received", "as delivered, but I have not received it"),
    ],
)
async def test_not_received_each_reason(
    bot: BotHarness, label: str, reason: str, line: str
) -> None:
    user = bot.user()
    pid = await open_dispute_for(bot, user, shipped_on=ago(bot, 25))
    assert "Did you receive" in user.last_reply().text
    await user.press("No, I did not receive it")
    reasons = user.last_reply().buttons
    assert ["✅ No tracking information"] in reasons  # pre-selected from what the bot knows
    await user.press(label)
    assert "$20" in user.last_reply().text
    await user.press("Full refund, no return")
    await user.press("I have some of these: next")
    text = letter_of(user)
    assert line in text.text and "full refund of 20.00 USD" in text.text
    assert len(text.text) <= 4096
    await submit(bot, user)
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None
    assert (parcel.dispute_status, parcel.dispute_reason, parcel.dispute_amount) == (
        "open",
        reason,
        20.0,
    )
    assert parcel.dispute_opened_on == bot.clock.now().date()
    pending = await bot.services.storage.reminders.pending_for_parcel(pid)
    assert [r.kind for r in pending] == ["dispute_checkin"]


async def test_received_keep_partial_and_typed_amount(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user)
    await user.press("Yes, but something is wrong")
    await user.press("Poor quality")
    await user.press("Keep it: partial refund")
    await user.press("Half of the order")
    await user.press("I have none of these: next")
    assert "partial refund of 10.00 USD" in letter_of(user).text
    await user.press("Back")
    await user.press("Back")
    assert "How much should the seller refund" in user.last_reply().text
    await user.send("7.5")
    await user.press("I have none of these: next")
    assert "partial refund of 7.50 USD" in letter_of(user).text


async def test_received_send_back_full(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user)
    await user.press("Yes, but something is wrong")
    await user.press("Damaged")
    await user.press("Send it back: full refund")
    await user.press("I have some of these: next")
    text = letter_of(user).text
    assert "full refund of 20.00 USD and will ship the item back" in text


async def test_timer_over_goes_to_d9(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user, protection_deadline=ago(bot, 30))
    reply = user.last_reply()
    assert "protection timer is over" in reply.text
    assert ["✅ It finished longer ago"] in reply.buttons
    await user.press("It finished longer ago")
    assert "AliExpress support" in user.last_reply().text
    await user.press("Done")
    assert "Done." in user.last_reply().text


async def test_extension_first_when_moving(bot: BotHarness) -> None:
    user = bot.user()
    await moving_parcel(bot, user.id, protection_deadline=ago(bot, -6))
    await user.send("/dispute")
    await user.press("RB123456785CN")
    assert ["✅ Ask the seller to extend protection"] in user.last_reply().buttons
    await user.press("Ask the seller to extend protection")
    assert "extend the buyer protection by 15 days" in letter_of(user).text
    await user.press("Open the dispute anyway")
    assert "Did you receive" in user.last_reply().text


async def test_back_and_cancel(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user)
    await user.press("No, I did not receive it")
    await user.press("Back")
    assert "Did you receive" in user.last_reply().text
    await user.press("Cancel")
    assert "cancelled" in user.last_reply().text
    await user.press_data(user.last_reply(), "dispute:d2:recv_no")
    assert "closed" in (bot.emulator.callback_answers[-1].text or "")


async def test_restart_mid_dialog_resumes(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user)
    await user.press("No, I did not receive it")
    await bot.restart()
    await user.press("Held at customs")
    assert "pick “Full refund”" in user.last_reply().text
    await user.press("Full refund, no return")
    await user.press("I have none of these: next")
    assert "held at customs" in letter_of(user).text


async def test_stale_step_button_is_refused(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user)
    await user.press("No, I did not receive it")
    await user.press_data(user.last_reply(), "dispute:d2:recv_yes")
    assert "earlier step" in (bot.emulator.callback_answers[-1].text or "")
    assert "Why did it not arrive" in user.last_reply().text


async def test_crafted_parcel_of_another_user_is_refused(bot: BotHarness) -> None:
    foreign = await add_parcel(bot, 2002, "RB123456785CN")
    user = bot.user()
    await user.send("/start")
    before = len(user.messages)
    await user.press_data(user.last_reply(), f"dispute:p:{foreign}")
    assert len(user.messages) == before
    assert "cannot find" in (bot.emulator.callback_answers[-1].text or "")
    await user.press_data(user.last_reply(), f"dispute:ci:{foreign}:ci_refused")
    assert "cannot find" in (bot.emulator.callback_answers[-1].text or "")


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("Accepted", "accepted your dispute"),
        ("Offered an amount", "refund of $0.00"),
        ("Refused", "refused your dispute"),
        ("Asked me to cancel", "asks you to cancel"),
        ("Silent", "did not answer the dispute"),
    ],
)
async def test_checkin_after_five_days(bot: BotHarness, answer: str, expected: str) -> None:
    user = bot.user()
    pid = await open_dispute_for(bot, user, shipped_on=ago(bot, 25))
    await submit_untracked(bot, user)
    bot.clock.advance(days=5, minutes=1)
    mark = user.mark()
    await run_reminders(bot)
    await run_reminders(bot)
    fired = user.replies_since(mark)
    assert len(fired) == 1 and "Did the seller answer your dispute" in fired[0].text
    await user.press(answer)
    if answer == "Offered an amount":
        assert "How much does the seller offer" in user.last_reply().text
        await user.press("Nothing ($0)")
        assert "known trick" in "\n".join(m.text for m in user.messages[-2:])
    assert expected in "\n".join(m.text for m in user.messages[-2:])
    if answer == "Refused":
        assert "I do not accept the refusal" in letter_of(user).text
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.seller_response is not None


async def test_russian_walkthrough_and_typed_dispute_question(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send("хочу открыть спор")
    assert "трек-номер" in replies[0].text
    assert replies[0].buttons[-1][-1] == "✖️ Отмена"
    await user.press("Продолжить без трек-номера")
    await user.press("Не знаю")
    assert user.last_reply().text.endswith("Вы получили посылку?")
    await user.press("Нет")
    await user.press("Отмена")
    assert "закрыта" in user.last_reply().text


async def test_timeout_closes_kindly(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user)
    jobs = [j for j in bot.app.job_queue.jobs() if "timeout" in str(j.callback).lower()]  # type: ignore[union-attr]
    assert jobs
    mark = user.mark()
    await jobs[-1].run(bot.app)
    replies = user.replies_since(mark)
    assert replies and "/dispute" in replies[0].text
    await user.press_data(user.last_reply(), "dispute:d2:recv_no")
    assert "closed" in (bot.emulator.callback_answers[-1].text or "")


async def test_typed_number_at_pick_and_early_answer(bot: BotHarness) -> None:
    user = bot.user()
    await add_parcel(bot, user.id, "RB123456785CN")
    await user.send("/dispute")
    await user.send("LP00123456789012")
    assert "buyer-protection timer" in user.last_reply().text
    await user.press("I don't know")
    assert "Did you receive" in user.last_reply().text
    await user.press("No, I did not receive it")
    await user.press("No tracking information")
    await user.press("Full refund, no return")
    await submit(bot, user)
    assert "LP00123456789012" in letter_of(user).text
    await user.press("The seller answered")
    assert "Did the seller answer the dispute?" in user.last_reply().text
    await user.press("Refused")
    assert "I do not accept the refusal" in letter_of(user).text


async def test_timeout_holds_after_a_restart(bot: BotHarness) -> None:
    """ptb does not persist timeout jobs: a stale walk-through is closed on its next update."""
    user = bot.user()
    await open_dispute_for(bot, user)
    await user.press("No, I did not receive it")
    await bot.restart()
    bot.clock.advance(minutes=31)
    mark = user.mark()
    await user.press("Held at customs")
    replies = user.replies_since(mark)
    assert replies and "closed after a long pause" in replies[-1].text
    assert not any("pick “Full refund”" in m.text for m in replies)
    await user.press_data(user.last_reply(), "dispute:d3:r_customs")
    assert "closed" in (bot.emulator.callback_answers[-1].text or "")
    # A fresh walk-through after that works as usual.
    await user.send("/dispute")
    assert "Which parcel" in user.last_reply().text


async def test_restart_within_the_timeout_still_resumes(bot: BotHarness) -> None:
    user = bot.user()
    await open_dispute_for(bot, user)
    await user.press("No, I did not receive it")
    await bot.restart()
    bot.clock.advance(minutes=29)
    await user.press("Held at customs")
    assert "pick “Full refund”" in user.last_reply().text


async def test_checkin_offer_asks_the_amount_typed_or_a_share(bot: BotHarness) -> None:
    """QA: "Offered an amount" gave only general advice; now the amount is asked and weighed."""
    user = bot.user()
    pid = await open_dispute_for(bot, user, shipped_on=ago(bot, 25))
    await submit_untracked(bot, user)
    bot.clock.advance(days=5, minutes=1)
    await run_reminders(bot)
    await user.press("Offered an amount")
    ask = user.last_reply()
    assert "How much does the seller offer" in ask.text and "$20" in ask.text
    assert ["Half of the order"] in ask.buttons and ["Nothing ($0)"] in ask.buttons
    await user.send("$5")
    text = "\n".join(m.text for m in user.messages[-2:])
    assert "offers $5 of your $20" in text and "25% of the order total" in text
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.seller_response == "offer"
    # A share button on a fresh check-in works too, and survives a restart in between.
    await user.press_data(user.last_reply(), f"dispute:ci:{pid}:ci_offer")
    await bot.restart()
    await user.press("The whole order total")
    assert "covers the whole order total" in "\n".join(m.text for m in user.messages[-2:])


async def test_checkin_offer_in_russian(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    pid = await add_parcel(
        bot, user.id, "RB123456785CN", "ru", price_amount=20.0, price_currency="USD"
    )
    await user.send("/start")
    await user.press_data(user.last_reply(), f"dispute:ci:{pid}:ci_offer")
    assert "Сколько предлагает продавец" in user.last_reply().text
    await user.press("Половина заказа")
    assert "50% от суммы заказа" in "\n".join(m.text for m in user.messages[-2:])


async def test_evidence_step_offers_the_bots_own_record_of_the_parcel(bot: BotHarness) -> None:
    user = bot.user(7301)
    await open_dispute_for(bot, user)
    await user.press("No, I did not receive it")
    await user.press("No tracking information")
    await user.press("Full refund, no return")
    assert "Attach this evidence" in user.last_reply().text
    assert "📸 Evidence picture" in labels(user)
    replies = await user.press("📸 Evidence picture")
    assert any(reply.photo for reply in replies), [r.text for r in replies]


async def test_evidence_step_without_a_parcel_has_no_picture(bot: BotHarness) -> None:
    user = bot.user(7302)
    await user.send("/dispute")
    await user.press("Continue without a track number")
    for _ in range(12):  # walk on to the evidence step, whatever is asked on the way
        if "Attach this evidence" in user.last_reply().text:
            break
        await user.press_index(1)
    assert "Attach this evidence" in user.last_reply().text
    assert "📸 Evidence picture" not in labels(user)
