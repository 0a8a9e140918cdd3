"""TrackingService: owns the aiohttp session and builds the configured sources and the router."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from types import TracebackType

import aiohttp

from bot.tracking import cainiao, russianpost, track17
from bot.tracking.cainiao import CainiaoClient
from bot.tracking.http import DEFAULT_TIMEOUT
from bot.tracking.model import NumberFailure, Source, TrackOutcome
from bot.tracking.router import SourceHealth, TrackingRouter, TrackQuery
from bot.tracking.russianpost import RussianPostClient
from bot.tracking.track17 import InMemoryRegistrationStore, RegistrationStore, Track17Client

log = logging.getLogger(__name__)


class TrackingService:
    """Create in post_init (`await start()`), close in post_shutdown (`await close()`)."""

    def __init__(
        self,
        *,
        track17_api_key: str | None = None,
        russian_post_login: str | None = None,
        russian_post_password: str | None = None,
        cainiao_base_url: str | None = None,
        track17_base_url: str | None = None,
        russian_post_url: str | None = None,
        registrations: RegistrationStore | None = None,
        timeout: aiohttp.ClientTimeout = DEFAULT_TIMEOUT,
        connection_limit: int = 20,
        concurrency_per_source: int = 2,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        self._track17_key = track17_api_key or None
        self._rp_login = russian_post_login or None
        self._rp_password = russian_post_password or None
        self._cainiao_url = cainiao_base_url or cainiao.DEFAULT_BASE_URL
        self._track17_url = track17_base_url or track17.DEFAULT_BASE_URL
        self._rp_url = russian_post_url or russianpost.DEFAULT_URL
        if self._track17_key and registrations is None:
            log.warning("17TRACK registrations kept in memory only: numbers re-register on restart")
        self._registrations = registrations or InMemoryRegistrationStore()
        self._timeout = timeout
        self._connection_limit = connection_limit
        self._concurrency = concurrency_per_source
        self._clock = clock
        self._rng = rng
        self._session: aiohttp.ClientSession | None = None
        self._router: TrackingRouter | None = None
        self._track17: Track17Client | None = None

    async def start(self) -> None:
        if self._session is not None:
            return
        self._session = aiohttp.ClientSession(
            timeout=self._timeout,
            connector=aiohttp.TCPConnector(limit=self._connection_limit, ttl_dns_cache=300),
        )
        sources: list[Source] = [
            CainiaoClient(self._session, self._cainiao_url, timeout=self._timeout)
        ]
        if self._rp_login and self._rp_password:
            sources.append(
                RussianPostClient(
                    self._session,
                    self._rp_login,
                    self._rp_password,
                    self._rp_url,
                    timeout=self._timeout,
                )
            )
        if self._track17_key:
            self._track17 = Track17Client(
                self._session,
                self._track17_key,
                self._registrations,
                self._track17_url,
                timeout=self._timeout,
            )
            sources.append(self._track17)
        self._router = TrackingRouter(
            sources, clock=self._clock, rng=self._rng, concurrency_per_source=self._concurrency
        )
        log.info("tracking sources: %s", ", ".join(s.name for s in sources))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
        self._session = None
        self._router = None
        self._track17 = None

    async def __aenter__(self) -> TrackingService:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def router(self) -> TrackingRouter:
        if self._router is None:
            raise RuntimeError("TrackingService.start() was not awaited")
        return self._router

    @property
    def source_names(self) -> list[str]:
        return list(self.router.sources)

    async def track(self, queries: Sequence[str | TrackQuery]) -> dict[str, TrackOutcome]:
        return await self.router.track(queries)

    @property
    def track17_configured(self) -> bool:
        return self._track17 is not None

    async def stop_track17(self, numbers: Sequence[str]) -> list[str]:
        """Ask 17TRACK to stop tracking ``numbers``; returns those it no longer tracks.

        Raises `SourceError` when the call fails, `RuntimeError` when 17TRACK is not configured.
        """
        if self._track17 is None:
            raise RuntimeError("17TRACK is not configured")
        return await self._track17.stoptrack(numbers)

    async def restart_track17(self, numbers: Sequence[str]) -> dict[str, NumberFailure]:
        """Restart numbers 17TRACK stopped on its own; returns per-number failures.

        Raises `SourceError` when the call fails, `RuntimeError` when 17TRACK is not configured.
        """
        if self._track17 is None:
            raise RuntimeError("17TRACK is not configured")
        return await self._track17.restart(numbers)

    def health(self) -> dict[str, SourceHealth]:
        return self.router.health()
