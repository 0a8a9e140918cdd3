"""Webhook mode end to end: the emulator POSTs updates to our own aiohttp server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot.emulator import BotApiEmulator
from tests.support.app import BotHarness

SECRET = "s3cret-token_for-tests"


@pytest_asyncio.fixture
async def hooked(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    harness = BotHarness(emulator, tmp_path / "bot.db")
    harness.use_webhook("/telegram/hook", secret=SECRET)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()


def _start_update(user_id: int, update_id: int = 900001) -> dict[str, object]:
    user = {"id": user_id, "is_bot": False, "first_name": "Mallory", "language_code": "en"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_760_000_000,
            "chat": {"id": user_id, "type": "private", "first_name": "Mallory"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }


async def test_webhook_registered_with_secret_and_all_updates(hooked: BotHarness) -> None:
    emulator = hooked.emulator
    assert hooked.settings.webhook_url is not None
    assert emulator.webhook_url == hooked.settings.webhook_url
    assert emulator.webhook_url.endswith("/telegram/hook")
    assert emulator.webhook_secret_token == SECRET
    call = emulator.calls("setWebhook")[-1]
    assert "message" in call["allowed_updates"] and "callback_query" in call["allowed_updates"]


async def test_start_answered_through_the_webhook(hooked: BotHarness) -> None:
    user = hooked.user(language_code="en")
    replies = await user.send("/start")
    assert len(replies) == 1 and "Parcel Scout" in replies[0].text
    await user.send("/language")
    await user.press("Русский")  # a callback query travels the same way
    assert "по-русски" in user.last_reply().text
    # Nothing was fetched by polling: every update came through our server.
    assert emulator_get_updates(hooked) == 0
    assert hooked.emulator.webhook_last_error is None


def emulator_get_updates(harness: BotHarness) -> int:
    return len(harness.emulator.calls("getUpdates"))


@pytest.mark.parametrize("header", [None, "wrong-secret", SECRET + "x", ""])
async def test_request_without_the_secret_is_refused(
    hooked: BotHarness, header: str | None
) -> None:
    intruder = 777_000_111
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = header
    sent_before = len(hooked.emulator.calls("sendMessage"))
    assert hooked.settings.webhook_url is not None
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            hooked.settings.webhook_url, data=json.dumps(_start_update(intruder)), headers=headers
        ) as response,
    ):
        assert response.status == 403
    await hooked.app.update_queue.join()
    assert len(hooked.emulator.calls("sendMessage")) == sent_before
    assert await hooked.services.storage.users.get(intruder) is None
    assert hooked.web.rejected_webhooks == 1


async def test_right_secret_from_outside_is_processed(hooked: BotHarness) -> None:
    """The same request with the secret is handled: the 403 above is the secret, not the body."""
    visitor = 777_000_222
    assert hooked.settings.webhook_url is not None
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            hooked.settings.webhook_url,
            data=json.dumps(_start_update(visitor)),
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        ) as response,
    ):
        assert response.status == 200
    await hooked.app.update_queue.join()
    assert await hooked.services.storage.users.get(visitor) is not None
    texts = [c["text"] for c in hooked.emulator.calls("sendMessage") if c["chat_id"] == visitor]
    assert texts and "Parcel Scout" in texts[0]


async def test_state_survives_restart_in_webhook_mode(hooked: BotHarness) -> None:
    user = hooked.user(language_code="en")
    await user.send("/language")
    await user.press("Русский")
    await hooked.restart()
    replies = await user.send("/help")
    assert "Что я умею" in replies[0].text


async def test_random_secret_when_none_configured(emulator: BotApiEmulator, tmp_path: Path) -> None:
    harness = BotHarness(emulator, tmp_path / "bot.db")
    harness.use_webhook()
    await harness.start()
    try:
        secret = emulator.webhook_secret_token
        assert secret and len(secret) >= 32
        replies = await harness.user().send("/start")
        assert "Parcel Scout" in replies[0].text
    finally:
        await harness.stop()
