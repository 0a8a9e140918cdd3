"""The one typed object through which handlers and jobs reach the bot's services.

Built once at start-up, closed at shutdown; handlers get it as ``context.services`` (see
``bot.app.BotContext``) instead of fishing untyped values out of ``bot_data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock, SystemClock
from bot.config import Settings
from storage import Storage, ts


@dataclass(slots=True)
class Services:
    settings: Settings
    storage: Storage
    clock: Clock = field(default_factory=SystemClock)

    @classmethod
    async def open(cls, settings: Settings, *, clock: Clock | None = None) -> Services:
        """Open the database (migrating it) with one clock shared by storage and the features."""
        clock = clock or SystemClock()
        storage = await Storage.open(settings.db_path, clock=lambda: ts(clock.now()))
        return cls(settings=settings, storage=storage, clock=clock)

    async def close(self) -> None:
        await self.storage.close()
