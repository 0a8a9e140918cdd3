"""The evidence picture end to end: a parcel watched through the fakes for 40 simulated days,
then the card's button sends a photo and a PNG file, and the PDF on request."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import TYPE_CHECKING

import pypdf
from PIL import Image

from tests.fakes.tracking_servers import FakeEvent

if TYPE_CHECKING:
    from tests.support.tracking import TrackedBot

NUMBER = "LP00068434402473"
OTHER = "RB123456785CN"


async def test_forty_days_of_watching_then_the_evidence_picture_and_pdf(
    tracked: TrackedBot,
) -> None:
    t = tracked
    start = t.bot.clock.now()
    t.cainiao.set_events(
        NUMBER, [FakeEvent(start - timedelta(days=1), "Order received", "GWMS_ACCEPT")]
    )
    user = await t.user(4001, language="ru", timezone="Europe/Moscow")
    parcel = await t.add_parcel(user.id, NUMBER, nickname="Наушники")
    codes = ["GWMS_OUTBOUND", "LH_HO_IN_SUCCESS", "LH_DEPART", "LH_ARRIVE", "CC_IM_START"]
    checked = 0
    for day in range(40):
        now = t.bot.clock.advance(days=1)
        if day < len(codes) * 2 and day % 2 == 1:  # an event every other day, then silence
            code = codes[day // 2]
            t.cainiao.add_event(NUMBER, FakeEvent(now - timedelta(hours=2), f"std {code}", code))
        stats, _sent = await t.tick()
        checked += stats.checked + stats.failed
    stored = await t.bot.services.storage.events.count(parcel.id)
    assert stored == 1 + len(codes)
    tallies = await t.bot.services.storage.checks.for_parcel(parcel.id)
    assert checked >= 30 and sum(c.checks for c in tallies) == checked  # every check counted
    assert {c.result for c in tallies} >= {"new", "same"}

    await user.send("/list")
    await user.press_index(1)
    files_before = len(t.bot.emulator.files)
    replies = await user.press("📸 Доказательства для спора")
    photo_message, file_message = replies[-2], replies[-1]
    assert photo_message.photo is not None and "Наушники" in photo_message.text
    assert f"{stored} событий" in photo_message.text  # the caption is in the user's language
    image = Image.open(io.BytesIO(photo_message.photo.data))
    assert image.format == "PNG" and image.size[0] == 1240
    assert image.size[1] > 1000 and sum(image.size) <= 10_000  # within Telegram's photo limits
    alt = image.text["Description"]  # type: ignore[attr-defined]
    assert NUMBER in alt and f"{stored} tracking events" in alt
    assert file_message.document is not None
    assert file_message.document.data == photo_message.photo.data
    assert len(t.bot.emulator.files) == files_before + 2

    replies = await user.press("📄 То же в PDF")
    pdf_message = replies[-1]
    assert pdf_message.document is not None and pdf_message.document.filename.endswith(".pdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf_message.document.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert NUMBER in text
    assert f"Tracking events ({stored}), newest first" in text
    assert "Import customs clearance started" in text  # English, the dispute's language
    assert "nothing new" in text  # the quiet checks since the last event


async def test_evidence_command_asks_which_parcel_and_refuses_strangers(
    tracked: TrackedBot,
) -> None:
    t = tracked
    user = await t.user(4002)
    replies = await user.send("/evidence")
    assert "do not watch any parcels" in replies[-1].text
    mine = await t.add_parcel(user.id, NUMBER, nickname="Phone case")
    await t.add_parcel(user.id, OTHER)
    replies = await user.send("/evidence")
    assert replies[-1].buttons == [[OTHER], ["Phone case"]]
    replies = await user.press("Phone case")
    assert replies[-2].photo is not None and "Phone case" in replies[-2].text
    assert "0 events" in replies[-2].text

    stranger = await t.user(4003)
    await stranger.send("/start")
    photos = [m for m in stranger.messages if m.photo is not None]
    await stranger.press_data(stranger.last_reply(), f"evidence:png:{mine.id}")
    assert "cannot find this parcel" in (t.bot.emulator.callback_answers[-1].text or "")
    assert [m for m in stranger.messages if m.photo is not None] == photos
