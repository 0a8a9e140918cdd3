"""17TRACK's RegistrationStore backed by the database (registrations survive restarts)."""

from __future__ import annotations

from storage import Registrations

TRACK17 = "17track"


class StoredRegistrations:
    def __init__(self, registrations: Registrations, source: str = TRACK17) -> None:
        self._registrations = registrations
        self._source = source

    async def is_registered(self, number: str) -> bool:
        return await self._registrations.is_registered(self._source, number)

    async def mark_registered(self, number: str) -> None:
        await self._registrations.mark_registered(self._source, number)
