"""Tracking events in the reader's language: every known vendor code → a short text (msgid).

Pure (gettext only). Keyed by source, then by the code the client stores in ``TrackEvent.code``:
Cainiao's ``actionCode``, 17TRACK's event ``stage`` or ``sub_status``, Russian Post's operation
type, or ``type.attribute`` when the attribute tells more. Beside ``bot.ui.present`` rather than in
it: a table of ~90 codes with its own catalog (``events.po``), which grows whenever a client
learns a code; ``tests/unit/test_event_texts.py`` fails when a client's code has no text here.

Cainiao's ``standerdDesc`` and Russian Post's operation names are the vendor's standard wording of
the code itself, so the localized text replaces them; their own words (Cainiao ``desc``) are shown
beneath when they add something (a hand-over number, a place, a note in Chinese: see
``adds_something``). 17TRACK's description is the carrier's own sentence, shown on the same rule.
An unknown code shows the original text. No translation service is called.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from bot.i18n import N_, _
from bot.tracking import cainiao, russianpost, track17
from bot.tracking.model import normalise_text

CAINIAO: Final[Mapping[str, str]] = {
    "PRE_READY_TO_SHIP": N_("The seller made the label but has not handed the parcel over yet"),
    "GWMS_ACCEPT": N_("The warehouse received the order"),
    "GWMS_PACKAGE": N_("Packed at the warehouse"),
    "WMS_CONFIRMED": N_("The warehouse confirmed the order"),
    "PU_PRE_PICKUP_SUCCESS": N_("A pickup from the seller is booked"),
    "GWMS_OUTBOUND": N_("Left the warehouse"),
    "PU_PICKUP_SUCCESS": N_("Picked up from the seller"),
    "CW_OUTBOUND": N_("Left the consolidation warehouse"),
    "SC_INBOUND_SUCCESS": N_("Arrived at the sorting center"),
    "SC_OUTBOUND_SUCCESS": N_("Left the sorting center"),
    "COMMON_INTRANSIT": N_("On its way"),
    "LH_HO_IN_SUCCESS": N_("Received by the international carrier"),
    "LH_HO_AIRLINE": N_("Handed over to the airline"),
    "LH_BIGBAG_SHELVE": N_("Packed into a bag for the international flight"),
    "LH_DEPART": N_("Left on the international flight"),
    "LH_POST_COLLECTION": N_("Accepted by the postal service"),
    "LH_ARRIVE": N_("Arrived in the destination country"),
    "CC_EX_START": N_("Export customs clearance started"),
    "CC_EX_SUCCESS": N_("Export customs clearance completed"),
    "CC_HO_IN_SUCCESS": N_("Handed over to customs"),
    "CC_HO_OUT_SUCCESS": N_("Released by customs"),
    "CC_IM_START": N_("Import customs clearance started"),
    "CC_IM_SUCCESS": N_("Import customs clearance completed"),
    "CUSTOMS_ARRIVED_IN_AREA_CALLBACK": N_("Arrived at the customs zone"),
    "TRANSIT_PORT_REROUTE_CALLBACK": N_("Rerouted through another transit hub"),
    "TD_TRANSWH_OUTBOUND": N_("Left the transit warehouse"),
    "TD_TRANS_ARRIVE_DCP": N_("Arrived at the transit hub"),
    "TD_TRANS_DEPART_C": N_("Left the transit country"),
    "TD_TRANS_ARRIVE_C": N_("Arrived in the transit country"),
    "GTMS_ACCEPT": N_("Accepted by the local delivery service"),
    "GTMS_DO_ARRIVE": N_("Arrived at the delivery office"),
    "GTMS_STATION_OUT": N_("Left the local sorting station"),
    "GTMS_OE_DEPART": N_("Sent on to the delivery area"),
    "GTMS_DO_DEPART": N_("Handed to the courier for delivery"),
    "GSTA_INBOUND": N_("Arrived at the pickup point"),
    "GTMS_STA_SIGNED": N_("Received by the pickup point"),
    "GTMS_SIGNED": N_("Delivered to the recipient"),
    "GTMS_DEL_FAILURE": N_("Could not be delivered"),
}

TRACK17: Final[Mapping[str, str]] = {
    "InfoReceived": N_("The carrier has the shipment's details"),
    "PickedUp": N_("Picked up by the carrier"),
    "Departure": N_("Left a facility"),
    "Arrival": N_("Arrived at a facility"),
    "AvailableForPickup": N_("Ready for pickup"),
    "OutForDelivery": N_("Out with the courier"),
    "Delivered": N_("Delivered to the recipient"),
    "Returning": N_("On its way back to the seller"),
    "Returned": N_("Back with the seller"),
    "Exception": N_("The carrier reported a problem"),
    "DeliveryFailure": N_("Could not be delivered"),
    "NotFound_Other": N_("The carrier does not know this number yet"),
    "NotFound_InvalidCode": N_("The carrier says the number is invalid"),
    "InTransit_PickedUp": N_("Picked up by the carrier"),
    "InTransit_Other": N_("On its way"),
    "InTransit_Departure": N_("Left a facility"),
    "InTransit_Arrival": N_("Arrived at a facility"),
    "InTransit_CustomsProcessing": N_("Customs clearance in progress"),
    "InTransit_CustomsReleased": N_("Released by customs"),
    "InTransit_CustomsRequiringInformation": N_("Customs needs more information"),
    "Expired_Other": N_("No news for a long time: the carrier stopped tracking it"),
    "AvailableForPickup_Other": N_("Ready for pickup"),
    "OutForDelivery_Other": N_("Out with the courier"),
    "DeliveryFailure_Other": N_("Could not be delivered"),
    "DeliveryFailure_NoBody": N_("Not delivered: nobody was there to receive it"),
    "DeliveryFailure_Security": N_("Not delivered: a security issue"),
    "DeliveryFailure_Rejected": N_("Not delivered: the recipient refused it"),
    "DeliveryFailure_InvalidAddress": N_("Not delivered: the address is wrong or incomplete"),
    "Delivered_Other": N_("Delivered to the recipient"),
    "Exception_Other": N_("The carrier reported a problem"),
    "Exception_Returning": N_("On its way back to the seller"),
    "Exception_Returned": N_("Back with the seller"),
    "Exception_NoBody": N_("Problem: the recipient could not be reached"),
    "Exception_Security": N_("Problem: held for a security check"),
    "Exception_Damage": N_("Problem: the parcel is damaged"),
    "Exception_Rejected": N_("Problem: the recipient refused it"),
    "Exception_Delay": N_("Problem: the carrier reports a delay"),
    "Exception_Lost": N_("Problem: the carrier reports the parcel lost"),
    "Exception_Destroyed": N_("Problem: the parcel was destroyed"),
    "Exception_Cancel": N_("Problem: the shipment was cancelled"),
}

RUSSIANPOST: Final[Mapping[str, str]] = {
    "1": N_("Accepted at the post office"),
    "2": N_("Delivered to the recipient"),
    "3": N_("Sent back to the sender"),
    "4": N_("Forwarded to another address"),
    "5": N_("Could not be delivered"),
    "6": N_("Kept in storage at the post office"),
    "8": N_("Processed at a sorting facility"),
    "9": N_("Imported into the destination country"),
    "10": N_("Exported from the country of origin"),
    "11": N_("Handed over to customs"),
    "12": N_("A delivery attempt failed"),
    "14": N_("Customs clearance in progress"),
    "16": N_("Problem: the parcel was destroyed"),
    "2.2": N_("Handed back to the sender"),
    "8.2": N_("Arrived at the delivery post office"),
    "8.9": N_("Arrived at a parcel locker"),
    "8.13": N_("Arrived in Russia"),
    "8.15": N_("Handed to the courier for delivery"),
    "8.16": N_("Placed in a parcel locker"),
    "8.17": N_("Waiting at the pickup point"),
}

TABLES: Final[Mapping[str, Mapping[str, str]]] = {
    cainiao.NAME: CAINIAO,
    track17.NAME: TRACK17,
    russianpost.NAME: RUSSIANPOST,
}
# Sources whose description is the standard wording of the code (replaced by our text).
_STANDARD_WORDING: Final = frozenset({cainiao.NAME, russianpost.NAME})
ORIGINAL_MAX = 300  # the carrier's words beneath are cut here (Chinese notes can run long)


def event_msgid(source: str, code: str | None) -> str | None:
    """The English msgid for ``code`` of ``source``; None when the code is unknown."""
    table = TABLES.get(source)
    code = (code or "").strip()
    if table is None or not code:
        return None
    if source == cainiao.NAME:
        code = code.upper()
    found = table.get(code)
    if found is None and source == russianpost.NAME:
        found = table.get(code.split(".", 1)[0])  # an attribute we have no text for: the type's
    return found


@dataclass(frozen=True, slots=True)
class EventWords:
    """What one event says, plain text (escape for HTML): ``text`` first, ``original`` beneath."""

    text: str
    original: str = ""
    known: bool = False  # ``text`` is ours (localized), not the carrier's


# Control characters and bidi overrides in a carrier's text: never shown (a right-to-left
# override turns the rest of the message around). Joiners stay: emoji are built with them.
# Line breaks and tabs are spaces (``str.split``).
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u061c\u200e\u200f]")


def clean_carrier_text(value: str | None) -> str:
    """A carrier's words on one line: no control or bidi characters, single spaces."""
    return " ".join(_INVISIBLE.sub("", value or "").split())


def _clean(value: str | None) -> str:
    return clean_carrier_text(value)


def _cut(value: str) -> str:
    return value if len(value) <= ORIGINAL_MAX else value[: ORIGINAL_MAX - 1] + "…"


def event_words(
    source: str, code: str | None, description: str | None, detail: str | None = None
) -> EventWords:
    """The event in the current language, with the carrier's words when they add something."""
    desc, own = _clean(description), _clean(detail)
    msgid = event_msgid(source, code)
    if msgid is None:  # unknown code: the carrier's words are all there is
        text = desc or own
        extra = own if own and normalise_text(own) != normalise_text(text) else ""
        return EventWords(_cut(text), _cut(extra))
    text = _(msgid)
    seen = {normalise_text(msgid), normalise_text(text)}
    beneath: list[str] = []
    candidates = [own] if source in _STANDARD_WORDING else [desc, own]
    for words in candidates:
        if words and normalise_text(words) not in seen and adds_something(words):
            seen.add(normalise_text(words))
            beneath.append(words)
    return EventWords(text, _cut(" · ".join(beneath)), known=True)


# A hand-over or flight number, a postcode; a place or a name ("Departed Facility in SHENZHEN");
# a note in the carrier's script. Plain rewordings ("Leave the warehouse") say nothing more.
_DIGIT = re.compile(r"\d")
_NAME_INSIDE = re.compile(r"\s[A-Z][A-Za-z]")


def adds_something(words: str) -> bool:
    """Do the carrier's words tell more than our short text (so they are shown beneath it)?"""
    if _DIGIT.search(words) or _NAME_INSIDE.search(words):
        return True
    return any(ch.isalpha() and not ch.isascii() for ch in words)
