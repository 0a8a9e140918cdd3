"""The bot as its own process (``python -m bot.cli run``), for tests that kill it, restart it or
start it on a bad database: spawn with a clean environment, wait for /healthz, stop or kill."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.support.app import free_port

__all__ = ["ROOT", "TOKEN", "BotProcess", "bot_env", "run_once", "spawn_bot", "until"]

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "7081726354:AAFq3kVYx9T2mZ0pLrQ8sWbN4cHdJ6eGiUo"


def bot_env(**settings: str) -> dict[str, str]:
    """The process environment without the caller's bot settings, plus `settings`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("WEBHOOK_", "TRACK17_", "RUSSIAN_POST_", "ADMIN_", "CAINIAO_", "PARCEL_SCOUT_")
        )
    }
    env.update(PYTHONPATH=str(ROOT), PARCEL_SCOUT_LOCALES=str(ROOT / "locales"))
    env.update(settings)
    return env


@dataclass
class BotProcess:
    proc: asyncio.subprocess.Process
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def wait_healthy(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                assert self.proc.returncode is None, self.log.read_text()[-3000:]
                with suppress(aiohttp.ClientError):
                    async with session.get(f"{self.url}/healthz") as response:
                        if response.status == 200:
                            return
                await asyncio.sleep(0.1)
        raise AssertionError("the bot did not become healthy:\n" + self.log.read_text()[-3000:])

    async def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as in a power cut or the OOM killer."""
        with suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def terminate(self, seconds: float = 15) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.proc.wait(), seconds)
        except TimeoutError:
            await self.kill()
            raise AssertionError(f"no exit within {seconds} s:\n{self.log.read_text()}") from None


async def spawn_bot(
    workdir: Path, env: Mapping[str, str], name: str, *, healthy: bool = True
) -> BotProcess:
    """``parcel-scout run`` with `env` (see bot_env) on a free HTTP port; output in a log file."""
    port = free_port()
    log = workdir / f"{name}.log"
    full = dict(env) | {"HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port)}
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "run",
            cwd=workdir,
            env=full,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    bot = BotProcess(proc, port, log)
    if healthy:
        await bot.wait_healthy()
    return bot


async def run_once(env: Mapping[str, str], seconds: float = 60) -> tuple[int, str]:
    """``parcel-scout run`` that is expected to exit by itself: (exit code, stderr)."""
    full = dict(env) | {"HTTP_PORT": str(free_port())}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "run",
        env=full,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(seconds):
            _out, err = await proc.communicate()
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"the bot did not exit within {seconds} s") from None
    assert proc.returncode is not None
    return proc.returncode, err.decode(errors="replace")


async def until(check: Callable[[], bool], what: str, seconds: float = 30) -> None:
    """The bot is another process: wait for what it does, not for its update queue."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)
