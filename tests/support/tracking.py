"""The bot wired to the fake tracking vendors (Cainiao, 17TRACK, Russian Post) on loopback.

The fixture `tracked` is registered for every test by tests/conftest.py.
``TrackedBot`` has ``.bot`` (the BotHarness, already started), ``.cainiao``, ``.track17``,
``.russianpost`` and helpers to add a user's parcel and run one scheduler tick without sleeping.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from bot.emulator import BotApiEmulator
from bot.emulator.users import SimulatedUser
from bot.watch import PassStats
from handlers.notifications import DrainStats, drain_outbox
from storage import Parcel
from tests.fakes.tracking_servers import Fake17Track, FakeCainiao, FakeRussianPost
from tests.support.app import BotHarness

__all__ = ["TrackedBot", "tracked"]


class TrackedBot:
    def __init__(
        self,
        bot: BotHarness,
        cainiao: FakeCainiao,
        track17: Fake17Track,
        russianpost: FakeRussianPost,
    ) -> None:
        self.bot = bot
        self.cainiao = cainiao
        self.track17 = track17
        self.russianpost = russianpost

    async def user(
        self, user_id: int = 1001, *, language: str = "en", timezone: str | None = None
    ) -> SimulatedUser:
        """A simulated user the bot already knows (as if they had written /start)."""
        sim = self.bot.user(user_id, language_code=language)
        users = self.bot.services.storage.users
        await users.upsert_seen(user_id, user_id, language)
        if timezone is not None:
            await users.set_timezone(user_id, timezone)
        return sim

    async def add_parcel(self, user_id: int, number: str, nickname: str | None = None) -> Parcel:
        return await self.bot.services.storage.parcels.add(user_id, number, nickname=nickname)

    async def run_pass(self) -> PassStats:
        return await self.bot.services.watcher.run_pass()

    async def drain(self) -> DrainStats:
        services = self.bot.services
        return await drain_outbox(self.bot.app.bot, services.storage, services.clock)

    async def tick(self) -> tuple[PassStats, DrainStats]:
        """What the repeating job does: pass, alerts, send."""
        stats = await self.run_pass()
        await self.bot.services.watcher.alerts_pass()
        return stats, await self.drain()


@pytest_asyncio.fixture
async def tracked(emulator: BotApiEmulator, tmp_path: Path) -> AsyncIterator[TrackedBot]:
    """The bot with all three tracking sources configured against local fakes."""
    cainiao, track17, rp = FakeCainiao(), Fake17Track(), FakeRussianPost()
    async with cainiao, track17, rp:
        harness = BotHarness(emulator, tmp_path / "bot.db")
        harness.configure(
            cainiao_base_url=cainiao.url,
            track17_api_key=track17.api_key,
            track17_base_url=track17.url,
            russian_post_login=rp.login,
            russian_post_password=rp.password,
            russian_post_url=rp.url,
        )
        await harness.start()
        try:
            yield TrackedBot(harness, cainiao, track17, rp)
        finally:
            await harness.stop()
