"""The parcel menu in Russian: list, view, timeline in the user's zone, rename, archive, delete."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage import NewEvent
from tests.fakes.tracking_servers import FakeEvent
from tests.support.app import BotHarness
from tests.support.tracking import TrackedBot

NUMBER = "LP00068434402473"


async def test_list_view_timeline_rename_archive_delete_in_russian(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    storage = bot.services.storage
    await user.send("/add RR123456785CN")
    replies = await user.send("/list")
    # QA: "слежу за 1" (за кем?) and "Слежу за Чехол" (wrong case) read badly.
    assert "на отслеживании: 1" in replies[-1].text
    assert any("Слежу за посылкой RR123456785CN" in (m.text or "") for m in user.messages)
    parcel = (await storage.parcels.list_for_user(user.id))[0]
    await storage.users.set_timezone(user.id, "Europe/Moscow")
    when = int(datetime(2026, 10, 30, 21, 30, tzinfo=UTC).timestamp())
    await storage.events.insert_new(
        parcel.id,
        [
            NewEvent("a", "cainiao", when - 86400, "in_transit", "Шэньчжэнь", "Принято"),
            NewEvent("b", "cainiao", when, "in_customs", "Москва", "Таможня"),
        ],
    )
    await user.press("RR123456785CN")
    view = user.last_reply().text
    assert "Статус: ❔ пока не найдена" in view and "Таможня" in view
    assert "00:30" in view  # 21:30 UTC is half past midnight in Moscow
    await user.press("История")
    timeline = user.last_reply().text
    assert timeline.index("Таможня") < timeline.index("Принято")
    await user.press("К посылке")
    await user.press("Переименовать")
    replies = await user.send("Кроссовки")
    assert "Переименовал" in replies[-1].text and "Кроссовки" in replies[-1].text
    await user.press("В архив")
    assert "В архиве" in user.last_reply().text
    replies = await user.send("/list")
    assert "Архив (1)" in " ".join(label for row in replies[-1].buttons for label in row)
    await user.press("Архив (1)")
    assert "<b>" not in user.last_reply().text and "1 посылка" in user.last_reply().text
    await user.press("Кроссовки")
    await user.press("Удалить")
    assert "нельзя отменить" in user.last_reply().text
    await user.press("Да, удалить")
    assert await storage.parcels.count_all(user.id) == 0


async def test_cap_message_in_russian(bot: BotHarness) -> None:
    bot.configure(max_parcels_per_user=1)
    await bot.restart()
    user = bot.user(language_code="ru")
    await user.send("/add RR123456785CN")
    replies = await user.send("/add RR123456799CN")
    assert "Я уже слежу за 1 посылкой" in replies[-1].text


async def test_card_and_push_agree_on_the_status_and_count_from_the_users_today(
    tracked: TrackedBot,
) -> None:
    """Drift fixed: the push said "прибыла в страну назначения", the card "прибыла в вашу
    страну". The card's "today" is the user's date: 20:00 UTC is already tomorrow in
    Vladivostok, so a timer ending that local day ends "today", not "in 1 day"."""
    t = tracked
    t.bot.clock.set(datetime(2026, 11, 20, 20, 0, tzinfo=UTC))
    now = t.bot.clock.now()
    t.cainiao.set_events(
        NUMBER, [FakeEvent(now - timedelta(hours=3), "Arrived at destination airport", "LH_ARRIVE")]
    )
    user = await t.user(language="ru", timezone="Asia/Vladivostok")
    parcel = await t.add_parcel(user.id, NUMBER)
    await t.bot.services.storage.parcels.update_facts(
        user.id, parcel.id, protection_deadline=date(2026, 11, 21)
    )
    await t.tick()
    pushes = "\n".join(m.text or "" for m in user.messages if m.from_bot)
    assert "прибыла в вашу страну" in pushes and "страну назначения" not in pushes
    assert "заканчивается сегодня" in pushes  # the protection reminder counts the same way
    await user.send("/list")
    await user.press(NUMBER)
    card = user.last_reply().text
    assert "Статус: 🛬 прибыла в вашу страну" in card
    assert "Защита покупателя заканчивается сегодня." in card
