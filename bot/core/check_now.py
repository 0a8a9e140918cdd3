"""The "check now" button's rate limit: one manual check per parcel every five minutes.

The watcher checks every parcel on its own cadence; a manual press asks the trackers out of turn,
so repeated presses must not hammer them. Pure: the caller keeps ``checked`` (``UserData.checked``:
parcel id as text -> epoch seconds of the last manual check) and stores what this returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

CHECK_EVERY: Final = 300  # seconds between manual checks of one parcel


@dataclass(frozen=True, slots=True)
class ManualCheck:
    wait_minutes: int  # 0: check now; else how long to wait, rounded up to whole minutes
    checked: dict[str, int]  # what to remember (expired presses dropped to keep user data small)

    @property
    def allowed(self) -> bool:
        return self.wait_minutes == 0


def manual_check(
    checked: Mapping[str, int], parcel_id: int, now: int, every: int = CHECK_EVERY
) -> ManualCheck:
    """May ``parcel_id`` be checked by hand at ``now``? A refused press changes nothing."""
    last = checked.get(str(parcel_id))
    if last is not None and 0 <= now - last < every:
        return ManualCheck(max(1, -(-(every - (now - last)) // 60)), dict(checked))
    kept = {key: at for key, at in checked.items() if 0 <= now - at < every}
    kept[str(parcel_id)] = now
    return ManualCheck(0, kept)
