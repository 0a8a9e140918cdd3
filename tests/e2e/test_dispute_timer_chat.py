"""QA regressions: the dispute's timer question (D1), its first step without parcels, warnings
that fit the reason; /whatnow's "timer is over"; settings and help wording."""

from __future__ import annotations

from datetime import timedelta

from bot.emulator.users import SimulatedUser
from tests.support.app import BotHarness
from tests.support.scenarios import add_parcel, ago, labels, moving_parcel


async def test_unknown_timer_is_asked_and_over_leads_to_d9_and_is_remembered(
    bot: BotHarness,
) -> None:
    user = bot.user()
    pid = await add_parcel(bot, user.id, "RB123456785CN")
    await user.send("/dispute")
    await user.press("RB123456785CN")
    assert "buyer-protection timer" in user.last_reply().text
    assert {
        "The timer is over",
        "Less than 7 days left",
        "More than 7 days left",
        "I don't know",
    } <= set(labels(user))
    await user.press("The timer is over")
    assert "protection timer is over" in user.last_reply().text
    await user.press("It finished longer ago")
    assert "AliExpress support" in user.last_reply().text
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.protection_deadline is None  # no made-up date
    # Remembered on the parcel: the next walk-through starts at D9 without asking again.
    await user.press("Done")
    await user.send("/dispute")
    await user.press("RB123456785CN")
    reply = user.last_reply()
    assert "protection timer is over" in reply.text
    assert ["✅ It finished longer ago"] in reply.buttons
    # /whatnow knows it too: too late for the order page.
    await user.send("/whatnow")
    while "Question" in user.last_reply().text:
        await user.press("Skip")
    advice = "\n".join(m.text for m in user.messages[-2:])
    assert "contact AliExpress support" in advice and "open it now" not in advice


async def test_typed_days_left_at_d1_are_stored_as_the_deadline(bot: BotHarness) -> None:
    user = bot.user()
    pid = await add_parcel(bot, user.id, "RB123456785CN")
    await user.send("/dispute")
    await user.press("RB123456785CN")
    await user.send("17")
    assert "Did you receive" in user.last_reply().text
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None
    assert parcel.protection_deadline == bot.clock.now().date() + timedelta(days=17)


async def test_under_seven_days_while_moving_offers_the_extension(bot: BotHarness) -> None:
    user = bot.user()
    await moving_parcel(bot, user.id)
    await user.send("/dispute")
    await user.press("RB123456785CN")
    await user.press("Less than 7 days left")
    assert ["✅ Ask the seller to extend protection"] in user.last_reply().buttons
    await user.press("Back")
    assert "buyer-protection timer" in user.last_reply().text
    await user.press("More than 7 days left")
    assert "Did you receive" in user.last_reply().text


async def test_under_seven_days_not_moving_goes_straight_to_the_dispute(bot: BotHarness) -> None:
    user = bot.user()
    pid = await add_parcel(bot, user.id, "RB123456785CN")
    now = bot.clock.now()
    await bot.services.storage.parcels.update_tracking(
        pid, status="not_found", last_checked_at=int(now.timestamp())
    )
    await user.send("/dispute")
    await user.press("RB123456785CN")
    await user.press("Less than 7 days left")
    assert "Did you receive" in user.last_reply().text


async def test_first_step_without_parcels_is_useful_and_back_returns_to_it(
    bot: BotHarness,
) -> None:
    user = bot.user()
    await user.send("/dispute")
    reply = user.last_reply()
    assert "Paste its track number, or continue without one" in reply.text
    assert "Continue without a track number" in labels(user)
    await user.press("Continue without a track number")
    assert "buyer-protection timer" in user.last_reply().text
    await user.press("Back")
    assert "Continue without a track number" in labels(user)  # not an empty step
    assert "Pick it" not in user.last_reply().text
    await user.send("RB123456785CN")  # pasting a number still works after Back
    assert "buyer-protection timer" in user.last_reply().text


async def test_pasted_number_of_a_stored_parcel_uses_its_facts(bot: BotHarness) -> None:
    user = bot.user()
    await add_parcel(bot, user.id, "RB123456785CN", protection_deadline=ago(bot, 30))
    await user.send("/dispute")
    await user.send("RB123456785CN")
    assert "protection timer is over" in user.last_reply().text


async def _to_warnings(user: SimulatedUser) -> str:
    """From the evidence step to the summary (the warnings are in it, above the text)."""
    await user.press("I have none of these: next")
    return user.messages[-2].text


async def test_received_item_warnings_do_not_talk_about_a_moving_parcel(bot: BotHarness) -> None:
    user = bot.user()
    await add_parcel(bot, user.id, "RB123456785CN", protection_deadline=ago(bot, -30))
    await user.send("/dispute")
    await user.press("RB123456785CN")
    await user.press("Yes, but something is wrong")
    await user.press("Damaged")
    await user.press("Send it back: full refund")
    text = await _to_warnings(user)
    assert "Before you submit" in text
    assert "really moves" not in text
    assert "promises a refund or a new item" in text and "counter-offer" in text
    assert "protection timer has ended" in text


async def test_untracked_dispute_keeps_the_moving_parcel_warning(bot: BotHarness) -> None:
    user = bot.user()
    await add_parcel(bot, user.id, "RB123456785CN", protection_deadline=ago(bot, -30))
    await user.send("/dispute")
    await user.press("RB123456785CN")
    await user.press("No, I did not receive it")
    await user.press("No tracking information")
    await user.press("Full refund, no return")
    text = await _to_warnings(user)
    assert "really moves in tracking" in text


async def test_whatnow_timer_over_asks_when_the_order_finished(bot: BotHarness) -> None:
    user = bot.user()
    pid = await add_parcel(bot, user.id, "RB123456785CN")
    await user.send("/whatnow")
    assert "buyer-protection countdown" in user.last_reply().text
    await user.press("It is over")
    assert "How many days ago did the order finish" in user.last_reply().text
    await user.press("30+")
    while "Question" in user.last_reply().text:
        await user.press("Skip")
    advice = "\n".join(m.text for m in user.messages[-2:])
    assert "too late for a dispute" in advice and "open it now" not in advice
    parcel = await bot.services.storage.parcels.get(pid)
    assert parcel is not None and parcel.protection_deadline == ago(bot, 30)


async def test_whatnow_timer_over_without_a_date_words_both_branches(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/whatnow")
    await user.press("It is over")
    await user.press("Skip")  # when the order finished: unknown
    while "Question" in user.last_reply().text:
        await user.press("Skip")
    advice = "\n".join(m.text for m in user.messages[-3:])
    assert "If the order finished less than 15 days ago" in advice
    assert "contact AliExpress support" in advice
    assert "PayPal claim within 180 days" in advice


async def test_whatnow_question_counter_in_russian(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    await user.send("/whatnow")
    assert "Вопрос 1 из 3" in user.last_reply().text


async def test_help_back_button_matches_the_other_screens(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/help")
    assert "⬅️ Main menu" in labels(user) and "⬅️ Menu" not in labels(user)
