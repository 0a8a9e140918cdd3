"""The one typed object through which handlers and jobs reach the bot's services.

Built once at start-up, closed at shutdown; handlers get it as ``context.services`` (see
``bot.app.BotContext``) instead of fishing untyped values out of ``bot_data``.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.tracking import TrackingService
from bot.watch import Watcher
from bot.watch.registrations import StoredRegistrations
from storage import Storage, ts


def _tracking(settings: Settings, storage: Storage, clock: Clock) -> TrackingService:
    return TrackingService(
        track17_api_key=settings.track17_api_key,
        russian_post_login=settings.russian_post_login,
        russian_post_password=settings.russian_post_password,
        cainiao_base_url=settings.cainiao_base_url,
        track17_base_url=settings.track17_base_url,
        russian_post_url=settings.russian_post_url,
        registrations=StoredRegistrations(storage.registrations),
        clock=lambda: clock.now().timestamp(),
    )


@dataclass(slots=True, frozen=True)
class Services:
    settings: Settings
    storage: Storage
    clock: Clock
    tracking: TrackingService
    watcher: Watcher

    @classmethod
    async def open(cls, settings: Settings, *, clock: Clock | None = None) -> Services:
        """Open the database (migrating it) and the tracking session, with one clock shared
        by storage, the sources and the features (tests pass a ManualClock)."""
        clock = clock or SystemClock()
        storage = await Storage.open(settings.db_path, clock=lambda: ts(clock.now()))
        tracking = _tracking(settings, storage, clock)
        watcher = Watcher(
            storage,
            tracking,
            clock,
            batch_size=settings.check_batch_size,
            concurrency=settings.check_concurrency,
        )
        await tracking.start()
        return cls(settings, storage, clock, tracking, watcher)

    async def close(self) -> None:
        await self.tracking.close()
        await self.storage.close()
