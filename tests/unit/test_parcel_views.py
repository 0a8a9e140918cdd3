"""The parcel screens as pure views (bot/ui/parcel_views.py): text and buttons from data."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import use_language
from bot.ui import parcel_views as views
from bot.ui.buttons import ParcelAction, ParcelVerb
from bot.ui.present import STATUSES, today_in
from bot.watch import texts
from handlers import parcels
from storage.models import Parcel, ParcelPage, TrackingEvent

T0 = 1_800_000_000
TODAY = date(2026, 11, 20)


def _parcel(**changes: object) -> Parcel:
    base = Parcel(7, 1, "RR123456785CN", None, "china_post", "s10", T0, T0, last_checked_at=T0)
    return replace(base, **changes)  # type: ignore[arg-type]


def _event(at: int | None, description: str, status: str | None = None) -> TrackingEvent:
    return TrackingEvent(1, 7, f"k{at}", at, status, "Shenzhen", description, None, "cainiao", T0)


def _data(rows: list[list[tuple[str, str]]]) -> list[str]:
    return [data for row in rows for _label, data in row]


def _status_phrase(text: str, prefix: str) -> str:
    line = next(line for line in text.splitlines() if line.startswith(prefix))
    return line.removeprefix(prefix)


@pytest.mark.parametrize("status", sorted(STATUSES))
def test_the_card_and_the_push_name_a_status_with_the_same_words(status: str) -> None:
    """Drift fixed: the card said "ждёт в пункте выдачи" where the push said "ждёт вас в
    пункте выдачи" (and "вручена"/"доставлена" in two catalogs)."""
    with use_language("ru"):
        card, _rows = views.card(_parcel(status=status), None, UTC, TODAY)
        push = texts.render(texts.KIND_STATUS, {"name": "X", "status": status}, 7, UTC).text
    on_card = _status_phrase(card, "Статус: ").split(" ", 1)[1]  # after the emoji
    assert on_card == _status_phrase(push, "Новый статус: ")


def test_the_card_counts_days_from_the_users_today() -> None:
    """20:00 UTC on 20 Nov is already 21 Nov in Vladivostok: the timer ends today there."""
    now = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)
    parcel = _parcel(protection_deadline=date(2026, 11, 21), shipped_on=date(2026, 11, 11))
    zone = ZoneInfo("Asia/Vladivostok")
    with use_language("en"):
        local, _ = views.card(parcel, None, zone, today_in("Asia/Vladivostok", now))
        utc, _ = views.card(parcel, None, UTC, today_in(None, now))
    assert "Buyer protection ends <b>today</b>" in local and "(10 days ago)" in local
    assert "1 day left" in utc and "(9 days ago)" in utc


def test_card_shows_the_latest_event_in_the_users_zone_and_escapes_carrier_text() -> None:
    event = _event(int(datetime(2026, 10, 20, 3, 0, tzinfo=UTC).timestamp()), "Left <hub>")
    with use_language("en"):
        text, rows = views.card(
            _parcel(nickname="Boots & co", status="in_customs"),
            event,
            ZoneInfo("Asia/Vladivostok"),
            TODAY,
        )
    assert "📦 <b>Boots &amp; co</b>" in text and "<code>RR123456785CN</code>" in text
    assert "Status: 🛃 at customs" in text
    assert "<b>20 Oct 2026, 13:00</b> — Left &lt;hub&gt; · Shenzhen" in text
    assert ParcelAction(ParcelVerb.ARCHIVE, 7).pack() in _data(rows)
    assert "whatnow:p:7" in _data(rows) and "dispute:p:7" in _data(rows)


def test_archived_card_offers_watch_again_and_goes_back_to_the_archive() -> None:
    with use_language("en"):
        text, rows = views.card(_parcel(archived_at=T0), None, UTC, TODAY)
    assert "Archived: I do not check it any more." in text
    assert "parcel:unarchive:7" in _data(rows) and "parcel:archive:7" not in _data(rows)
    assert rows[-1][0][1] == "parcels:arch:0"


def test_card_before_the_first_check() -> None:
    with use_language("en"):
        text, _ = views.card(_parcel(last_checked_at=None), None, UTC, TODAY)
    assert "Not checked yet" in text


def test_facts_lines_in_russian_with_an_approximate_dollar_price() -> None:
    parcel = _parcel(
        shipped_on=date(2026, 11, 8),
        protection_deadline=date(2026, 11, 15),
        price_amount=1200.0,
        price_currency="RUB",
    )
    with use_language("ru"):
        lines = views.facts_lines(parcel, TODAY)
    assert "(12 дней назад)" in lines[0]
    assert "закончилась 5 дней назад" in lines[1]
    assert lines[2] == "💵 Цена: 1\u00a0200\u00a0₽ (≈ 13\u00a0$)."  # one "≈", Babel's format


def test_timeline_is_newest_first_and_goes_back_to_the_card() -> None:
    events = [_event(T0 + i * 3600, f"Step {i}") for i in range(3)]
    with use_language("en"):
        text, rows = views.timeline(_parcel(), events, UTC)
        empty, _ = views.timeline(_parcel(), [], UTC)
    assert text.index("Step 2") < text.index("Step 1") < text.index("Step 0")
    assert rows == [[("⬅️ Back to the parcel", "parcel:view:7")]]
    assert "No tracking events yet" in empty


def test_event_without_time_or_description_shows_a_dash_and_the_status() -> None:
    with use_language("en"):
        line = views.event_line(_event(None, "  ", "delivered"), UTC)
    assert line == "<b>—</b> — ✅ delivered · Shenzhen"


def _page(count: int, page: int, *, archived: int = 0) -> ParcelPage:
    items = [_parcel(id=i, number=f"LP{i:014d}") for i in range(min(count, views.PAGE_SIZE))]
    pages = max(1, -(-count // views.PAGE_SIZE))
    return ParcelPage(items, page, pages, count, archived)


def test_list_pages_have_arrows_and_an_archive_button() -> None:
    with use_language("en"):
        first, rows = views.list_screen(_page(10, 0, archived=3), archived=False)
        _text, last_rows = views.list_screen(_page(10, 1), archived=False)
    assert "10 watched" in first
    assert [label for label, _ in rows[-3]] == ["1/2", "▶️"]
    assert ("🗄 Archive (3)", "parcels:arch:0") in rows[-2]
    assert [data for _, data in last_rows[-3]] == ["parcels:list:0", "parcels:list:1"]


def test_empty_list_and_empty_archive() -> None:
    with use_language("en"):
        active, rows = views.list_screen(_page(0, 0), archived=False)
        archive, _ = views.list_screen(ParcelPage([], 0, 1, 0, 0), archived=True)
    assert "You do not watch any parcels yet" in active
    assert ("➕ Add a parcel", "parcels:add") in rows[0]
    assert archive == "🗄 The archive is empty."


def test_list_label_is_short_with_a_status_word() -> None:
    long_name = _parcel(nickname="A very long name for a phone case, blue", status="returning")
    with use_language("en"):
        label = views.list_label(long_name)
    assert label.startswith("↩️ A very long") and label.endswith("… · returning")
    assert len(label) <= views.LIST_LABEL_MAX


def test_the_add_prompt_is_one_text_with_a_cancel_button() -> None:
    with use_language("ru"):
        text, rows = views.add_prompt()
    assert "Пришлите трек-номер" in text and "RR123456785CN" in text
    assert rows == [[("✖️ Отмена", "parcels:cancel")]]


def test_every_parcel_verb_has_a_handler() -> None:
    assert set(parcels.VERBS) == set(ParcelVerb)
