"""Events in the reader's language (bot/tracking/event_texts.py): every code a client knows has a
text in English and Russian; the carrier's words come beneath only when they add something."""

from __future__ import annotations

import re

import pytest

from bot.i18n import translate, use_language
from bot.tracking import cainiao, russianpost, track17
from bot.tracking.event_texts import TABLES, event_msgid, event_words
from bot.ui import parcel_views as views
from bot.watch import texts
from storage import TrackingEvent

# 17TRACK v2.2's sub-statuses, the whole published list (the client maps only some of them).
TRACK17_SUB_STATUSES = (
    *("NotFound_Other", "NotFound_InvalidCode", "InfoReceived"),
    *("InTransit_PickedUp", "InTransit_Other", "InTransit_Departure", "InTransit_Arrival"),
    *("InTransit_CustomsProcessing", "InTransit_CustomsReleased"),
    *("InTransit_CustomsRequiringInformation", "Expired_Other", "AvailableForPickup_Other"),
    *("OutForDelivery_Other", "DeliveryFailure_Other", "DeliveryFailure_NoBody"),
    *("DeliveryFailure_Security", "DeliveryFailure_Rejected", "DeliveryFailure_InvalidAddress"),
    *("Delivered_Other", "Exception_Other", "Exception_Returning", "Exception_Returned"),
    *("Exception_NoBody", "Exception_Security", "Exception_Damage", "Exception_Rejected"),
    *("Exception_Delay", "Exception_Lost", "Exception_Destroyed", "Exception_Cancel"),
)


def known_codes() -> list[tuple[str, str]]:
    """Every code a tracking client maps to a status, as the client stores it in events."""
    codes = [(cainiao.NAME, code) for code in cainiao.ACTION_CODES]
    codes += [(track17.NAME, code) for code in (*track17.STAGE, *track17.SUB_STATUS)]
    codes += [(track17.NAME, code) for code in TRACK17_SUB_STATUSES]
    codes += [(russianpost.NAME, str(code)) for code in russianpost.OPER_TYPES]
    codes += [(russianpost.NAME, f"{t}.{a}") for t, a in russianpost.OPER_ATTRS]
    return codes


def test_the_table_covers_at_least_the_codes_the_clients_map() -> None:
    assert len(cainiao.ACTION_CODES) >= 30
    assert len(known_codes()) > 100


@pytest.mark.parametrize(("source", "code"), known_codes())
def test_every_known_code_has_a_short_text_in_english_and_russian(source: str, code: str) -> None:
    msgid = event_msgid(source, code)
    assert msgid is not None, f"{source} code {code} has no text in bot/tracking/event_texts.py"
    assert len(msgid) <= 80
    russian = translate(msgid, "ru")
    assert russian != msgid, f"no Russian for {msgid!r} (locales/ru/LC_MESSAGES/events.po)"
    assert re.search("[а-яё]", russian, re.IGNORECASE)


def test_no_table_entry_is_dead() -> None:
    """A text whose code no client knows (a typo) would never be shown."""
    known = set(known_codes())
    for source, table in TABLES.items():
        for code in table:
            assert (source, code) in known, f"{source} {code}: no client produces this code"


def test_cainiao_standard_words_are_replaced_and_its_own_words_kept_beneath() -> None:
    with use_language("ru"):
        words = event_words(
            "cainiao",
            "lh_ho_in_success",  # codes are matched case-insensitively, as the client maps them
            "Received by line-haul",
            "preMainCode:SINOA00241668IL 包裹已出库",
        )
    assert words.known and words.text == "Принята международным перевозчиком"
    assert words.original == "preMainCode:SINOA00241668IL 包裹已出库"
    with use_language("en"):
        plain = event_words("cainiao", "CC_IM_START", "Import customs clearance started", "")
    assert plain.text == "Import customs clearance started" and plain.original == ""


def test_17track_carrier_sentence_is_kept_beneath_unless_it_repeats_the_text() -> None:
    with use_language("ru"):
        words = event_words("17track", "Departure", "Departed from facility SHENZHEN 518000")
        same = event_words("17track", "Arrival", "arrived at a  facility")
    assert words.text == "Покинула пункт обработки"
    assert words.original == "Departed from facility SHENZHEN 518000"
    assert same.original == ""


def test_russian_post_attribute_without_a_text_falls_back_to_its_type() -> None:
    with use_language("ru"):
        words = event_words("russianpost", "8.99", "Обработка — Нечто новое")
    assert words.text == "Обработана в сортировочном пункте" and words.original == ""


def test_an_unknown_code_shows_the_original_text() -> None:
    with use_language("ru"):
        words = event_words("cainiao", "BRAND_NEW_CODE", "Something new  happened", "新的")
        nothing = event_words("unknown-source", "", "Left Guangzhou", "")
    assert not words.known
    assert (words.text, words.original) == ("Something new happened", "新的")
    assert (nothing.text, nothing.original) == ("Left Guangzhou", "")


def _event(**values: object) -> TrackingEvent:
    base: dict[str, object] = dict(
        id=1, parcel_id=1, event_key="k", occurred_at=1764200000, status="in_customs",
        location=None, description="Import customs clearance started", raw_code="CC_IM_START",
        source="cainiao", created_at=1764200000, detail="清关中 <b>",
    )  # fmt: skip
    base.update(values)
    return TrackingEvent(**base)  # type: ignore[arg-type]


def test_card_line_in_russian_with_the_carriers_words_escaped_beneath() -> None:
    with use_language("ru"):
        line = views.event_line(_event(), texts.user_zone(None))
    assert "Началось импортное таможенное оформление" in line
    assert "Import customs" not in line
    assert "↳ <i>清关中 &lt;b&gt;</i>" in line


def test_push_line_in_russian_and_an_old_payload_without_a_code() -> None:
    old = {"t": 1764200000, "loc": "", "desc": "Import customs clearance started"}
    new = {**old, "src": "cainiao", "code": "CC_IM_START", "detail": ""}
    with use_language("ru"):
        shown = texts.render(texts.KIND_EVENTS, {"status": "in_customs", "events": [new]}, 1,
                             texts.user_zone(None)).text  # fmt: skip
        kept = texts.render(texts.KIND_EVENTS, {"status": "in_customs", "events": [old]}, 1,
                            texts.user_zone(None)).text  # fmt: skip
    assert "Началось импортное таможенное оформление" in shown
    assert "Import customs clearance started" in kept


@pytest.mark.parametrize(
    ("words", "shown"),
    [
        ("Leave the warehouse", False),
        ("Left from departure country/region", False),
        ("preMainCode:SINOA00241668IL", True),
        ("Departed Facility in SHENZHEN - CHINA", True),
        ("包裹已出库", True),
    ],
)
def test_the_carriers_words_are_shown_when_they_add_something(words: str, shown: bool) -> None:
    with use_language("ru"):
        got = event_words("cainiao", "GWMS_OUTBOUND", "Departed from warehouse", words)
    assert got.text == "Покинула склад"
    assert (got.original == words) is shown
