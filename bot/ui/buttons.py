"""Every inline button's callback data, as types: the one list of what a button can say.

A button family is a frozen dataclass that subclasses :class:`Callback` with its wire prefix::

    @dataclass(frozen=True)
    class ParcelOpen(Callback, prefix="parcel:view"):
        parcel_id: int

    ParcelOpen(12).pack()              # "parcel:view:12"
    ParcelOpen.unpack("parcel:view:12")  # ParcelOpen(parcel_id=12)

Fields are packed in order after the prefix, separated by ``:``. Supported field types: ``int``
(ASCII digits only, within SQLite's INTEGER range, so a crafted id can never overflow a query),
``str`` (letters, digits and ``._+/-``; no ``:``), a ``StrEnum`` (one of its values), and any of
these ``| None`` (packed as an empty field; trailing ones are left out). An ``int`` is written as
``str()`` writes it (no leading zeros: ``00`` is no number we packed) and may be narrowed with
``Annotated[int, Bounded(low, high)]``. ``pack()`` asserts Telegram's 64-byte limit.

Routing goes through :func:`route`: it derives the ``CallbackQueryHandler`` pattern from the
family's prefix, unpacks the data and hands the handler a typed value. Data that does not unpack
(crafted, or a stale button from an older release) never reaches a handler: it gets the short
"this button is out of date" answer here, in one place (``handlers.fallback`` gives the same
answer to buttons no family claims).

Wire formats are stable: renaming a prefix or reordering fields turns every button already sent
into a stale one, so add a new family instead.
"""

from __future__ import annotations

import dataclasses
import enum
import re
import types
import typing
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Self

from bot.core.advice import Action
from bot.core.dispute import Outcome, Step

if typing.TYPE_CHECKING:
    pass

MAX_BYTES = 64  # Telegram's limit for callback_data
Button = tuple[str, str]  # (label, callback data): one inline button, as the views build them
MAX_ID = 2**63 - 1  # SQLite INTEGER
MAX_REMIND_DAYS = 999  # any look the advice offers (the handler schedules at most 60 days ahead)
_SEP = ":"
_STR_FIELD = re.compile(r"^[A-Za-z0-9._+/~\-]{1,60}$")  # "/" for time-zone names, "~" for ranges
_INT_FIELD = re.compile(r"^[0-9]{1,19}$")  # ASCII only: str.isdigit() also accepts "²"


@dataclass(frozen=True, slots=True)
class Bounded:
    """``Annotated[int, Bounded(low, high)]``: the field unpacks only within ``low``..``high``
    (a crafted value is stale)."""

    low: int
    high: int


_Spec = tuple[str, Any, bool, Bounded | None]  # (name, type, optional, int bounds)


class Callback:
    """Base of every button family (see the module docstring)."""

    prefix: ClassVar[str]
    _fields: ClassVar[tuple[_Spec, ...]]

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.prefix = prefix
        cls._fields = ()  # filled lazily: the dataclass decorator runs after this hook

    @classmethod
    def _field_types(cls) -> tuple[_Spec, ...]:
        if not cls._fields and dataclasses.fields(cls):  # type: ignore[arg-type]
            hints = typing.get_type_hints(cls, include_extras=True)
            specs = []
            for field in dataclasses.fields(cls):  # type: ignore[arg-type]
                hint, bounds = hints[field.name], None
                if typing.get_origin(hint) is typing.Annotated:
                    hint, *extras = typing.get_args(hint)
                    bounds = next((x for x in extras if isinstance(x, Bounded)), None)
                kind, optional = _unwrap_optional(hint)
                specs.append((field.name, kind, optional, bounds))
            cls._fields = tuple(specs)
        return cls._fields

    def pack(self) -> str:
        parts = [self.prefix]
        for name, _kind, _optional, _bounds in self._field_types():
            value = getattr(self, name)
            if isinstance(value, enum.Enum):
                value = value.value
            parts.append("" if value is None else str(value))
        while len(parts) > 1 and parts[-1] == "":  # trailing empty optionals are left out
            parts.pop()
        data = _SEP.join(parts)
        assert len(data.encode()) <= MAX_BYTES, f"callback data over {MAX_BYTES} bytes: {data!r}"
        return data

    @classmethod
    def unpack(cls, data: str) -> Self | None:
        """The typed value, or None for anything this family would never have packed."""
        if data != cls.prefix and not data.startswith(cls.prefix + _SEP):
            return None
        if len(data.encode()) > MAX_BYTES:
            return None
        specs = cls._field_types()
        raw = data[len(cls.prefix) + 1 :].split(_SEP) if data != cls.prefix else []
        if len(raw) > len(specs) or not all(spec[2] for spec in specs[len(raw) :]):
            return None
        raw += [""] * (len(specs) - len(raw))
        values: dict[str, Any] = {}
        for (name, kind, optional, bounds), text in zip(specs, raw, strict=True):
            if text == "" and optional:
                values[name] = None
                continue
            value = _decode(kind, text)
            if value is None:
                return None
            if bounds is not None and not bounds.low <= value <= bounds.high:
                return None
            values[name] = value
        return cls(**values)

    @classmethod
    def pattern(cls) -> re.Pattern[str]:
        """What ``CallbackQueryHandler`` matches: the prefix, alone or followed by fields."""
        return re.compile(f"^{re.escape(cls.prefix)}(?:{_SEP}|$)")

    @classmethod
    def fits(cls, **values: Any) -> bool:
        """Whether a button with these values fits in 64 bytes (long track numbers may not)."""
        try:
            cls(**values).pack()
        except AssertionError:
            return False
        return True


def _unwrap_optional(hint: Any) -> tuple[Any, bool]:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        assert len(rest) == 1, f"unsupported callback field type {hint!r}"
        return rest[0], True
    return hint, False


def _decode(kind: Any, text: str) -> Any:
    if kind is int:
        if not _INT_FIELD.match(text) or (text[0] == "0" and text != "0"):
            return None
        number = int(text)
        return number if number <= MAX_ID else None
    if kind is str:
        return text if _STR_FIELD.match(text) else None
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        try:
            return kind(text)
        except ValueError:
            return None
    raise TypeError(f"unsupported callback field type {kind!r}")


# --- the families -------------------------------------------------------------------------------
# One section per feature. The wire format is each family's prefix plus its fields: keep them as
# they were sent, users still have old messages with these buttons.


class YesNo(enum.StrEnum):
    YES = "yes"
    NO = "no"


# start / help / language


@dataclass(frozen=True)
class MainMenu(Callback, prefix="menu:main"):
    pass


@dataclass(frozen=True)
class HelpShow(Callback, prefix="help:show"):
    pass


@dataclass(frozen=True)
class LanguageMenu(Callback, prefix="lang:menu"):
    pass


@dataclass(frozen=True)
class LanguageSet(Callback, prefix="lang:set"):
    code: str


# parcels: list, add, card, facts


@dataclass(frozen=True)
class ParcelsPage(Callback, prefix="parcels:list"):
    page: int


@dataclass(frozen=True)
class ArchivePage(Callback, prefix="parcels:arch"):
    page: int


@dataclass(frozen=True)
class ParcelsAdd(Callback, prefix="parcels:add"):
    pass


@dataclass(frozen=True)
class ParcelsCancel(Callback, prefix="parcels:cancel"):
    pass


@dataclass(frozen=True)
class ForceAdd(Callback, prefix="parcels:force"):
    """Watch a number although its check digit or shape looks wrong."""

    number: str


@dataclass(frozen=True)
class WatchNumber(Callback, prefix="watch:add"):
    """Watch an explained number (under every explanation)."""

    number: str


@dataclass(frozen=True)
class WatchAll(Callback, prefix="watch:all"):
    """Watch every number of a long paste (its summary message lists them: no data to carry)."""


@dataclass(frozen=True)
class WatchHandover(Callback, prefix="parcels:next"):
    """Check the parcel's number at the next carrier too (an event of the parcel named it)."""

    parcel_id: int
    number: str


class ParcelVerb(enum.StrEnum):
    VIEW = "view"
    TIMELINE = "timeline"
    TIMELINE_FROM_PUSH = "tlpush"  # a push's button: the timeline comes as a new message
    RENAME = "rename"
    FACTS = "facts"
    SHIP_DATE = "fship"
    PRICE = "fprice"
    PROTECTION = "fprot"
    CHECK = "check"
    ARCHIVE = "archive"
    ARCHIVE_KEEP_TIMER = "archkeep"  # archive, the protection-timer reminders go on
    ARCHIVE_DROP_TIMER = "archdrop"  # archive, the reminders stop with the checks
    UNARCHIVE = "unarchive"
    DELETE = "delete"
    DELETE_CONFIRMED = "delyes"


@dataclass(frozen=True)
class ParcelAction(Callback, prefix="parcel"):
    verb: ParcelVerb
    parcel_id: int


# evidence picture (handlers/evidence.py)


@dataclass(frozen=True)
class EvidencePicture(Callback, prefix="evidence:png"):
    """The evidence picture of a parcel (PNG photo and file)."""

    parcel_id: int


@dataclass(frozen=True)
class EvidencePdf(Callback, prefix="evidence:pdf"):
    """The same record as a PDF."""

    parcel_id: int


# what now


@dataclass(frozen=True)
class WhatNowStart(Callback, prefix="whatnow:start"):
    pass


@dataclass(frozen=True)
class WhatNowParcel(Callback, prefix="whatnow:p"):
    """Advice about a parcel; ``0`` starts without one."""

    parcel_id: int


@dataclass(frozen=True)
class WhatNowNumber(Callback, prefix="whatnow:n"):
    """Advice about an explained number that is not watched."""

    number: str


@dataclass(frozen=True)
class WhatNowAnswer(Callback, prefix="whatnow:a"):
    """A button answer to a question: the fact's short code and the value (or ``skip``)."""

    code: str
    value: str


@dataclass(frozen=True)
class WhatNowRemind(Callback, prefix="whatnow:rem"):
    """Remind me in ``days`` about the advice ``action``; parcel ``0``: advice without a parcel."""

    parcel_id: int
    days: Annotated[int, Bounded(1, MAX_REMIND_DAYS)]
    action: Action  # a crafted action is stale, never stored


@dataclass(frozen=True)
class WhatNowAsk(Callback, prefix="whatnow:ask"):
    """ "Do you want advice about a parcel?" for an unclear question."""

    answer: YesNo


@dataclass(frozen=True)
class WhatNowCancel(Callback, prefix="whatnow:cancel"):
    pass


@dataclass(frozen=True)
class WhatNowSilent(Callback, prefix="whatnow:silent"):
    """From a reminder: the seller did not answer."""

    parcel_id: int


# coach (bot/watch/coach.py pushes)


@dataclass(frozen=True)
class CoachLetter(Callback, prefix="coach:letter"):
    """The letter for the parcel's current step."""

    parcel_id: int


@dataclass(frozen=True)
class CoachDid(Callback, prefix="coach:did"):
    """What happened, told from a coach push (``what``: bot.watch.coach.Did)."""

    parcel_id: int
    what: str


# dispute


@dataclass(frozen=True)
class DisputeStart(Callback, prefix="dispute:start"):
    pass


@dataclass(frozen=True)
class DisputeParcel(Callback, prefix="dispute:p"):
    parcel_id: int


@dataclass(frozen=True)
class DisputeChoice(Callback, prefix="dispute"):
    """A choice at a step of the walk-through (at ``d0`` the choice is a parcel id)."""

    step: Step
    choice: str


@dataclass(frozen=True)
class DisputeCheckin(Callback, prefix="dispute:ci"):
    """The check-in after the seller's days: no answer yet opens it, an answer code picks one."""

    parcel_id: int
    answer: str | None = None


@dataclass(frozen=True)
class DisputeOutcome(Callback, prefix="dispute:out"):
    """What happened to an open dispute, told from the parcel card in one tap (QA B3)."""

    parcel_id: int
    outcome: Outcome


@dataclass(frozen=True)
class DisputeTold(Callback, prefix="dispute:told"):
    """A dispute for what the user already said ("it arrived empty", QA B8): a choice code of
    ``bot.core.dispute.TOLD``; parcel ``0``: an order without a parcel."""

    parcel_id: int
    what: str


# settings


@dataclass(frozen=True)
class SettingsMenu(Callback, prefix="settings:menu"):
    pass


@dataclass(frozen=True)
class SettingsTimezone(Callback, prefix="settings:tz"):
    pass


@dataclass(frozen=True)
class SettingsTimezoneSet(Callback, prefix="settings:tzset"):
    zone: str


@dataclass(frozen=True)
class SettingsQuiet(Callback, prefix="settings:quiet"):
    pass


@dataclass(frozen=True)
class SettingsQuietSet(Callback, prefix="settings:qset"):
    """``off`` or ``<start>-<end>`` in minutes after midnight."""

    window: str


@dataclass(frozen=True)
class SettingsCoach(Callback, prefix="settings:coach"):
    """Turn the coach (next-step tips pushed on their own) on (``yes``) or off (``no``)."""

    on: YesNo


# privacy


@dataclass(frozen=True)
class PrivacyForget(Callback, prefix="privacy:forget"):
    answer: YesNo
