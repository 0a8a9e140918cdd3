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
from datetime import date, timedelta
from typing import Any

from bot.core.advice.interview import Interview
from bot.core.dispute import DisputeState


@dataclass(slots=True)
class Pending:
    """The bot asked something and waits for typed text (the one mechanism for that).

    ``kind`` names the question (``"rename"``, ``"tz"``, ``"whatnow:tracking"``,
    ``"dispute:amount"`` ...); ``asked_at`` is the services clock in epoch seconds: a question
    left unanswered longer than its feature's TTL no longer claims what the user types.
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
class DisputeSession:
    """The dispute walk-through in progress and the clock time (epoch seconds) of its last step.

    The time closes a walk-through left alone too long, also across a restart; None (data of
    an older release that did not keep it) never expires."""

    state: DisputeState
    at: int | None = None

    def expired(self, now: int, ttl: int) -> bool:
        return self.at is not None and now - self.at > ttl


@dataclass(slots=True)
class UserData:
    pending: Pending | None = None
    pending_add: PendingAdd | None = None
    # "Check now" presses: parcel id (as text) -> epoch seconds, to rate-limit manual checks.
    checked: dict[str, int] = field(default_factory=dict)
    # The "what now" round in progress (its answers about a parcel are stored on the parcel).
    whatnow: Interview | None = None
    # The dispute walk-through in progress, and the last one submitted without a parcel (its
    # check-in has nothing else to go by).
    dispute: DisputeSession | None = None
    dispute_last: DisputeState | None = None

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
        result.whatnow = _interview(data.get("whatnow"))
        dispute = data.get("dispute")
        if isinstance(dispute, dict):
            if isinstance(dispute.get("state"), dict):
                state, at = _dispute_state(dispute["state"]), dispute.get("at")
            else:  # older releases: the state itself, its time in "dispute_at"
                state, at = _dispute_state(dispute), data.get("dispute_at")
            if state is not None:
                result.dispute = DisputeSession(state, _int(at) if at is not None else None)
        result.dispute_last = _dispute_state(data.get("dispute_last"))
        return result


def _interview(raw: object) -> Interview | None:
    if not isinstance(raw, dict):
        return None
    parcel_id = raw.get("parcel_id", raw.get("pid"))  # "pid": older releases
    facts, asked, asking = raw.get("facts"), raw.get("asked"), raw.get("asking")
    return Interview(
        parcel_id=_id(parcel_id),
        facts=dict(facts) if isinstance(facts, dict) else {},
        asked=[str(name) for name in asked] if isinstance(asked, list) else [],
        asking=asking if isinstance(asking, str) else None,
        approx=_approx(raw.get("approx")),
        finished_at=_int_or_none(raw.get("finished_at")),
        given=dict(raw["given"]) if isinstance(raw.get("given"), dict) else {},
    )


def _approx(raw: object) -> dict[str, float]:
    """A round's range answers ("over $10"); anything unreadable is dropped (asked again)."""
    if not isinstance(raw, dict):
        return {}
    return {
        str(k): float(v)
        for k, v in raw.items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }


def _dispute_state(raw: object) -> DisputeState | None:
    if not isinstance(raw, dict):
        return None
    try:
        return DisputeState.from_dict(raw)
    except (TypeError, ValueError):
        return None  # unreadable: the walk-through starts again


def legacy_answers(raw: object, today: date) -> dict[int, dict[str, Any]]:
    """Per-parcel answers older releases kept in user data (``whatnow_known``), as the
    ``parcel_answers`` values to store; day counts become dates counted back from ``today``."""
    data = raw.get("whatnow_known") if isinstance(raw, dict) else None
    if not isinstance(data, dict):
        return {}
    result: dict[int, dict[str, Any]] = {}
    for key, known in data.items():
        parcel_id = _id(key)
        if not isinstance(known, dict) or parcel_id is None:
            continue
        values: dict[str, Any] = {}
        if isinstance(known.get("tracking"), str):
            values["tracking"] = known["tracking"]
        for name in ("timer_over", "seller_contacted", "dispute_open", "paid_with_paypal"):
            if isinstance(known.get(name), bool):
                values[name] = known[name]
        if isinstance(known.get("offer_amount"), int | float):
            values["offer_amount"] = float(known["offer_amount"])
        for name, column in (
            ("stalled_days", "quiet_since"),
            ("order_finished_days_ago", "order_finished_on"),
        ):
            if isinstance(known.get(name), int) and 0 <= known[name] <= 3660:
                values[column] = today - timedelta(days=known[name])
        if isinstance(known.get("asked"), list):
            values["asked"] = tuple(str(name) for name in known["asked"])
        if known.get("round_done") is True:
            values["round_done"] = True
        if values:
            result[parcel_id] = values
    return result


def _int(value: object) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _id(value: object) -> int | None:
    """A stored id (int, or digits as text in older releases); None for anything else or 0."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 18:
        value = int(value)
    return value if isinstance(value, int) and 0 < value < 2**63 else None


def _int_or_none(value: object) -> int | None:
    return int(value) if isinstance(value, int) else None
