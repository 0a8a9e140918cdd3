"""Local chat: the real bot, the bundled Bot API emulator, and the terminal as the Telegram app.

The very same Application and handlers as in production run against ``bot.emulator`` over HTTP.
Inline keyboards are printed as numbered buttons; ``#N`` or ``/press N`` presses one (a bare
number is a message, as in Telegram: "3" answers "how many days?"). Answers to button presses
are shown too, marked ``[alert]`` (a dialog in Telegram) or ``[toast]`` (a short notice).

In a terminal it behaves like the app: what you type goes out at once and you may type on while
the bot works; the bot's messages, pushes and edits are printed above the prompt as soon as the
bot sends them, without breaking the line being typed (prompt_toolkit's ``patch_stdout``), and
log lines go to a file whose path is printed once at start. ``/quit``, Ctrl-D and Ctrl-C exit at
once.

With stdin piped, every line is one message, each answered before the next is sent, and the
program exits after the bot has answered the last one — a scripted smoke test whose output stays
stable; logs go to stderr as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import sys
import threading
from pathlib import Path
from typing import TextIO

from bot.app import ParcelScoutApplication, build_application, prepare, stop_within
from bot.config import Settings
from bot.emulator import BotApiEmulator, StoredMessage
from bot.emulator.models import CallbackAnswer
from bot.emulator.users import SimulatedUser
from bot.i18n import normalize_language
from bot.services import Services

log = logging.getLogger(__name__)

LOCAL_USER_ID = 1
LOG_FILE_NAME = "parcel-scout-chat.log"
PRESS_HINT = "(#N or /press N presses a button; a number alone is sent as text)"
FOLLOW_EVERY = 0.1  # seconds between looks for new bot messages in a terminal
QUIT_GRACE = 2.0  # seconds the bot gets to finish what is in flight after /quit
QUIT_WORDS = ("/quit", "/exit")


class Terminal:
    """Prints what the bot says, each message once, and again when the bot edits it; and the
    text of every answer to a button press."""

    def __init__(self, user: SimulatedUser, out: TextIO | None = None) -> None:
        self.user = user
        self._out = out
        self._seen: dict[int, tuple[str, int | None, str]] = {}
        self._answers_seen = 0

    @property
    def out(self) -> TextIO:
        # None: whatever sys.stdout is now (prompt_toolkit swaps it to print above the prompt).
        return self._out or sys.stdout

    def _signature(self, message: StoredMessage) -> tuple[str, int | None, str]:
        return (message.text, message.edit_date, repr(message.buttons))

    def flush(self) -> None:
        # Handlers answer a press before they send or edit, so answers go first.
        answers = self.user.callback_answers
        for answer in answers[self._answers_seen :]:
            self.show_answer(answer)
        self._answers_seen = len(answers)
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
        if number:
            self.out.write(" " * len(prefix) + PRESS_HINT + "\n")

    def show_answer(self, answer: CallbackAnswer) -> None:
        if not answer.text:
            return  # a silent acknowledgement: Telegram shows nothing either
        kind = "[alert]" if answer.show_alert else "[toast]"
        self.out.write(f"bot {kind}> {answer.text}\n")

    def keyboard_size(self) -> int:
        for message in reversed(self.user.messages):
            count = sum(len(row) for row in message.buttons)
            if count:
                return count
        return 0


def parse_press(text: str) -> int | str | None:
    """The button number of ``#N`` or ``/press N``; a usage line when malformed; None for text."""
    if text.startswith("/press"):
        argument = text.removeprefix("/press").strip()
    elif text.startswith("#") and text[1:].strip().isdigit():
        argument = text[1:].strip()
    else:
        return None
    if not argument.isdigit():
        return "usage: #N or /press N (N = a button number shown in brackets)"
    return int(argument)


async def _act(
    text: str, user: SimulatedUser, terminal: Terminal, *, quiet_waits: bool = False
) -> None:
    """Send ``text`` or press the button it names; returns once the bot has settled."""
    press = parse_press(text)
    if isinstance(press, str):
        terminal.out.write(press + "\n")
        return
    try:
        if press is not None:
            await user.press_index(press)
        else:
            await user.send(text)
    except AssertionError as exc:  # the emulator's own words: no such button, bot did not answer
        first = str(exc).splitlines()[0]
        if quiet_waits and first.startswith("BotApiEmulator: timed out"):
            # A terminal does not wait for answers: a slow one is printed when it comes.
            log.debug("local chat: %s", first)
            return
        terminal.out.write(f"(local chat) {first}\n")


def _read_lines(stream: TextIO, loop: asyncio.AbstractEventLoop) -> asyncio.Queue[str | None]:
    """Lines of ``stream`` from a daemon thread: a blocked read never holds up the exit."""
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for line in iter(stream.readline, ""):
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, name="local-chat-stdin", daemon=True).start()
    return queue


async def _piped(stdin: TextIO, user: SimulatedUser, terminal: Terminal) -> None:
    queue = _read_lines(stdin, asyncio.get_running_loop())
    while (line := await queue.get()) is not None:
        text = line.strip()
        if text in QUIT_WORDS:
            break
        terminal.out.write(f"you> {line.rstrip()}\n")
        if text:
            await _act(text, user, terminal)
        terminal.flush()


async def _interactive(user: SimulatedUser, terminal: Terminal) -> None:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.patch_stdout import patch_stdout

    session: PromptSession[str] = PromptSession()
    actions: set[asyncio.Task[None]] = set()

    async def follow() -> None:
        while True:
            terminal.flush()
            await asyncio.sleep(FOLLOW_EVERY)

    with patch_stdout(raw=True):
        follower = asyncio.create_task(follow())
        try:
            while True:
                try:
                    line = await session.prompt_async("you> ")
                except (EOFError, KeyboardInterrupt):
                    break
                text = line.strip()
                if text in QUIT_WORDS:
                    break
                if not text:
                    continue
                # Like the app: the message goes out and the prompt is back at once; the
                # follower prints the answer whenever it comes.
                task = asyncio.create_task(_act(text, user, terminal, quiet_waits=True))
                actions.add(task)
                task.add_done_callback(actions.discard)
        finally:
            follower.cancel()
            for task in actions:
                task.cancel()
            terminal.flush()


def _log_to_file(path: Path) -> None:
    """Send the log lines that would go to the terminal to ``path`` instead (same format and
    secret scrubbing)."""
    root = logging.getLogger()
    handler = logging.FileHandler(path, encoding="utf-8")
    for old in root.handlers:
        if old.formatter is not None:
            handler.setFormatter(old.formatter)
        for filter_ in old.filters:
            handler.addFilter(filter_)
    root.handlers[:] = [handler]


async def _stop(app: ParcelScoutApplication, grace: float) -> None:
    """Stop polling and the Application; what does not finish within ``grace`` is dropped."""
    if not await stop_within(app, grace):
        log.warning("local chat: stopped without waiting for the bot to finish")


async def run_local_chat(
    settings: Settings, *, stdin: TextIO | None = None, out: TextIO | None = None
) -> int:
    stdin = stdin or sys.stdin
    interactive = stdin.isatty() and (out or sys.stdout).isatty()
    log_path: Path | None = None
    if interactive:
        log_path = settings.db_path.resolve().parent / LOG_FILE_NAME
        log_path.parent.mkdir(parents=True, exist_ok=True)
        _log_to_file(log_path)
    elif settings.log_level == "INFO":  # keep the conversation readable; LOG_LEVEL=DEBUG works
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
        terminal = Terminal(user, None if interactive else out or sys.stdout)
        terminal.out.write(
            "Parcel Scout — local chat: no BOT_TOKEN, so the bot talks to its built-in Telegram "
            "emulator and you are the user.\n"
            f"Data file: {settings.db_path.resolve()}\n"
        )
        if log_path is not None:
            terminal.out.write(f"Logs: {log_path}\n")
            terminal.out.write(
                "Type a message; #N or /press N presses button N; Ctrl-D or /quit exits.\n"
            )
        terminal.out.flush()
        try:
            await prepare(app)
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=10)
            await app.start()
            from handlers import background  # the wiring's late import, as in bot.app

            # Settled = answered and no background work left (a "Check now" result comes late).
            emulator.settle_hook = functools.partial(background.settled, app)
            if interactive:
                await _interactive(user, terminal)
            else:
                await _piped(stdin, user, terminal)
                with contextlib.suppress(AssertionError):
                    await emulator.settle(what="the last message")
                terminal.flush()
            await _stop(app, QUIT_GRACE if interactive else 30.0)
        finally:
            emulator.settle_hook = None
            await app.shutdown()
            await services.close()
    return 0
