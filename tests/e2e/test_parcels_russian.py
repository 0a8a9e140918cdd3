"""The parcel menu in Russian: list, view, timeline in the user's zone, rename, archive, delete."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import NewEvent
from tests.support.app import BotHarness


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
