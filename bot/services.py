"""The one typed object through which handlers and jobs reach the bot's services.

Built once at start-up, closed at shutdown; handlers get it as ``context.services`` (see
``bot.app.BotContext``) instead of fishing untyped values out of ``bot_data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.clock import Clock, SystemClock
from bot.config import Settings
from storage import Storage


@dataclass(slots=True)
class Services:
    settings: Settings
    storage: Storage
    clock: Clock = field(default_factory=SystemClock)

    async def close(self) -> None:
        await self.storage.close()
