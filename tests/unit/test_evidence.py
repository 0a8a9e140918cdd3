"""The evidence renderer (bot/ui/evidence.py): data in, PNG/PDF bytes out. Decoded, never compared
pixel by pixel: size, the PNG's description, the PDF's text layer and the sentences it builds."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pypdf
from PIL import Image

from bot.ui import evidence
from bot.ui.evidence import CheckCount, Evidence, EvidenceEvent

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
T0 = int(datetime(2026, 11, 2, tzinfo=UTC).timestamp())
DAY = 86400
NUMBER = "RB123456785CN"


def _events(n: int) -> tuple[EvidenceEvent, ...]:
    codes = ["GWMS_ACCEPT", "GWMS_OUTBOUND", "LH_HO_IN_SUCCESS", "LH_DEPART", "CC_IM_START"]
    return tuple(
        EvidenceEvent(T0 + i * 3600, "cainiao", codes[i % 5], f"std {i}", "", "", "in_transit")
        for i in range(n)
    )


def _evidence(**values: object) -> Evidence:
    base: dict[str, object] = dict(
        number=NUMBER, status="in_transit", now=NOW, zone=ZoneInfo("Europe/Moscow"),
        zone_name="Europe/Moscow", nickname="Наушники", shipped_on=date(2026, 11, 1),
        protection_deadline=date(2026, 12, 10), price="7.49 USD", origin_country="CN",
        dest_country="RU", added_at=T0 - 3 * DAY, last_event_at=T0 + 6 * DAY,
        events=(
            *_events(3),
            EvidenceEvent(T0 + 6 * DAY, "17track", "InTransit_Arrival",
                          "Arrived at facility MOSCOW 101000", "", "Москва", "arrived_destination"),
        ),
        checks=(
            CheckCount("cainiao", "empty", 0, 3, T0 - 2 * DAY, T0 - 3600),
            CheckCount("cainiao", "same", T0 + 6 * DAY, 38, T0 + 6 * DAY + 60, T0 + 29 * DAY),
            CheckCount("17track", "same", T0 + 6 * DAY, 20, T0 + 7 * DAY, T0 + 28 * DAY),
            CheckCount("17track", "failed", T0, 2, T0, T0 + 100),
        ),
    )  # fmt: skip
    base.update(values)
    return Evidence(**base)  # type: ignore[arg-type]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_png_is_a4_wide_and_describes_itself() -> None:
    png = evidence.render_png(_evidence())
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] == 1240 and image.size[1] > 1200
    assert image.text["Description"] == (  # type: ignore[attr-defined]
        f"Tracking record of {NUMBER}: 4 tracking events, 63 checks."
    )


def test_pdf_text_layer_holds_the_number_events_times_and_checks() -> None:
    text = _pdf_text(evidence.render_pdf(_evidence()))
    assert NUMBER in text and "Наушники" in text  # Cyrillic through DejaVu Sans
    assert "Tracking events (4), newest first" in text
    # UTC and the user's local time, the source and the carrier's words.
    assert "2026-11-08 00:00 UTC (2026-11-08 03:00 Europe/Moscow)" in text
    assert "17TRACK" in text and "Arrived at facility MOSCOW 101000" in text
    assert "Checked 3 times between Oct 31, 2026 and Nov 1, 2026 on Cainiao: no events" in text
    assert "checked 58 times between" in text and "on Cainiao and 17TRACK" in text
    assert "Shipped on 2026-11-01: 30 days ago." in text
    assert "23 days ago" in text  # since the last event
    assert "check digit valid" in text and "China Post" in text
    assert "Status now: in transit. Route: CN → RU." in text


def test_a_long_history_keeps_the_photo_within_telegrams_limits_and_the_pdf_has_all() -> None:
    many = _evidence(events=_events(400), last_event_at=T0 + 399 * 3600)
    image = Image.open(io.BytesIO(evidence.render_png(many)))
    width, height = image.size
    assert width + height <= 10_000 and height / width <= 20
    data = evidence.render_pdf(many)
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) > 1  # continued past PDF's page size
    pdf = _pdf_text(data)
    assert "Tracking events (400)" in pdf
    assert "std 0" in pdf and "std 399" in pdf  # the oldest and the newest
    _summary, lines, shown = evidence._layout(many, evidence.PNG_MAX_HEIGHT_PX / evidence.DPI)
    assert 0 < shown < 400
    assert lines[-1][1] == f"\u2026and {400 - shown} earlier events: see the PDF, which has all."


def test_no_events_and_no_checks_say_so() -> None:
    empty = _evidence(events=(), checks=(), last_event_at=None)
    text = _pdf_text(evidence.render_pdf(empty))
    assert "No tracking event at all so far." in text
    assert "No checks recorded yet." in text
    assert "None: no source has reported any event for this number." in text


def test_glyphs_the_font_lacks_become_a_marker_not_boxes() -> None:
    assert evidence.drawable("preMainCode:SINOA1 包裹已出库 ok") == "preMainCode:SINOA1 […] ok"
    assert evidence.drawable("Наушники") == "Наушники"


def test_a_wrong_check_digit_is_named() -> None:
    lines = evidence.verdict_lines("RB123456789CN")
    assert "check digit INVALID (expected 5)" in lines[0]
