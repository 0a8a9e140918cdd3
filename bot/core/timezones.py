"""Time zones people mean: buttons per language, city names, and UTC offsets like "+3".

Pure: returns IANA zone names (what ``users.timezone`` stores and ``zoneinfo`` reads).
Whole-hour offsets become ``Etc/GMT∓N`` zones (POSIX signs are inverted: UTC+3 is Etc/GMT-3);
the few half-hour offsets map to a city that keeps them.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.i18n import N_, _

# (label msgid, zone) shown as buttons, by the user's language.
PRESETS: dict[str, list[tuple[str, str]]] = {
    "ru": [
        (N_("Moscow"), "Europe/Moscow"),
        (N_("Kaliningrad"), "Europe/Kaliningrad"),
        (N_("Samara"), "Europe/Samara"),
        (N_("Yekaterinburg"), "Asia/Yekaterinburg"),
        (N_("Omsk"), "Asia/Omsk"),
        (N_("Novosibirsk"), "Asia/Novosibirsk"),
        (N_("Krasnoyarsk"), "Asia/Krasnoyarsk"),
        (N_("Irkutsk"), "Asia/Irkutsk"),
        (N_("Vladivostok"), "Asia/Vladivostok"),
        (N_("Minsk"), "Europe/Minsk"),
        (N_("Almaty"), "Asia/Almaty"),
        (N_("Tashkent"), "Asia/Tashkent"),
    ],
    "en": [
        (N_("London"), "Europe/London"),
        (N_("Berlin"), "Europe/Berlin"),
        (N_("New York"), "America/New_York"),
        (N_("Chicago"), "America/Chicago"),
        (N_("Denver"), "America/Denver"),
        (N_("Los Angeles"), "America/Los_Angeles"),
        (N_("Toronto"), "America/Toronto"),
        (N_("Sydney"), "Australia/Sydney"),
    ],
}


# A human name for each zone the bot offers or understands (the presets add their own).
_ZONE_NAMES: dict[str, str] = {
    "Europe/Volgograd": N_("Volgograd"),
    "Europe/Saratov": N_("Saratov"),
    "Europe/Ulyanovsk": N_("Ulyanovsk"),
    "Asia/Tomsk": N_("Tomsk"),
    "Asia/Barnaul": N_("Barnaul"),
    "Asia/Novokuznetsk": N_("Novokuznetsk"),
    "Asia/Chita": N_("Chita"),
    "Asia/Yakutsk": N_("Yakutsk"),
    "Asia/Magadan": N_("Magadan"),
    "Asia/Sakhalin": N_("Sakhalin"),
    "Asia/Kamchatka": N_("Kamchatka"),
    "Asia/Bishkek": N_("Bishkek"),
    "Asia/Yerevan": N_("Yerevan"),
    "Asia/Tbilisi": N_("Tbilisi"),
    "Asia/Baku": N_("Baku"),
    "Europe/Kyiv": N_("Kyiv"),
    "Europe/Chisinau": N_("Chisinau"),
    "Europe/Riga": N_("Riga"),
    "Europe/Vilnius": N_("Vilnius"),
    "Europe/Tallinn": N_("Tallinn"),
    "Europe/Dublin": N_("Dublin"),
    "Europe/Lisbon": N_("Lisbon"),
    "Europe/Paris": N_("Paris"),
    "Europe/Madrid": N_("Madrid"),
    "Europe/Rome": N_("Rome"),
    "Europe/Amsterdam": N_("Amsterdam"),
    "Europe/Warsaw": N_("Warsaw"),
    "Europe/Prague": N_("Prague"),
    "Europe/Istanbul": N_("Istanbul"),
    "America/Phoenix": N_("Phoenix"),
    "America/Vancouver": N_("Vancouver"),
    "America/Mexico_City": N_("Mexico City"),
    "America/Sao_Paulo": N_("São Paulo"),
    "America/Argentina/Buenos_Aires": N_("Buenos Aires"),
    "Australia/Melbourne": N_("Melbourne"),
    "Pacific/Auckland": N_("Auckland"),
    "Asia/Tokyo": N_("Tokyo"),
    "Asia/Seoul": N_("Seoul"),
    "Asia/Shanghai": N_("Shanghai"),
    "Asia/Hong_Kong": N_("Hong Kong"),
    "Asia/Singapore": N_("Singapore"),
    "Asia/Bangkok": N_("Bangkok"),
    "Asia/Dubai": N_("Dubai"),
    "Asia/Kolkata": N_("Kolkata"),
    "Asia/Jerusalem": N_("Jerusalem"),
    "America/St_Johns": N_("St. John's"),
    "Asia/Tehran": N_("Tehran"),
    "Asia/Kabul": N_("Kabul"),
    "Asia/Kathmandu": N_("Kathmandu"),
    "Asia/Yangon": N_("Yangon"),
    "Australia/Darwin": N_("Darwin"),
    "Australia/Lord_Howe": N_("Lord Howe Island"),
}
for _presets in PRESETS.values():
    _ZONE_NAMES.update((zone_name, label) for label, zone_name in _presets)

# What people type (case-folded, "ё" → "е"), Russian and English.
CITIES: dict[str, str] = {
    "москва": "Europe/Moscow",
    "moscow": "Europe/Moscow",
    "мск": "Europe/Moscow",
    "msk": "Europe/Moscow",
    "санкт-петербург": "Europe/Moscow",
    "петербург": "Europe/Moscow",
    "спб": "Europe/Moscow",
    "питер": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "st petersburg": "Europe/Moscow",
    "казань": "Europe/Moscow",
    "нижний новгород": "Europe/Moscow",
    "ростов-на-дону": "Europe/Moscow",
    "краснодар": "Europe/Moscow",
    "воронеж": "Europe/Moscow",
    "волгоград": "Europe/Volgograd",
    "калининград": "Europe/Kaliningrad",
    "kaliningrad": "Europe/Kaliningrad",
    "самара": "Europe/Samara",
    "samara": "Europe/Samara",
    "ижевск": "Europe/Samara",
    "саратов": "Europe/Saratov",
    "ульяновск": "Europe/Ulyanovsk",
    "екатеринбург": "Asia/Yekaterinburg",
    "yekaterinburg": "Asia/Yekaterinburg",
    "екб": "Asia/Yekaterinburg",
    "челябинск": "Asia/Yekaterinburg",
    "пермь": "Asia/Yekaterinburg",
    "уфа": "Asia/Yekaterinburg",
    "тюмень": "Asia/Yekaterinburg",
    "омск": "Asia/Omsk",
    "omsk": "Asia/Omsk",
    "новосибирск": "Asia/Novosibirsk",
    "novosibirsk": "Asia/Novosibirsk",
    "томск": "Asia/Tomsk",
    "барнаул": "Asia/Barnaul",
    "красноярск": "Asia/Krasnoyarsk",
    "krasnoyarsk": "Asia/Krasnoyarsk",
    "кемерово": "Asia/Novokuznetsk",
    "новокузнецк": "Asia/Novokuznetsk",
    "иркутск": "Asia/Irkutsk",
    "irkutsk": "Asia/Irkutsk",
    "чита": "Asia/Chita",
    "якутск": "Asia/Yakutsk",
    "владивосток": "Asia/Vladivostok",
    "vladivostok": "Asia/Vladivostok",
    "хабаровск": "Asia/Vladivostok",
    "магадан": "Asia/Magadan",
    "сахалин": "Asia/Sakhalin",
    "южно-сахалинск": "Asia/Sakhalin",
    "камчатка": "Asia/Kamchatka",
    "петропавловск-камчатский": "Asia/Kamchatka",
    "минск": "Europe/Minsk",
    "minsk": "Europe/Minsk",
    "алматы": "Asia/Almaty",
    "алма-ата": "Asia/Almaty",
    "almaty": "Asia/Almaty",
    "астана": "Asia/Almaty",
    "astana": "Asia/Almaty",
    "ташкент": "Asia/Tashkent",
    "tashkent": "Asia/Tashkent",
    "бишкек": "Asia/Bishkek",
    "bishkek": "Asia/Bishkek",
    "ереван": "Asia/Yerevan",
    "yerevan": "Asia/Yerevan",
    "тбилиси": "Asia/Tbilisi",
    "tbilisi": "Asia/Tbilisi",
    "баку": "Asia/Baku",
    "baku": "Asia/Baku",
    "киев": "Europe/Kyiv",
    "київ": "Europe/Kyiv",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "кишинев": "Europe/Chisinau",
    "chisinau": "Europe/Chisinau",
    "рига": "Europe/Riga",
    "riga": "Europe/Riga",
    "вильнюс": "Europe/Vilnius",
    "vilnius": "Europe/Vilnius",
    "таллин": "Europe/Tallinn",
    "tallinn": "Europe/Tallinn",
    "london": "Europe/London",
    "лондон": "Europe/London",
    "dublin": "Europe/Dublin",
    "lisbon": "Europe/Lisbon",
    "berlin": "Europe/Berlin",
    "берлин": "Europe/Berlin",
    "paris": "Europe/Paris",
    "париж": "Europe/Paris",
    "madrid": "Europe/Madrid",
    "rome": "Europe/Rome",
    "amsterdam": "Europe/Amsterdam",
    "warsaw": "Europe/Warsaw",
    "варшава": "Europe/Warsaw",
    "prague": "Europe/Prague",
    "прага": "Europe/Prague",
    "istanbul": "Europe/Istanbul",
    "стамбул": "Europe/Istanbul",
    "new york": "America/New_York",
    "nyc": "America/New_York",
    "нью-йорк": "America/New_York",
    "boston": "America/New_York",
    "washington": "America/New_York",
    "miami": "America/New_York",
    "chicago": "America/Chicago",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "denver": "America/Denver",
    "phoenix": "America/Phoenix",
    "los angeles": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "лос-анджелес": "America/Los_Angeles",
    "toronto": "America/Toronto",
    "vancouver": "America/Vancouver",
    "mexico city": "America/Mexico_City",
    "sao paulo": "America/Sao_Paulo",
    "buenos aires": "America/Argentina/Buenos_Aires",
    "sydney": "Australia/Sydney",
    "melbourne": "Australia/Melbourne",
    "auckland": "Pacific/Auckland",
    "tokyo": "Asia/Tokyo",
    "токио": "Asia/Tokyo",
    "seoul": "Asia/Seoul",
    "beijing": "Asia/Shanghai",
    "shanghai": "Asia/Shanghai",
    "пекин": "Asia/Shanghai",
    "hong kong": "Asia/Hong_Kong",
    "singapore": "Asia/Singapore",
    "bangkok": "Asia/Bangkok",
    "бангкок": "Asia/Bangkok",
    "dubai": "Asia/Dubai",
    "дубай": "Asia/Dubai",
    "delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "tel aviv": "Asia/Jerusalem",
    "тель-авив": "Asia/Jerusalem",
    "jerusalem": "Asia/Jerusalem",
    "utc": "UTC",
    "gmt": "UTC",
}

# Offsets that are not whole hours: a zone that keeps them all year.
_HALF_HOURS: dict[int, str] = {
    -210: "America/St_Johns",
    210: "Asia/Tehran",
    270: "Asia/Kabul",
    330: "Asia/Kolkata",
    345: "Asia/Kathmandu",
    390: "Asia/Yangon",
    570: "Australia/Darwin",
    630: "Australia/Lord_Howe",
}

_OFFSET_RE = re.compile(r"^(?:utc|gmt)?\s*([-+−])\s*(\d{1,2})(?:[:.]?(\d{2}))?$")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().casefold().replace("ё", "е"))


def offset_zone(minutes: int) -> str | None:
    """IANA zone for a fixed offset from UTC in minutes (``None`` if no such zone)."""
    if minutes == 0:
        return "UTC"
    if minutes % 60 == 0 and -12 * 60 <= minutes <= 14 * 60:
        hours = minutes // 60
        return f"Etc/GMT{-hours:+d}"  # POSIX sign: UTC+3 is Etc/GMT-3
    return _HALF_HOURS.get(minutes)


@cache
def _iana_names() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def parse_timezone(text: str) -> str | None:
    """A city (Russian or English), an IANA name, or an offset: ``"+3"``, ``"UTC-5"``,
    ``"GMT+05:30"``, ``"мск+4"`` (Moscow time plus hours)."""
    if len(text) > 60:
        return None
    s = _clean(text)
    if s in CITIES:
        return CITIES[s]
    if s.startswith(("мск", "msk")) and len(s) > 3:
        m = _OFFSET_RE.match(s[3:].strip())
        if m is not None:
            return _from_offset(m, base=180)
    m = _OFFSET_RE.match(s)
    if m is not None:
        return _from_offset(m, base=180 if s.startswith(("мск", "msk")) else 0)
    name = _iana_names().get(s.replace(" ", "_"))
    if name is not None:
        return name
    return None


def _from_offset(m: re.Match[str], base: int) -> str | None:
    sign = -1 if m.group(1) in "-−" else 1
    hours, minutes = int(m.group(2)), int(m.group(3) or 0)
    if hours > 14 or minutes >= 60:
        return None
    return offset_zone(base + sign * (hours * 60 + minutes))


def zone(name: str | None) -> tzinfo:
    """The user's zone; UTC when unset or unknown (a stored name from an older tz database)."""
    if not name:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def describe(name: str, moment: datetime) -> str:
    """``"Europe/Moscow (UTC+03:00)"`` at ``moment``; offsets-only zones as ``"UTC+03:00"``."""
    offset = moment.astimezone(zone(name)).utcoffset()
    total = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if total >= 0 else "-"
    label = f"UTC{sign}{abs(total) // 60:02d}:{abs(total) % 60:02d}"
    if name == "UTC" or name.startswith("Etc/"):
        return label
    return f"{name.replace('_', ' ')} ({label})"


def offset_label(minutes: int) -> str:
    """``UTC+3``, ``UTC-5``, ``UTC+5:30``: how people write offsets."""
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def display_name(name: str, moment: datetime) -> str:
    """A zone as people name it, localized: ``"Moscow (UTC+3)"``; fixed offsets as ``"UTC+3"``.

    Zones without a name of our own fall back to the city part of the IANA name."""
    offset = moment.astimezone(zone(name)).utcoffset()
    label = offset_label(int(offset.total_seconds() // 60) if offset is not None else 0)
    if name == "UTC" or name.startswith("Etc/"):
        return label
    city = _ZONE_NAMES.get(name)
    shown = _(city) if city is not None else name.rsplit("/", 1)[-1].replace("_", " ")
    return f"{shown} ({label})"
