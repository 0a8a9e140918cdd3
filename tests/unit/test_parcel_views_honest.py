"""The parcel screens say when the trackers could not be reached, and name the hand-over number
(issue 10, items 5 and 3): pure views from a parcel, its check counts and its events."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from bot.i18n import use_language
from bot.tracking.cainiao import handover_numbers
from bot.ui import parcel_views as views
from bot.ui.buttons import ArchivePage, ParcelAction, ParcelsPage, WatchHandover
from storage.models import CheckTally, Parcel, ParcelPage, TrackingEvent

TODAY = date(2026, 11, 20)
FIRST_FAIL = int(datetime(2026, 11, 20, 14, 5, tzinfo=UTC).timestamp())
YESTERDAY = int(datetime(2026, 11, 19, 9, 30, tzinfo=UTC).timestamp())
HOUR = 3600
NEXT = "SINOA00241668IL"


def _parcel(**changes: object) -> Parcel:
    base = Parcel(7, 1, "AE010698498", None, None, None, YESTERDAY - 86400, YESTERDAY)
    return replace(base, **changes)  # type: ignore[arg-type]


def _failed(first: int, last: int, since: int = 0, checks: int = 2) -> CheckTally:
    return CheckTally("cainiao", "failed", since, checks, first, last)


def _event(at: int, status: str = "in_transit") -> TrackingEvent:
    return TrackingEvent(1, 7, "k", at, status, "", "Departed", None, "cainiao", at)


def _data(rows: list[list[tuple[str, str]]]) -> list[str]:
    return [data for row in rows for _label, data in row]


# --- since when -----------------------------------------------------------------------------------


def test_failing_since_is_the_first_failure_after_the_last_success() -> None:
    never = [_failed(FIRST_FAIL, FIRST_FAIL + HOUR)]
    assert views.failing_since(never, None) == FIRST_FAIL
    # Failures before yesterday's success are history; today's row began after it.
    rows = [_failed(YESTERDAY - HOUR, YESTERDAY - HOUR, since=0), _failed(FIRST_FAIL, FIRST_FAIL)]
    rows.append(CheckTally("cainiao", "same", 0, 3, YESTERDAY - 5 * HOUR, YESTERDAY))
    assert views.failing_since(rows, YESTERDAY) == FIRST_FAIL


def test_failing_since_is_unknown_when_a_counted_row_spans_the_last_success() -> None:
    """One row counts failures on both sides of the success: when the later ones began is not
    kept, so no time is claimed."""
    spanning = [_failed(YESTERDAY - HOUR, FIRST_FAIL)]
    assert views.failing_since(spanning, YESTERDAY) is None
    assert views.failing_since([], None) is None


# --- the card -------------------------------------------------------------------------------------


def test_card_says_the_trackers_were_never_reached_instead_of_not_found() -> None:
    """QA C1: with no internet the card said "not found yet / Not checked yet — I will look
    shortly" for ever."""
    parcel = _parcel(check_failures=3)
    with use_language("en"):
        text, _ = views.card(parcel, None, UTC, TODAY, checks=[_failed(FIRST_FAIL, FIRST_FAIL)])
    assert "Status: 📡 unknown" in text
    assert "Trackers not reachable since 14:05; last successful check: never." in text
    assert "Not checked yet" not in text and "not found" not in text
    assert "No tracking events yet" not in text


def test_card_keeps_the_last_known_status_and_says_when_it_was_told() -> None:
    parcel = _parcel(check_failures=1, last_checked_at=YESTERDAY, status="in_transit")
    checks = [_failed(FIRST_FAIL, FIRST_FAIL, since=YESTERDAY - HOUR, checks=1)]
    with use_language("en"):
        text, _ = views.card(parcel, _event(YESTERDAY - HOUR), UTC, TODAY, checks=checks)
    assert "Status: 🚚 in transit" in text and "Last event:" in text
    assert "Trackers not reachable since 14:05; last successful check: 19 Nov 2026, 09:30." in text


def test_card_counts_the_failures_when_their_start_is_not_known() -> None:
    parcel = _parcel(check_failures=4, last_checked_at=YESTERDAY, status="in_transit")
    with use_language("en"):
        text, _ = views.card(
            parcel, None, UTC, TODAY, checks=[_failed(YESTERDAY - HOUR, FIRST_FAIL)]
        )
        never, _ = views.card(_parcel(check_failures=1), None, UTC, TODAY)
    assert "the last 4 checks failed; last successful check: 19 Nov 2026, 09:30." in text
    assert "1 check failed, none has got an answer yet." in never


def test_card_in_russian_and_in_the_users_zone() -> None:
    parcel = _parcel(check_failures=2)
    with use_language("ru"):
        text, _ = views.card(
            parcel, None, ZoneInfo("Europe/Moscow"), TODAY, checks=[_failed(FIRST_FAIL, FIRST_FAIL)]
        )
    assert "Статус: 📡 неизвестен" in text
    assert "Трекеры недоступны с 17:05; успешных проверок ещё не было." in text


def test_an_answered_check_or_an_archived_parcel_says_nothing_about_reach() -> None:
    with use_language("en"):
        fine, _ = views.card(_parcel(last_checked_at=YESTERDAY), None, UTC, TODAY)
        archived, _ = views.card(
            _parcel(check_failures=5, archived_at=FIRST_FAIL), None, UTC, TODAY
        )
    assert "not reachable" not in fine and "No tracking events yet." in fine
    assert "not reachable" not in archived


def test_timeline_says_it_could_not_look() -> None:
    with use_language("en"):
        text, _ = views.timeline(
            _parcel(check_failures=1),
            [],
            UTC,
            checks=[_failed(FIRST_FAIL, FIRST_FAIL)],
            today=TODAY,
        )
        fine, _ = views.timeline(_parcel(last_checked_at=YESTERDAY), [], UTC)
    assert "Trackers not reachable since 14:05" in text
    assert "I check automatically and write when one appears" not in text
    assert "not reachable" not in fine


# --- the list -------------------------------------------------------------------------------------


def test_list_marks_parcels_that_could_not_be_checked() -> None:
    never = _parcel(id=1, nickname="Lamp", check_failures=2)
    known = _parcel(id=2, nickname="Boots", check_failures=1, last_checked_at=YESTERDAY,
                    status="in_customs")  # fmt: skip
    fine = _parcel(id=3, nickname="Case", last_checked_at=YESTERDAY)
    checks = {
        1: [_failed(FIRST_FAIL, FIRST_FAIL)],
        2: [_failed(FIRST_FAIL + HOUR, FIRST_FAIL + HOUR)],
    }
    listing = ParcelPage([never, known, fine], 0, 1, 3, 0)
    with use_language("en"):
        text, rows = views.list_screen(listing, archived=False, checks=checks, today=TODAY)
        plain, _ = views.list_screen(ParcelPage([fine], 0, 1, 1, 0), archived=False)
    assert "Trackers not reachable since 14:05 for 2 parcels (marked 📡)." in text
    labels = [label for row in rows for label, _ in row]
    assert "📡 Lamp · no answer" in labels  # never "not found": nobody said so
    assert "📡 Boots · customs" in labels and "❔ Case · not found" in labels
    assert "not reachable" not in plain


def test_list_in_russian_without_a_known_start() -> None:
    listing = ParcelPage([_parcel(check_failures=1)], 0, 1, 1, 0)
    with use_language("ru"):
        text, rows = views.list_screen(listing, archived=False, checks={}, today=TODAY)
    assert "Трекеры недоступны: 1 посылку не удаётся проверить (отмечена 📡)." in text
    assert rows[0][0][0] == "📡 AE010698498 · нет ответа"


# --- the hand-over number -------------------------------------------------------------------------


def test_handover_numbers_come_from_the_carriers_words_newest_first() -> None:
    texts = ["Arrived", f"preMainCode:{NEXT}", "preMainCode：rb123456785cn", f"PREMAINCODE: {NEXT}"]
    assert handover_numbers(texts) == (NEXT, "RB123456785CN")
    assert handover_numbers(texts, exclude=("rb123456785cn", None)) == (NEXT,)
    assert handover_numbers(["preMainCode:short", "no code here"]) == ()


def test_card_names_the_next_carriers_number_and_offers_to_watch_it() -> None:
    with use_language("en"):
        text, rows = views.card(_parcel(last_checked_at=YESTERDAY), None, UTC, TODAY, handover=NEXT)
    assert f"🔀 At the next carrier: <code>{NEXT}</code>." in text
    assert rows[0] == [(f"👁 Watch {NEXT} too", f"parcels:next:7:{NEXT}")]
    assert WatchHandover.unpack(rows[0][0][1]) == WatchHandover(7, NEXT)
    # Its own prefix: no other family takes the button for its own.
    for family in (ParcelAction, ParcelsPage, ArchivePage):
        assert family.unpack(rows[0][0][1]) is None


def test_card_after_the_tap_says_the_number_is_checked_too() -> None:
    parcel = _parcel(last_checked_at=YESTERDAY, real_number=NEXT)
    with use_language("ru"):
        text, rows = views.card(parcel, None, UTC, TODAY, handover=NEXT)
    assert f"Номер у следующего перевозчика: <code>{NEXT}</code> — его я тоже проверяю." in text
    assert "Now tracked" not in text and "parcels:next:7" not in " ".join(_data(rows))


def test_a_number_the_source_gave_is_never_replaced_by_a_tap() -> None:
    """The second slot holds the vendor's re-label: the hand-over number is shown, not offered,
    so a tap cannot swap numbers back and forth with the next check."""
    relabelled = _parcel(last_checked_at=YESTERDAY, real_number="RC000000003EE")
    with use_language("en"):
        text, rows = views.card(relabelled, None, UTC, TODAY, handover=NEXT)
        archived, archived_rows = views.card(
            _parcel(archived_at=FIRST_FAIL), None, UTC, TODAY, handover=NEXT
        )
    assert "Now tracked as <code>RC000000003EE</code>." in text
    assert f"At the next carrier: <code>{NEXT}</code>." in text
    assert not any(d.startswith("parcels:next") for d in _data(rows))
    assert f"At the next carrier: <code>{NEXT}</code>." in archived
    assert not any(d.startswith("parcels:next") for d in _data(archived_rows))


def test_a_number_too_long_for_a_button_is_shown_without_one() -> None:
    long_number = "X" * 40
    with use_language("en"):
        text, rows = views.card(_parcel(id=10**18), None, UTC, TODAY, handover=long_number)
    assert long_number in text
    assert not any(d.startswith("parcels:next") for d in _data(rows))
