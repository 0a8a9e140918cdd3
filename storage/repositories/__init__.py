"""Repositories, one module per table: the only place that knows the SQL for each table.

Every method runs on ``Database`` helpers, so called inside ``async with db.transaction():`` it
takes part in that transaction (see ``storage.db``); called on its own it is atomic by itself.
Methods that touch a user's parcel take the ``user_id`` and check ownership in SQL.
"""

from storage.repositories.answers import Answers
from storage.repositories.base import UNSET, Clock, DuplicateParcel, system_clock
from storage.repositories.events import ANY_SERVICE, Checks, Events, Stats
from storage.repositories.outbox import Outbox, Reminders
from storage.repositories.parcels import Parcels
from storage.repositories.registrations import Registrations
from storage.repositories.users import Users

__all__ = [
    "ANY_SERVICE",
    "UNSET",
    "Answers",
    "Checks",
    "Clock",
    "DuplicateParcel",
    "Events",
    "Outbox",
    "Parcels",
    "Registrations",
    "Reminders",
    "Stats",
    "Users",
    "system_clock",
]
