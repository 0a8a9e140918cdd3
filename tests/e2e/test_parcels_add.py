"""Watching parcels end to end: /add, /list, the parcel menu, facts, archive, delete, ownership."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.emulator.models import StoredMessage
from bot.emulator.users import SimulatedUser
from storage import NewEvent, Parcel
from tests.fakes.tracking_servers import FakeEvent
from tests.support.app import BotHarness
from tests.support.tracking import TrackedBot

GOOD = "RR123456785CN"
GOOD2 = "RR123456799CN"
BAD_CHECK = "RR123456780CN"


async def _only_parcel(bot: BotHarness, user: SimulatedUser) -> Parcel:
    parcels = await bot.services.storage.parcels.list_for_user(user.id, active_only=False)
    assert len(parcels) == 1
    return parcels[0]


def _labels(message: StoredMessage) -> list[str]:
    return [label for row in message.buttons for label in row]


async def test_add_with_name_is_stored_for_an_immediate_check(bot: BotHarness) -> None:
    user = bot.user(language_code="en")
    replies = await user.send(f"/add {GOOD} headphones")
    assert "Now watching" in replies[-1].text and "headphones" in replies[-1].text
    parcel = await _only_parcel(bot, user)
    assert parcel.number == GOOD and parcel.nickname == "headphones"
    assert parcel.carrier == "china_post"
    assert parcel.next_check_at == int(bot.clock.now().timestamp())
    labels = _labels(replies[-1])
    assert any("What should I do" in label for label in labels)
    assert replies[-1].button_data("⚖️ Open a dispute") == f"dispute:p:{parcel.id}"


async def test_add_in_russian_with_spaces_and_lowercase(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send("/add rr 123 456 785 cn")
    assert "Слежу" in replies[-1].text
    assert (await _only_parcel(bot, user)).number == GOOD


async def test_duplicate_shows_the_parcel(bot: BotHarness) -> None:
    user = bot.user()
    await user.send(f"/add {GOOD}")
    replies = await user.send(f"/add {GOOD.lower()}")
    assert "already watch" in replies[-1].text
    assert "Timeline" in " ".join(_labels(replies[-1]))


async def test_add_without_argument_asks_and_survives_restart(bot: BotHarness) -> None:
    user = bot.user(language_code="ru")
    replies = await user.send("/add")
    assert "трек-номер" in replies[-1].text
    await bot.restart()
    replies = await user.send(f"{GOOD} кроссовки")
    assert "Слежу" in replies[-1].text
    parcel = await _only_parcel(bot, user)
    assert parcel.nickname == "кроссовки"
    # The question is answered: the next number is explained, not added.
    await user.send(GOOD2)
    assert len(await bot.services.storage.parcels.list_for_user(user.id)) == 1


async def test_garbage_long_text_and_many_numbers(bot: BotHarness) -> None:
    user = bot.user()
    replies = await user.send("/add hello world")
    assert "could not find a track number" in replies[-1].text
    assert "RR123456785CN" in replies[-1].text
    replies = await user.send("/add " + "ж" * 4000)
    assert replies and "could not find a track number" in replies[-1].text
    many = " ".join(f"RR{n:08d}0CN" for n in range(10000000, 10000300))
    replies = await user.send("/add " + many[:3900])
    assert replies and "numbers" in replies[-1].text
    assert len(replies[-1].buttons) <= 5
    assert await bot.services.storage.parcels.count_all(user.id) == 0


async def test_wrong_check_digit_asks_to_confirm(bot: BotHarness) -> None:
    user = bot.user()
    replies = await user.send(f"/add {BAD_CHECK} gift")
    assert "check digit" in replies[-1].text
    assert await bot.services.storage.parcels.count_all(user.id) == 0
    await user.press("Cancel")
    assert await bot.services.storage.parcels.count_all(user.id) == 0
    await user.send(f"/add {BAD_CHECK} gift")
    replies = await user.press("Watch anyway")
    assert "Now watching" in replies[-1].text
    assert (await _only_parcel(bot, user)).nickname == "gift"


async def test_watch_button_from_explain(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/start")
    replies = await user.press_data(user.last_reply(), f"watch:add:{GOOD}")
    assert "Now watching" in replies[-1].text
    replies = await user.press_data(user.last_reply(), f"watch:add:{GOOD}")
    assert "already watch" in replies[-1].text


async def test_cap_on_active_parcels(bot: BotHarness) -> None:
    bot.configure(max_parcels_per_user=2)
    await bot.restart()
    user = bot.user()
    await user.send(f"/add {GOOD}")
    await user.send(f"/add {GOOD2}")
    replies = await user.send("/add RR123456808CN")
    assert "the most I can watch" in replies[-1].text
    assert await bot.services.storage.parcels.count_active(user.id) == 2
    # Archiving one frees a place.
    first = (await bot.services.storage.parcels.list_for_user(user.id))[-1]
    await bot.services.storage.parcels.archive(user.id, first.id)
    replies = await user.send("/add RR123456808CN")
    assert "Now watching" in replies[-1].text


async def test_list_pages_and_archive(bot: BotHarness) -> None:
    user = bot.user()
    storage = bot.services.storage
    for n in range(10):
        await storage.parcels.add(await _ensure(bot, user), f"LP0012345678{n:04d}")
    replies = await user.send("/list")
    text = replies[-1].text
    assert "10 watched" in text
    labels = _labels(replies[-1])
    assert sum(1 for label in labels if "LP0012345678" in label) == 8
    await user.press("▶️")
    labels = _labels(user.last_reply())
    assert sum(1 for label in labels if "LP0012345678" in label) == 2
    # Archive one from its menu; it moves to the archive list.
    await user.press("LP00123456780000")
    await user.press("Archive")
    assert "Archived" in user.last_reply().text
    await user.send("/list")
    assert "9 watched" in user.last_reply().text
    await user.press("Archive (1)")
    await user.press("LP00123456780000")
    await user.press("Watch again")
    assert await storage.parcels.count_active(user.id) == 10


async def _ensure(bot: BotHarness, user: SimulatedUser) -> int:
    await user.send("/start")
    return user.id


async def test_view_timeline_in_user_zone(bot: BotHarness) -> None:
    user = bot.user()
    await user.send(f"/add {GOOD} phone")
    parcel = await _only_parcel(bot, user)
    await bot.services.storage.users.set_timezone(user.id, "Asia/Vladivostok")
    moments = [datetime(2026, 10, 20 + i, 3, 0, tzinfo=UTC) for i in range(3)]
    await bot.services.storage.events.insert_new(
        parcel.id,
        [
            NewEvent(f"k{i}", "cainiao", int(m.timestamp()), "in_transit", "Shenzhen", f"Step {i}")
            for i, m in enumerate(moments)
        ],
    )
    replies = await user.send("/list")
    await user.press("phone")
    view = user.last_reply().text
    assert "Step 2" in view and "13:00" in view  # 03:00 UTC is 13:00 in Vladivostok
    await user.press("Timeline")
    timeline = user.last_reply().text
    assert timeline.index("Step 2") < timeline.index("Step 1") < timeline.index("Step 0")
    assert replies


async def test_long_timeline_is_split(bot: BotHarness) -> None:
    user = bot.user()
    await user.send(f"/add {GOOD}")
    parcel = await _only_parcel(bot, user)
    events = [
        NewEvent(f"e{i}", "cainiao", 1_700_000_000 + i * 3600, None, "Hub", "x" * 150 + str(i))
        for i in range(80)
    ]
    await bot.services.storage.events.insert_new(parcel.id, events)
    mark = user.mark()
    await user.press_data(user.last_reply(), f"parcel:timeline:{parcel.id}")
    parts = user.replies_since(mark)
    assert len(parts) >= 3 and all(len(p.text) <= 4096 for p in parts)
    assert "79" in parts[0].text and parts[-1].buttons


async def test_rename(bot: BotHarness) -> None:
    user = bot.user()
    await user.send(f"/add {GOOD}")
    await user.press("Rename")
    replies = await user.send("x" * 41)
    assert "40 at most" in replies[-1].text
    replies = await user.send("Winter <boots>")
    assert "Renamed" in replies[-1].text and "Winter <boots>" in replies[-1].text
    assert (await _only_parcel(bot, user)).nickname == "Winter <boots>"


async def test_order_facts_typed_in_several_forms(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    user = bot.user()
    await user.send(f"/add {GOOD}")
    await user.press("Order facts")
    for typed, expected in [
        ("12.11", date(2026, 11, 12)),
        ("2026-11-10", date(2026, 11, 10)),
        ("12 days ago", date(2026, 11, 8)),
        ("yesterday", date(2026, 11, 19)),
    ]:
        await user.press("Ship date")
        replies = await user.send(typed)
        assert "Saved" in replies[-1].text
        assert (await _only_parcel(bot, user)).shipped_on == expected
    await user.press("Ship date")
    replies = await user.send("next tuesday maybe")
    assert "could not read" in replies[-1].text
    replies = await user.send("1.12")
    assert "could not read" not in replies[-1].text  # 1 Dec last year: in the past
    for typed, amount, currency in [
        ("$7.5", 7.5, "USD"),
        ("7,50 $", 7.5, "USD"),
        ("15 USD", 15.0, "USD"),
        ("1200 руб", 1200.0, "RUB"),
    ]:
        await user.press("Price")
        replies = await user.send(typed)
        parcel = await _only_parcel(bot, user)
        assert (parcel.price_amount, parcel.price_currency) == (amount, currency)
    assert "(≈ $13)" in replies[-1].text  # one "≈", no "approximately" beside it
    await user.press("Protection timer")
    replies = await user.send("in 17 days")
    assert (await _only_parcel(bot, user)).protection_deadline == date(2026, 12, 7)
    assert "17 days left" in replies[-1].text


async def test_order_facts_in_russian(bot: BotHarness) -> None:
    bot.clock.set(datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    user = bot.user(language_code="ru")
    await user.send(f"/add {GOOD}")
    await user.press("Данные заказа")
    await user.press("Дата отправки")
    await user.send("12 дней назад")
    await user.press("Защита")
    replies = await user.send("17 дней")
    parcel = await _only_parcel(bot, user)
    assert parcel.shipped_on == date(2026, 11, 8)
    assert parcel.protection_deadline == date(2026, 12, 7)
    assert "17 дней" in replies[-1].text and "12 дней" in replies[-1].text
    await user.press("Цена")
    replies = await user.send("350")
    parcel = await _only_parcel(bot, user)
    assert (parcel.price_amount, parcel.price_currency) == (350.0, "RUB")


async def test_delete_needs_confirmation(bot: BotHarness) -> None:
    user = bot.user()
    await user.send(f"/add {GOOD}")
    await user.press("Delete")
    assert "cannot be undone" in user.last_reply().text
    await user.press("No, keep it")
    assert await bot.services.storage.parcels.count_all(user.id) == 1
    await user.press("Delete")
    await user.press("Yes, delete it")
    assert await bot.services.storage.parcels.count_all(user.id) == 0
    assert "Deleted" in user.last_reply().text


async def test_crafted_callbacks_never_reach_another_users_parcel(bot: BotHarness) -> None:
    owner = bot.user(2001)
    await owner.send(f"/add {GOOD}")
    victim = await _only_parcel(bot, owner)
    intruder = bot.user(2002)
    await intruder.send("/start")
    message = intruder.last_reply()
    for action in ("view", "timeline", "tlpush", "delete", "delyes", "archive", "archkeep",
                   "archdrop", "unarchive", "rename", "facts", "fship", "fprice", "fprot",
                   "check"):  # fmt: skip
        mark = intruder.mark()
        await intruder.press_data(message, f"parcel:{action}:{victim.id}")
        assert intruder.replies_since(mark) == []
        assert "cannot find this parcel" in (bot.emulator.callback_answers[-1].text or "")
    await intruder.press_data(message, "parcel:view:99999999")
    assert "cannot find this parcel" in (bot.emulator.callback_answers[-1].text or "")
    after = await bot.services.storage.parcels.get(victim.id)
    assert after is not None and after.is_active and after.nickname is None


async def test_check_now_is_rate_limited(tracked: TrackedBot) -> None:
    """The real watcher against the fake Cainiao: a check finds new events, and a second
    press within five minutes does not reach the tracker again."""
    bot = tracked.bot
    now = bot.clock.now()
    tracked.cainiao.set_events(
        GOOD,
        [
            FakeEvent(
                now - timedelta(hours=2), "Departed from the sorting centre", "SC_OUTBOUND_SUCCESS"
            ),
            FakeEvent(now - timedelta(hours=30), "Accepted by the carrier", "GWMS_ACCEPT"),
        ],
    )
    user = bot.user()
    await user.send(f"/add {GOOD}")
    parcel = await _only_parcel(bot, user)
    asked = len(tracked.cainiao.requests)
    await user.press("Check now")
    assert len(tracked.cainiao.requests) == asked + 1
    assert "Checked just now. 2 new events." in user.last_reply().text
    assert await bot.services.storage.events.count(parcel.id) == 2
    await user.press("Check now")
    assert len(tracked.cainiao.requests) == asked + 1
    assert "Try again in 5 minutes" in (bot.emulator.callback_answers[-1].text or "")
    bot.clock.advance(minutes=5)
    await user.press("Check now")
    assert len(tracked.cainiao.requests) == asked + 2
    assert "Checked just now." in user.last_reply().text


async def test_garbage_answer_to_add_question_does_not_trap_the_user(bot: BotHarness) -> None:
    user = bot.user()
    await user.send("/add")
    replies = await user.send("what is this bot?")
    assert "could not find a track number" in replies[-1].text
    replies = await user.send("hello there")
    assert "did not understand" in replies[-1].text  # the usual handlers again
    await user.send("/add")
    await user.press("Cancel")
    assert "cancelled" in user.last_reply().text
    await user.send(GOOD)
    assert await bot.services.storage.parcels.count_all(user.id) == 0


async def test_list_buttons_carry_a_short_status_word(bot: BotHarness) -> None:
    """QA: /list buttons showed only ❔; a word says what it means, the label stays short."""
    user = bot.user()
    storage = bot.services.storage
    await user.send("/start")
    plain = await storage.parcels.add(user.id, "LP00123456780001")
    moving = await storage.parcels.add(user.id, "LP00123456780002")
    await storage.parcels.update_tracking(moving.id, status="in_customs")
    await storage.parcels.rename(user.id, plain.id, "A very long name for a phone case, blue")
    labels = _labels((await user.send("/list"))[-1])
    assert "🛃 LP00123456780002 · customs" in labels
    long_label = next(label for label in labels if "A very long" in label)
    assert long_label.startswith("❔ A very long") and long_label.endswith("… · not found")
    assert all(len(label) <= 40 for label in labels)
    russian = bot.user(1002, language_code="ru")
    await russian.send("/start")
    await storage.parcels.add(russian.id, "LP00123456780003")
    assert "❔ LP00123456780003 · не найдена" in _labels((await russian.send("/list"))[-1])


async def test_crafted_parcel_data_gets_the_one_stale_answer(bot: BotHarness) -> None:
    """Data no button ever carried (an id past SQLite's range, a digit that is not ASCII, an
    unknown verb) is answered once, by the codec, and reaches no handler."""
    user = bot.user()
    await user.send(f"/add {GOOD}")
    parcel = await _only_parcel(bot, user)
    message = user.last_reply()
    for data in (
        "parcel:view:99999999999999999999",
        "parcel:view:²",
        "parcel:view:abc",
        f"parcel:nonsense:{parcel.id}",
        f"parcel:view:{parcel.id}:extra",
        "parcels:list:x",
        "parcels:force:not a number",
        "parcels:force:..",
        "watch:add:a/b",
    ):
        mark = user.mark()
        answers = len(bot.emulator.callback_answers)
        await user.press_data(message, data)
        assert user.replies_since(mark) == [], data
        assert len(bot.emulator.callback_answers) == answers + 1, data
        assert "out of date" in (bot.emulator.callback_answers[-1].text or ""), data
    assert await bot.services.storage.parcels.count_all(user.id) == 1
