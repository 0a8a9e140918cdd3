"""Local chat: the real bot, the bundled Bot API emulator, and the terminal as the Telegram app.

The very same Application and handlers as in production run against ``bot.emulator`` over HTTP.
Inline keyboards are printed as numbered buttons; ``/press N`` (or just ``N`` while a keyboard
is showing) presses one. With stdin piped, every line is one message and the program exits after
the bot has answered the last one — a scripted smoke test.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import TextIO

from bot.app import build_application, prepare
from bot.config import Settings
from bot.emulator import BotApiEmulator, StoredMessage
from bot.emulator.users import SimulatedUser
from bot.i18n import normalize_language
from bot.services import Services

log = logging.getLogger(__name__)

LOCAL_USER_ID = 1


class Terminal:
    """Prints what the bot says, each message once, and again when the bot edits it."""

    def __init__(self, user: SimulatedUser, out: TextIO) -> None:
        self.user = user
        self.out = out
        self._seen: dict[int, tuple[str, int | None, str]] = {}

    def _signature(self, message: StoredMessage) -> tuple[str, int | None, str]:
        return (message.text, message.edit_date, repr(message.buttons))

    def flush(self) -> None:
        for message in self.user.messages:
            signature = self._signature(message)
            previous = self._seen.get(message.message_id)
            if previous == signature:
                continue
            self._seen[message.message_id] = signature
            self.show(message, edited=previous is not None)
        self.out.flush()

    def show(self, message: StoredMessage, *, edited: bool) -> None:
        prefix = "bot (edited)> " if edited else "bot> "
        lines = (message.text or "").splitlines() or [""]
        if message.document is not None:
            lines.append(f"[file: {message.document.filename}, {len(message.document.data)} bytes]")
        self.out.write(prefix + lines[0] + "\n")
        for line in lines[1:]:
            self.out.write(" " * len(prefix) + line + "\n")
        number = 0
        for row in message.buttons:
            cells = []
            for label in row:
                number += 1
                cells.append(f"[{number}] {label}")
            self.out.write(" " * len(prefix) + "  ".join(cells) + "\n")

    def keyboard_size(self) -> int:
        for message in reversed(self.user.messages):
            count = sum(len(row) for row in message.buttons)
            if count:
                return count
        return 0


async def _handle(line: str, user: SimulatedUser, terminal: Terminal) -> None:
    text = line.strip()
    if not text:
        return
    press: int | None = None
    if text.startswith("/press"):
        argument = text.removeprefix("/press").strip()
        if not argument.isdigit():
            terminal.out.write("usage: /press N (N = a button number shown in brackets)\n")
            return
        press = int(argument)
    elif text.isdigit() and 1 <= int(text) <= terminal.keyboard_size():
        press = int(text)
    try:
        if press is not None:
            await user.press_index(press)
        else:
            await user.send(text)
    except AssertionError as exc:  # the emulator's own words: no such button, bot did not answer
        terminal.out.write(f"(local chat) {str(exc).splitlines()[0]}\n")
    terminal.flush()


async def _read_lines(stream: TextIO, queue: asyncio.Queue[str | None]) -> None:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, stream.readline)
        if not line:
            await queue.put(None)
            return
        await queue.put(line)


async def run_local_chat(
    settings: Settings, *, stdin: TextIO | None = None, out: TextIO | None = None
) -> int:
    stdin = stdin or sys.stdin
    out = out or sys.stdout
    interactive = stdin.isatty()
    if settings.log_level == "INFO":  # keep the conversation readable; LOG_LEVEL=DEBUG still works
        logging.getLogger().setLevel(logging.WARNING)
    async with BotApiEmulator() as emulator:
        services = await Services.open(settings)
        app = build_application(
            services,
            token=emulator.token,
            base_url=emulator.base_url,
            base_file_url=emulator.base_file_url,
        )
        language = normalize_language(
            os.environ.get("LANG") or os.environ.get("LANGUAGE"), settings.default_language
        )
        user = emulator.user(
            user_id=LOCAL_USER_ID,
            first_name=os.environ.get("USER") or "You",
            language_code=language,
        )
        terminal = Terminal(user, out)
        out.write(
            "Parcel Scout — local chat: no BOT_TOKEN, so the bot talks to its built-in Telegram "
            "emulator and you are the user.\n"
            f"Data file: {settings.db_path.resolve()}\n"
        )
        if interactive:
            out.write("Type a message; /press N presses button N; Ctrl-D or /quit exits.\n")
        out.flush()
        try:
            await prepare(app)
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=10)
            await app.start()
            emulator.settle_hook = app.update_queue.join
            queue: asyncio.Queue[str | None] = asyncio.Queue()
            reader = asyncio.create_task(_read_lines(stdin, queue))
            while True:
                if interactive:
                    out.write("you> ")
                    out.flush()
                    try:
                        line = await asyncio.wait_for(queue.get(), timeout=None)
                    except TimeoutError:  # pragma: no cover
                        continue
                else:
                    line = await queue.get()
                if line is None or line.strip() in ("/quit", "/exit"):
                    break
                if not interactive:
                    out.write(f"you> {line.rstrip()}\n")
                await _handle(line, user, terminal)
            reader.cancel()
            await emulator.settle(what="the last message")
            terminal.flush()
            await app.updater.stop()
            await app.stop()
        finally:
            emulator.settle_hook = None
            await app.shutdown()
            await services.close()
    return 0
