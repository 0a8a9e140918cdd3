"""Local chat: piped input is a scripted conversation with the real bot; in a terminal it
behaves like the Telegram app (driven here through a pseudo-terminal)."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import load_settings
from bot.localchat import run_local_chat
from tests.fakes.tracking_servers import FakeCainiao, FakeEvent


async def test_piped_local_chat_prints_greeting_and_presses_buttons(tmp_path: Path) -> None:
    settings = replace(load_settings({}, dotenv=False), db_path=tmp_path / "chat.db")
    out = io.StringIO()
    code = await run_local_chat(
        settings,
        stdin=io.StringIO("/start\n/language\n/press 2\n/press 9\n/language\n#1\n3\n"),
        out=out,
    )
    text = out.getvalue()
    assert code == 0
    assert f"Data file: {tmp_path / 'chat.db'}" in text
    assert "Parcel Scout" in text and "🌐 Language" in text
    assert "[2] 🇷🇺 Русский" in text
    assert "по-русски" in text  # /press 2 chose Russian
    assert "cannot press number 9" in text  # a wrong number is explained, not a crash
    assert "(#N or /press N presses a button" in text
    assert "I will speak English" in text  # #1 chose English
    assert "you> 3\nbot> I did not understand that" in text  # "3" was a message, not [3]


def test_make_run_smoke_without_token(tmp_path: Path) -> None:
    """The README's promise: `printf '/start\\n/language\\n' | make run` works with no token."""
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    log = tmp_path / "requests.jsonl"
    env.update(
        PARCEL_SCOUT_DB=str(tmp_path / "smoke.db"), PARCEL_SCOUT_EMULATOR_LOG=str(log), LANG="C"
    )
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        input="/start\n/language\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "local chat" in result.stdout
    assert "untracked, stuck or lost" in result.stdout
    assert "Русский" in result.stdout
    assert "Traceback" not in result.stderr
    methods = [json.loads(line)["method"] for line in log.read_text().splitlines()]
    assert "sendMessage" in methods and "setMyCommands" in methods


def test_bad_configuration_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = dict(os.environ, LOG_FORMAT="yaml")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "run"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "parcel-scout: configuration error: LOG_FORMAT: 'yaml' is not text or json"
    ]


# ------------------------------------------------------------------ in a terminal (a pty)

_ANSI = re.compile(r"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|\x1b[=>78]|\r|\x07")


class PtyChat:
    """``parcel-scout run`` in a pseudo-terminal: type into it, wait for what it prints."""

    def __init__(self, tmp_path: Path, env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=tmp_path,
            start_new_session=True,
        )
        os.close(slave)
        self.screen = ""  # everything printed so far, escape sequences removed
        self.seen = 0  # expect() looks only after this position

    def _read(self, wait: float) -> None:
        ready, _, _ = select.select([self.master], [], [], wait)
        if ready:
            with contextlib.suppress(OSError):  # EIO once the process is gone
                self.screen += _ANSI.sub("", os.read(self.master, 65536).decode(errors="replace"))

    async def expect(self, pattern: str, within: float = 20.0) -> re.Match[str]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while (found := re.compile(pattern).search(self.screen, self.seen)) is None:
            if loop.time() > deadline:
                raise AssertionError(f"{pattern!r} not shown; the screen:\n{self.screen}")
            await asyncio.to_thread(self._read, 0.1)
        self.seen = found.end()
        return found

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    async def exited(self, within: float) -> int | None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while self.process.poll() is None and loop.time() < deadline:
            await asyncio.to_thread(self._read, 0.1)
        return self.process.poll()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


def _chat_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    env.update(
        PARCEL_SCOUT_DB=str(tmp_path / "chat.db"),
        LANG="C",
        TERM="xterm",
        PROMPT_TOOLKIT_NO_CPR="1",  # a pty answers no cursor-position requests
        **extra,
    )
    return env


async def test_terminal_chat_behaves_like_the_app(tmp_path: Path) -> None:
    number = "LP00068434402473"
    async with FakeCainiao() as cainiao:
        assert isinstance(cainiao, FakeCainiao)
        now = datetime.now(UTC)
        cainiao.set_events(
            number, [FakeEvent(now - timedelta(hours=3), "Arrived at the Pskov sorting centre")]
        )
        chat = PtyChat(
            tmp_path, _chat_env(tmp_path, CAINIAO_BASE_URL=cainiao.url, CHECK_INTERVAL_SECONDS="1")
        )
        try:
            logs = await chat.expect(r"Logs: (\S+)")
            await chat.expect("you>")
            chat.type(f"/add {number}\r")
            await chat.expect(r"Now watching")
            await chat.expect(r"#N or /press N presses a button")
            # The watch job finds the event and pushes it: shown with nothing typed.
            await chat.expect("Arrived at the Pskov sorting centre")
            chat.type("/list\r")
            parcel = await chat.expect(rf"\[(\d+)\] [^\n]*{number}")
            chat.type(f"#{parcel[1]}\r")
            check = await chat.expect(r"\[(\d+)\] 🔄 Check now")
            chat.type(f"#{check[1]}\r")
            await chat.expect(r"bot \[toast\]> Checking")
            await chat.expect(r"Checked just now")
            chat.type(f"#{check[1]}\r")
            await chat.expect(r"bot \[alert\]> I have just checked it")
            chat.type("3\r")  # buttons are on screen: still a message, not button [3]
            await chat.expect("I did not understand that")
            chat.type("/quit\r")
            assert await chat.exited(10) == 0, chat.screen
        finally:
            chat.close()
    log_file = Path(logs[1])
    assert log_file.parent == tmp_path
    assert "watch pass:" in await asyncio.to_thread(log_file.read_text)  # the job's INFO line
    assert "watch pass:" not in chat.screen and "Traceback" not in chat.screen


async def test_terminal_chat_ctrl_d_exits_at_once(tmp_path: Path) -> None:
    chat = PtyChat(tmp_path, _chat_env(tmp_path))
    try:
        await chat.expect("you>")
        chat.type("/start")  # half a line typed, then Ctrl-D... is ignored by a non-empty line
        chat.type("\x15\x04")  # Ctrl-U clears the line, Ctrl-D on an empty line exits
        assert await chat.exited(10) == 0, chat.screen
    finally:
        chat.close()
