"""The Bot API emulator driven by the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import html
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.emulator import SUPPORTED_METHODS, BotApiEmulator
from tests.support import telegram as telegram_support

emulator = telegram_support.emulator

# The public Bot API spec sits beside the project in ../shared (absent in a clone elsewhere).
SPEC_PATH = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "testdata"
    / "telegram-bot-api-spec"
    / "api.min.json"
)

MENU = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Yes", callback_data="yes"),
            InlineKeyboardButton("No", callback_data="no"),
        ],
        [InlineKeyboardButton(str(n), callback_data=f"n{n}") for n in (1, 2, 3)],
        [InlineKeyboardButton("Docs", url="https://example.org/docs")],
    ]
)


async def _start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Welcome!")


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Choose:", reply_markup=MENU)


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    assert message is not None and message.text is not None
    await message.reply_text(f"echo: <b>{html.escape(message.text)}</b>", parse_mode=ParseMode.HTML)


async def _button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.message is not None
    await query.answer(f"got {query.data}")
    # "yes" keeps the keyboard, everything else drops it (edit without reply_markup).
    keep = MENU if query.data == "yes" else None
    await query.edit_message_text(
        f"pressed <i>{query.data}</i>", parse_mode=ParseMode.HTML, reply_markup=keep
    )


def _application(emu: BotApiEmulator) -> Application[Any, Any, Any, Any, Any, Any]:
    app = (
        ApplicationBuilder()
        .token(emu.token)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .get_updates_read_timeout(3)
        .build()
    )
    app.add_handler(CommandHandler("start", _start))
    app.add_handler(CommandHandler("menu", _menu))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _echo))
    app.add_handler(CallbackQueryHandler(_button))
    return app


@asynccontextmanager
async def polling_bot(
    emu: BotApiEmulator,
) -> AsyncIterator[Application[Any, Any, Any, Any, Any, Any]]:
    app = _application(emu)
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        emu.settle_hook = app.update_queue.join
        try:
            yield app
        finally:
            emu.settle_hook = None
            await app.updater.stop()
            await app.stop()


# ---------------------------------------------------------------------- conversation


async def test_send_command_and_text(emulator: BotApiEmulator) -> None:
    user = emulator.user(user_id=42, first_name="Anna", language_code="ru")
    async with polling_bot(emulator):
        replies = await user.send("/start")
        assert [r.text for r in replies] == ["Welcome!"]
        mark = user.mark()
        replies = await user.send("AT&T <rocks>")
    reply = user.last_reply()
    assert replies == [reply] == user.replies_since(mark)
    assert reply.text == "echo: AT&T <rocks>"
    assert reply.parse_mode == "HTML"
    assert reply.raw["entities"] == [{"type": "bold", "offset": 6, "length": 12}]
    assert reply.raw["from"]["username"] == "parcel_scout_bot"
    assert reply.raw["chat"] == {"id": 42, "type": "private", "first_name": "Anna"}
    # per-chat message ids: /start=1, Welcome=2, text=3, echo=4
    assert [m.message_id for m in user.messages] == [2, 4]
    user_message = emulator.chat(42).messages[0]
    assert user_message.raw["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert user_message.raw["from"]["language_code"] == "ru"
    assert "user: /start" in user.transcript and "bot #2: Welcome!" in user.transcript


async def test_press_buttons_edits_and_answers(emulator: BotApiEmulator) -> None:
    user = emulator.user(user_id=7, first_name="Boris")
    async with polling_bot(emulator):
        await user.send("/menu")
        menu = user.last_reply()
        assert menu.buttons == [["Yes", "No"], ["1", "2", "3"], ["Docs"]]
        assert menu.button_data("Yes") == "yes"
        assert menu.button_data("Docs") is None

        assert await user.press("Yes") == []
        assert menu.text == "pressed yes"
        assert menu.history == ["Choose:"]
        assert menu.buttons[0] == ["Yes", "No"]
        assert user.last_callback_answer is not None
        assert user.last_callback_answer.text == "got yes"

        await user.press_index(4)  # the button labelled "2"
        assert menu.text == "pressed n2"
        assert menu.buttons == []  # edited without reply_markup
        assert emulator.unanswered_callback_queries == []
    with pytest.raises(AssertionError, match="no button 'Yes'"):
        user._find_button("Yes")


async def test_press_matches_unique_substring_and_rejects_url_buttons(
    emulator: BotApiEmulator,
) -> None:
    user = emulator.user(user_id=8, first_name="Vera")
    async with polling_bot(emulator):
        await user.send("/menu")
        await user.press("Ye")
        assert user.last_reply().text == "pressed yes"
        with pytest.raises(AssertionError, match="not a callback button"):
            await user.press("Docs")


async def test_edit_with_identical_content_is_not_modified(emulator: BotApiEmulator) -> None:
    emulator.user(user_id=9, first_name="Gleb")
    async with _application(emulator) as app:
        sent = await app.bot.send_message(9, "<b>same</b>", parse_mode="HTML", reply_markup=MENU)
        with pytest.raises(BadRequest, match="not modified"):
            await app.bot.edit_message_text(
                "<b>same</b>", 9, sent.message_id, parse_mode="HTML", reply_markup=MENU
            )
        with pytest.raises(BadRequest, match="not modified"):
            await app.bot.edit_message_reply_markup(9, sent.message_id, reply_markup=MENU)
        edited = await app.bot.edit_message_text(
            "<i>same</i>", 9, sent.message_id, parse_mode="HTML"
        )
        assert edited.text == "same" and edited.reply_markup is None
        with pytest.raises(BadRequest, match="Message to edit not found"):
            await app.bot.edit_message_text("x", 9, 999)


# ---------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "text",
    [
        "AT&T",
        "a < b",
        "<br>",
        "<b>unclosed",
        "<b><i>crossed</b></i>",
        '<span class="x">no</span>',
        "</b>",
        "&unknown;",
        "<a href='x'",
    ],
)
async def test_invalid_html_is_rejected(emulator: BotApiEmulator, text: str) -> None:
    async with _application(emulator) as app:
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await app.bot.send_message(1, text, parse_mode="HTML")


async def test_text_limits(emulator: BotApiEmulator) -> None:
    async with _application(emulator) as app:
        await app.bot.send_message(1, "я" * 4096)
        await app.bot.send_message(1, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="too long"):
            await app.bot.send_message(1, "x" * 4097)
        # Telegram counts UTF-16 code units: 2,048 emoji fill the limit, one more is over it.
        await app.bot.send_message(1, "😀" * 2048)
        with pytest.raises(BadRequest, match="too long"):
            await app.bot.send_message(1, "😀" * 2049)
        with pytest.raises(BadRequest, match="caption is too long"):
            await app.bot.send_document(1, b"x", filename="x.txt", caption="😀" * 513)
        with pytest.raises(BadRequest, match="text is empty"):
            await app.bot.send_message(1, "<b> </b>", parse_mode="HTML")


async def test_keyboard_validation(emulator: BotApiEmulator) -> None:
    async with _application(emulator) as app:
        too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await app.bot.send_message(1, "hi", reply_markup=too_long)
        multibyte = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="я" * 33)]])
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await app.bot.send_message(1, "hi", reply_markup=multibyte)
        ok = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 64)]])
        await app.bot.send_message(1, "hi", reply_markup=ok)
        with pytest.raises(BadRequest, match=r"(?i)text buttons are unallowed"):
            await app.bot.send_message(
                1, "hi", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("x")]])
            )


# ---------------------------------------------------------------------- failures


async def test_injected_failures_raise_ptb_errors(emulator: BotApiEmulator) -> None:
    emulator.user(user_id=5, first_name="Dina")
    async with _application(emulator) as app:
        emulator.fail_next("sendMessage", status=429, retry_after=3)
        with pytest.raises(RetryAfter) as retry:
            await app.bot.send_message(5, "x")
        assert "retry in 3" in str(retry.value).lower()
        assert emulator.too_many_requests_count == 1

        emulator.fail_next("sendmessage", status=403)
        with pytest.raises(Forbidden, match="bot was blocked by the user"):
            await app.bot.send_message(5, "x")
        emulator.fail_next("sendMessage", status=400)
        with pytest.raises(BadRequest, match="Chat not found"):
            await app.bot.send_message(5, "x")
        emulator.fail_next("*", status=502, times=2)
        for _ in range(2):
            with pytest.raises(NetworkError):
                await app.bot.send_chat_action(5, "typing")
        await app.bot.send_chat_action(5, "typing")

        emulator.fail_next("sendMessage", status=500, chat_id=6)
        await app.bot.send_message(5, "other chat is fine")
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await app.bot.send_message(6, "x")

        emulator.delay_next("sendMessage", 0.3)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await app.bot.send_message(5, "slow")
        assert loop.time() - started >= 0.3

        emulator.user(user_id=5).blocked = True
        with pytest.raises(Forbidden):
            await app.bot.send_message(5, "x")
    assert emulator.failures == []
    assert [a for _, a in emulator.chat_actions] == ["typing"]


async def test_rate_limit_mode_answers_429_with_retry_after() -> None:
    async with BotApiEmulator(rate_limit=True) as emu, _application(emu) as app:
        assert emu.rate_limiter is not None
        emu.rate_limiter.clock = lambda: 1000.0  # frozen: no refill between calls
        results: list[str] = []
        for n in range(5):
            try:
                await app.bot.send_message(77, f"m{n}")
                results.append("ok")
            except RetryAfter:
                results.append("429")
        # burst of 3 per chat, then about one per second
        assert results == ["ok", "ok", "ok", "429", "429"]
        assert emu.too_many_requests_count == 2
        for chat_id in range(100, 127):  # 27 more chats: the 30/s global budget is spent
            await app.bot.send_message(chat_id, "x")
        with pytest.raises(RetryAfter):
            await app.bot.send_message(200, "x")


async def test_wrong_token_is_unauthorized(emulator: BotApiEmulator) -> None:
    app = ApplicationBuilder().token("999:WRONG").base_url(emulator.base_url).build()
    with pytest.raises(InvalidToken):
        await app.bot.get_me()


# ---------------------------------------------------------------------- recording


async def test_json_log_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "emulator.jsonl"
    monkeypatch.setenv("PARCEL_SCOUT_EMULATOR_LOG", str(log))
    async with BotApiEmulator() as emu, _application(emu) as app:
        await app.bot.send_message(3, "hi", reply_markup=MENU, disable_notification=True)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [line["method"] for line in lines] == ["getMe", "sendMessage"]
    params = lines[1]["params"]
    assert params["chat_id"] == 3 and params["text"] == "hi"
    assert params["disable_notification"] is True
    assert params["reply_markup"]["inline_keyboard"][0][0] == {
        "text": "Yes",
        "callback_data": "yes",
    }
    assert emu.calls("sendmessage")[0]["reply_markup"] == params["reply_markup"]


async def test_documents_upload_and_download(emulator: BotApiEmulator) -> None:
    async with _application(emulator) as app:
        sent = await app.bot.send_document(
            11,
            document=b"a,b\n1,2\n",
            filename="report.csv",
            caption="<b>Report</b>",
            parse_mode="HTML",
        )
        assert sent.document is not None and sent.document.file_name == "report.csv"
        assert sent.caption == "Report"
        stored = emulator.files[sent.document.file_id]
        assert (stored.filename, stored.data, stored.mime_type) == (
            "report.csv",
            b"a,b\n1,2\n",
            "text/csv",
        )
        file = await app.bot.get_file(sent.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"a,b\n1,2\n"
        again = await app.bot.send_document(11, sent.document.file_id)
        assert again.document is not None
        assert again.document.file_unique_id == sent.document.file_unique_id


async def test_commands_per_scope_and_language(emulator: BotApiEmulator) -> None:
    async with _application(emulator) as app:
        await app.bot.set_my_commands([BotCommand("start", "Start")])
        await app.bot.set_my_commands(
            [BotCommand("track", "Отследить")],
            scope=BotCommandScopeAllPrivateChats(),
            language_code="ru",
        )
        assert emulator.get_commands() == [{"command": "start", "description": "Start"}]
        assert emulator.get_commands("all_private_chats", "ru") == [
            {"command": "track", "description": "Отследить"}
        ]
        assert emulator.get_commands("all_private_chats") is None
        ru = await app.bot.get_my_commands(
            scope=BotCommandScopeAllPrivateChats(), language_code="ru"
        )
        assert [c.command for c in ru] == ["track"]
        with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
            await app.bot.set_my_commands([BotCommand("Bad-Name", "x")])
        assert await app.bot.delete_my_commands()
        assert emulator.get_commands() is None


# ---------------------------------------------------------------------- transports


async def test_raw_http_encodings_and_errors(emulator: BotApiEmulator) -> None:
    base = f"{emulator.base_url}{emulator.token}"
    async with aiohttp.ClientSession() as http:

        async def call(method: str, **kwargs: Any) -> tuple[int, dict[str, Any]]:
            verb = kwargs.pop("verb", "POST")
            async with http.request(verb, f"{base}/{method}", **kwargs) as response:
                return response.status, await response.json()

        status, body = await call("GETME", verb="GET")
        assert status == 200 and body["result"]["username"] == "parcel_scout_bot"
        status, body = await call("sendMessage", verb="GET", params={"chat_id": "1", "text": "q"})
        assert body["result"]["text"] == "q"
        markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
        status, body = await call(
            "sendMessage", json={"chat_id": 1, "text": "j", "reply_markup": markup}
        )
        assert body["result"]["reply_markup"] == markup
        # python-telegram-bot's json_payload JSON-encodes non-string values a second time
        status, body = await call(
            "sendMessage", json={"chat_id": "1", "text": "7", "reply_markup": json.dumps(markup)}
        )
        assert body["result"]["text"] == "7" and body["result"]["reply_markup"] == markup
        status, body = await call("sendMessage", data={"chat_id": "1", "text": "f"})
        assert status == 200 and body["result"]["message_id"] == 4

        status, body = await call("noSuchMethod")
        assert (status, body) == (
            404,
            {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
        )
        status, body = await call("sendMessage", json={"chat_id": 1})
        assert (status, body["description"]) == (400, "Bad Request: message text is empty")
        async with http.post(f"{emulator.base_url}1:bad/getMe") as response:
            assert response.status == 401
            assert (await response.json())["description"] == "Unauthorized"


async def test_long_polling_offset_and_timeout(emulator: BotApiEmulator) -> None:
    url = f"{emulator.base_url}{emulator.token}/getUpdates"
    async with aiohttp.ClientSession() as http:
        loop = asyncio.get_running_loop()
        started = loop.time()
        async with http.post(url, json={"timeout": 0.3}) as response:
            assert (await response.json())["result"] == []
        assert loop.time() - started >= 0.25

        poll = asyncio.create_task(http.post(url, json={"timeout": 5}))
        await asyncio.sleep(0.05)
        first = emulator.enqueue_update({"message": {"message_id": 1, "text": "x"}})
        response = await asyncio.wait_for(poll, 2)
        assert [u["update_id"] for u in (await response.json())["result"]] == [first]
        second = emulator.enqueue_update({"callback_query": {"id": "1"}})
        async with http.post(url, json={"offset": first + 1}) as response:
            assert [u["update_id"] for u in (await response.json())["result"]] == [second]
        assert [u["update_id"] for u in emulator.pending_updates] == [second]
        third = emulator.enqueue_update({"message": {"message_id": 2}})
        async with http.post(
            url, json={"offset": second + 1, "allowed_updates": ["callback_query"]}
        ) as response:
            assert (await response.json())["result"] == []
        assert emulator.pending_updates == [] and third == second + 1


async def test_settle_times_out_with_a_clear_message(emulator: BotApiEmulator) -> None:
    emulator.settle_timeout = 0.2
    user = emulator.user(user_id=3, first_name="Ira")
    with pytest.raises(AssertionError, match="acknowledge update 1"):
        await user.send("anybody?")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_delivery(emulator: BotApiEmulator) -> None:
    app = _application(emulator)
    headers: list[str | None] = []

    async def receive(request: web.Request) -> web.Response:
        # What python-telegram-bot's own webhook handler does, without tornado.
        headers.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        await app.update_queue.put(Update.de_json(await request.json(), app.bot))
        return web.Response()

    receiver = web.Application()
    receiver.router.add_post("/hook", receive)
    runner = web.AppRunner(receiver)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with app:
            await app.start()
            emulator.settle_hook = app.update_queue.join
            url = f"http://127.0.0.1:{port}/hook"
            await app.bot.set_webhook(url, secret_token="s3cret")
            info = await app.bot.get_webhook_info()
            assert info.url == url
            user = emulator.user(user_id=21, first_name="Lev")
            assert [r.text for r in await user.send("/start")] == ["Welcome!"]
            await user.send("/menu")
            await user.press("No")
            assert user.last_reply().text == "pressed no"
            assert headers == ["s3cret"] * 3
            with pytest.raises(Exception, match="webhook is active"):
                await app.bot.get_updates()
            await app.bot.delete_webhook()
            await app.stop()
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------------- the public spec


def _spec() -> dict[str, Any]:
    if not SPEC_PATH.exists():
        pytest.skip(f"Bot API spec not available at {SPEC_PATH}")
    spec: dict[str, Any] = json.loads(SPEC_PATH.read_text(encoding="utf-8"))
    return spec


def test_methods_and_required_params_match_the_spec() -> None:
    methods = _spec()["methods"]
    for name, enforced in SUPPORTED_METHODS.items():
        assert name in methods, f"{name} is not a Bot API method"
        required = {f["name"] for f in methods[name].get("fields", []) if f["required"]}
        assert set(enforced) == required, name


async def test_returned_objects_use_spec_fields(emulator: BotApiEmulator) -> None:
    types = _spec()["types"]

    def fields(type_name: str) -> set[str]:
        return {f["name"] for f in types[type_name]["fields"]}

    async with _application(emulator) as app:
        sent = await app.bot.send_message(1, "<b>hi</b>", parse_mode="HTML", reply_markup=MENU)
        document = await app.bot.send_document(1, b"x", filename="a.txt", caption="c")
    raw = emulator.chat(1).messages[0].raw
    assert set(raw) <= fields("Message")
    assert set(raw["from"]) <= fields("User")
    assert set(raw["chat"]) <= fields("Chat")
    assert set(raw["entities"][0]) <= fields("MessageEntity")
    assert set(emulator.chat(1).messages[1].raw) <= fields("Message")
    assert set(emulator.chat(1).messages[1].raw["document"]) <= fields("Document")
    assert sent.message_id == 1 and document.message_id == 2
    me = await _get_me_raw(emulator)
    assert set(me) <= fields("User")


async def _get_me_raw(emu: BotApiEmulator) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{emu.base_url}{emu.token}/getMe") as response,
    ):
        result: dict[str, Any] = (await response.json())["result"]
        return result


async def test_delete_reply_to_and_unknown_chats(emulator: BotApiEmulator) -> None:
    user = emulator.user(user_id=31, first_name="Mila", username="mila")
    async with polling_bot(emulator) as app:
        await user.send("/menu")
        menu = user.last_reply()
        await user.send("about this", reply_to=menu)
        assert emulator.chat(31).messages[2].raw["reply_to_message"]["message_id"] == 2
        assert await app.bot.delete_message(31, menu.message_id)
        assert menu.deleted and menu not in user.messages
        assert f"bot deleted #{menu.message_id}" in user.transcript
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await app.bot.delete_message(31, menu.message_id)
        reply = await app.bot.send_message("@mila", "by username", reply_to_message_id=3)
        assert reply.chat.id == 31 and reply.reply_to_message is not None
        with pytest.raises(BadRequest, match="Message to be replied not found"):
            await app.bot.send_message(31, "x", reply_to_message_id=99)
        with pytest.raises(BadRequest, match="Chat not found"):
            await app.bot.send_message("@nobody", "x")
        emulator.strict_chats = True
        with pytest.raises(BadRequest, match="Chat not found"):
            await app.bot.send_message(555, "x")
        with pytest.raises(BadRequest, match="Wrong parameter action"):
            await app.bot.send_chat_action(31, "dancing")
        assert await app.bot.close() is True


async def test_newer_get_updates_terminates_the_pending_one(emulator: BotApiEmulator) -> None:
    url = f"{emulator.base_url}{emulator.token}/getUpdates"
    async with aiohttp.ClientSession() as http:
        first = asyncio.create_task(http.post(url, json={"timeout": 5}))
        await asyncio.sleep(0.05)
        async with http.post(url, json={"timeout": 0}) as response:
            assert (await response.json())["result"] == []
        old = await asyncio.wait_for(first, 2)
        assert old.status == 409
        assert "terminated by other getUpdates" in (await old.json())["description"]
