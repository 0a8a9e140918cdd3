"""Local chat: piped input is a scripted conversation with the real bot."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from bot.config import load_settings
from bot.localchat import run_local_chat


async def test_piped_local_chat_prints_greeting_and_presses_buttons(tmp_path: Path) -> None:
    settings = replace(load_settings({}, dotenv=False), db_path=tmp_path / "chat.db")
    out = io.StringIO()
    code = await run_local_chat(
        settings, stdin=io.StringIO("/start\n/language\n/press 2\n/press 9\n"), out=out
    )
    text = out.getvalue()
    assert code == 0
    assert f"Data file: {tmp_path / 'chat.db'}" in text
    assert "Parcel Scout" in text and "🌐 Language" in text
    assert "[2] 🇷🇺 Русский" in text
    assert "по-русски" in text  # /press 2 chose Russian
    assert "cannot press number 9" in text  # a wrong number is explained, not a crash


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
