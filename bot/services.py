"""The one typed object through which handlers and jobs reach the bot's services.

Built once at start-up, closed at shutdown; handlers get it as ``context.services`` (see
``bot.app.BotContext``) instead of fishing untyped values out of ``bot_data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(slots=True)
class Services:
    settings: Settings
    storage: Storage
    clock: Clock = field(default_factory=SystemClock)
    # Built from settings when not given; Services.open starts the tracking session.
    tracking: TrackingService = field(default=None)  # type: ignore[assignment]
    watcher: Watcher = field(default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.tracking is None:
            self.tracking = _tracking(self.settings, self.storage, self.clock)
        if self.watcher is None:
            self.watcher = Watcher(
                self.storage,
                self.tracking,
                self.clock,
                batch_size=self.settings.check_batch_size,
                concurrency=self.settings.check_concurrency,
            )

    @classmethod
    async def open(cls, settings: Settings, *, clock: Clock | None = None) -> Services:
        """Open the database (migrating it) with one clock shared by storage and the features."""
        clock = clock or SystemClock()
        storage = await Storage.open(settings.db_path, clock=lambda: ts(clock.now()))
        services = cls(settings=settings, storage=storage, clock=clock)
        await services.tracking.start()
        return services

    async def close(self) -> None:
        await self.tracking.close()
        await self.storage.close()
