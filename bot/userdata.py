"""What the bot remembers about one user's chat between updates: one typed record.

python-telegram-bot keeps it per user (``context.user_data``, typed through ``ContextTypes``) and
persists it in SQLite. It is chat state only — where the user is in a flow and what they are
being asked. Facts about a parcel never live here: they belong to the parcel's row.

It is stored as a plain dict (:meth:`UserData.dump` / :meth:`UserData.load`), never as a pickled
class, so renaming or moving this module cannot break the data of users already mid-flow, and
dicts written by older releases (free-form keys) load into the same record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(slots=True)
class Pending:
    """The bot asked something and waits for typed text (the one mechanism for that).

    ``kind`` names the question (``"rename"``, ``"tz"``, ``"whatnow"`` ...); ``asked_at`` is the
    services clock in epoch seconds: a question left unanswered longer than its feature's TTL no
    longer claims what the user types.
    """

    kind: str
    parcel_id: int | None = None
    asked_at: int = 0

    def fresh(self, now: int, ttl: int) -> bool:
        return 0 <= now - self.asked_at <= ttl


@dataclass(slots=True)
class PendingAdd:
    """A number the user asked to watch, held while they confirm it (e.g. an unknown format)."""

    number: str
    nickname: str | None = None


@dataclass(slots=True)
class UserData:
    pending: Pending | None = None
    pending_add: PendingAdd | None = None
    # "Check now" presses: parcel id (as text) -> epoch seconds, to rate-limit manual checks.
    checked: dict[str, int] = field(default_factory=dict)
    # The "what now" question in progress.
    whatnow: dict[str, Any] | None = None
    # Legacy: per-parcel answers that had no column; moved to the database at start-up.
    whatnow_known: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The dispute walk-through in progress (DisputeState.to_dict()), the last finished one
    # without a parcel, and the clock time of its last step.
    dispute: dict[str, Any] | None = None
    dispute_last: dict[str, Any] | None = None
    dispute_at: float | None = None

    def dump(self) -> dict[str, Any]:
        """Plain builtins only (see the module docstring); empty values are left out."""
        return {key: value for key, value in asdict(self).items() if value not in (None, {}, [])}

    @classmethod
    def load(cls, raw: object) -> UserData:
        """From :meth:`dump` output or an older release's free-form dict; junk is dropped."""
        if isinstance(raw, UserData):
            return raw
        data = raw if isinstance(raw, dict) else {}
        result = cls()
        pending = data.get("pending")
        legacy = data.get("awaiting")  # older releases: {"what", "parcel", "at"}
        if isinstance(pending, dict) and isinstance(pending.get("kind"), str):
            result.pending = Pending(
                pending["kind"],
                _int_or_none(pending.get("parcel_id")),
                _int(pending.get("asked_at")),
            )
        elif isinstance(legacy, dict) and isinstance(legacy.get("what"), str):
            result.pending = Pending(
                legacy["what"], _int_or_none(legacy.get("parcel")), _int(legacy.get("at"))
            )
        add = data.get("pending_add")
        if isinstance(add, dict) and isinstance(add.get("number"), str):
            nickname = add.get("nickname")
            result.pending_add = PendingAdd(
                add["number"], nickname if isinstance(nickname, str) else None
            )
        checked = data.get("checked")
        if isinstance(checked, dict):
            result.checked = {str(k): _int(v) for k, v in checked.items()}
        for name in ("whatnow", "dispute", "dispute_last"):
            value = data.get(name)
            if isinstance(value, dict):
                setattr(result, name, value)
        known = data.get("whatnow_known")
        if isinstance(known, dict):
            result.whatnow_known = {str(k): v for k, v in known.items() if isinstance(v, dict)}
        at = data.get("dispute_at")
        if isinstance(at, int | float):
            result.dispute_at = float(at)
        return result


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _int_or_none(value: object) -> int | None:
    return int(value) if isinstance(value, int) else None
