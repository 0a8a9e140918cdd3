"""The emulator's sendPhoto: multipart uploads decoded and held to the Bot API's size rules."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from telegram.error import BadRequest
from telegram.ext import Application, ApplicationBuilder

from bot.emulator import BotApiEmulator

SPEC = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "testdata"
    / "telegram-bot-api-spec"
    / "api.min.json"
)


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format="PNG")
    return out.getvalue()


def _app(emu: BotApiEmulator) -> Application[Any, Any, Any, Any, Any, Any]:
    return (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )


async def test_a_photo_upload_is_decoded_and_resent_by_file_id(emulator: BotApiEmulator) -> None:
    async with _app(emulator) as app:
        sent = await app.bot.send_photo(
            11, _png(1240, 3000), filename="e.png", caption="<b>Record</b>", parse_mode="HTML"
        )
        (size,) = sent.photo
        # Telegram keeps a copy whose longer side is at most 2560 px.
        assert (size.width, size.height) == (1058, 2560)
        assert sent.caption == "Record"
        stored = emulator.files[size.file_id]
        assert Image.open(io.BytesIO(stored.data)).size == (1240, 3000)
        again = await app.bot.send_photo(11, size.file_id)
        assert again.photo[0].file_unique_id == size.file_unique_id
        file = await app.bot.get_file(size.file_id)
        assert bytes(await file.download_as_bytearray()) == stored.data


@pytest.mark.parametrize(
    ("photo", "error"),
    [
        (b"not an image", "IMAGE_PROCESS_FAILED"),
        (_png(100, 2100), "PHOTO_INVALID_DIMENSIONS"),  # ratio over 20
        (_png(5000, 5001), "PHOTO_INVALID_DIMENSIONS"),  # width + height over 10000
    ],
)
async def test_a_photo_telegram_would_refuse_is_refused(
    emulator: BotApiEmulator, photo: bytes, error: str
) -> None:
    async with _app(emulator) as app:
        with pytest.raises(BadRequest, match=f"(?i){error}"):
            await app.bot.send_photo(11, photo, filename="x.png")
    assert emulator.files == {}


async def test_the_photo_message_has_only_the_spec_fields(emulator: BotApiEmulator) -> None:
    if not SPEC.exists():
        pytest.skip(f"Bot API spec not available at {SPEC} (../shared absent)")
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    fields = {f["name"] for f in spec["types"]["PhotoSize"]["fields"]}
    message_fields = {f["name"] for f in spec["types"]["Message"]["fields"]}
    async with _app(emulator) as app:
        await app.bot.send_photo(1, _png(10, 10), caption="c")
    raw = emulator.chat(1).messages[0].raw
    assert set(raw) <= message_fields and "photo" in raw and "caption" in raw
    assert set(raw["photo"][0]) <= fields
