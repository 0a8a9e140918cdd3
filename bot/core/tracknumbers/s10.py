"""UPU S10 reference data: service indicators, issuing posts, private suffixes.

Tables only; the logic that reads them lives in ``core.py``. Meanings are English msgids
(``N_``) translated when rendered.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from babel import Locale

from bot.core.tracknumbers.model import Trackability
from bot.i18n import N_


@dataclass(frozen=True, slots=True)
class ServiceClass:
    id: str
    meaning: str
    trackability: Trackability
    note: str | None = None


EMS = ServiceClass("ems", N_("EMS (express mail): tracked end to end"), Trackability.INTERNATIONAL)
PARCEL = ServiceClass("parcel", N_("parcel post: tracked end to end"), Trackability.INTERNATIONAL)
INSURED_PARCEL = ServiceClass(
    "insured_parcel", N_("insured parcel post: tracked end to end"), Trackability.INTERNATIONAL
)
ECOMMERCE = ServiceClass(
    "ecommerce", N_("e-commerce parcel: tracked end to end"), Trackability.INTERNATIONAL
)
REGISTERED = ServiceClass(
    "registered",
    N_("registered small packet: tracked end to end, signed for on delivery"),
    Trackability.INTERNATIONAL,
)
INSURED_LETTER = ServiceClass(
    "insured_letter", N_("insured letter post: tracked end to end"), Trackability.INTERNATIONAL
)
LETTER_EXPRESS = ServiceClass(
    "letter_express",
    N_(
        "tracked small packet (letter post express, e.g. ePacket): usually tracked, "
        "often no signature"
    ),
    Trackability.INTERNATIONAL,
    N_(
        "A number starting with L is not automatically untrackable: China Post ePacket numbers "
        "(LX…CN, LK…CN, LZ…CN) are tracked abroad too, just often without a signature on delivery."
    ),
)
UNREGISTERED = ServiceClass(
    "customs_letter",
    N_("letter post with a customs form: usually only scanned in the origin country"),
    Trackability.ORIGIN_ONLY,
    N_(
        "Numbers starting with U are usually scanned only before the parcel leaves the origin "
        "country; no news after that is normal for this class, not a sign of loss."
    ),
)
MBAG = ServiceClass(
    "m_bag", N_("M bag (printed matter): very little tracking"), Trackability.ORIGIN_ONLY
)
REPLY = ServiceClass(
    "business_reply",
    N_("international business reply: not a parcel service"),
    Trackability.UNKNOWN,
)
DOMESTIC = ServiceClass(
    "domestic",
    N_("domestic or bilateral use: tracking depends on the operator"),
    Trackability.UNKNOWN,
)
UNASSIGNED = ServiceClass(
    "unassigned",
    N_("not assigned by the S10 standard"),
    Trackability.UNKNOWN,
)

# (first letter, second letters, class), from the S10-12 (2017) table. First letters J, K, S, T,
# W are reserved and never assigned: such a number is not S10 at all (see RESERVED_FIRST).
_ALL = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
SERVICE_RANGES: tuple[tuple[str, str, ServiceClass], ...] = (
    ("E", _ALL, EMS),
    ("C", _ALL.replace("V", ""), PARCEL),
    ("C", "V", INSURED_PARCEL),
    ("H", _ALL, ECOMMERCE),
    ("R", _ALL, REGISTERED),
    ("V", _ALL, INSURED_LETTER),
    ("L", _ALL, LETTER_EXPRESS),
    ("U", _ALL, UNREGISTERED),
    ("M", _ALL, MBAG),
    ("Q", "ABCDEFGHIJKLM", REPLY),
    ("A", "VWXYZ", DOMESTIC),
    ("B", _ALL, DOMESTIC),
    ("D", _ALL, DOMESTIC),
    ("G", "AD", DOMESTIC),
    ("N", _ALL, DOMESTIC),
    ("P", _ALL, DOMESTIC),
    ("Z", _ALL, DOMESTIC),
)
RESERVED_FIRST = frozenset("JKSTW")

SERVICE_BY_CODE: dict[str, ServiceClass] = {
    first + second: cls for first, seconds, cls in SERVICE_RANGES for second in seconds
}


def service_class(code: str) -> ServiceClass:
    return SERVICE_BY_CODE.get(code, UNASSIGNED)


@dataclass(frozen=True, slots=True)
class Post:
    slug: str
    name: str  # English msgid or brand, translated when shown
    url: str | None = None  # "{n}" is replaced by the number; None when we know no stable URL


# Issuing posts with a name we show (an English msgid where Russian has its own name; brands
# stay as they are); other ISO countries get "post_<cc>" and "the national post of <country>".
# URLs only where the post has a stable deep link or tracking page.
POSTS: dict[str, Post] = {
    "CN": Post("china_post", N_("China Post")),
    "RU": Post("russian_post", N_("Russian Post"), "https://www.pochta.ru/tracking?barcode={n}"),
    "SG": Post("singapore_post", N_("Singapore Post"), "https://www.singpost.com/track-items"),
    "NL": Post("postnl", "PostNL"),
    "HK": Post(
        "hongkong_post",
        N_("Hongkong Post"),
        "https://www.hongkongpost.hk/en/mail_tracking/index.html",
    ),
    "LV": Post("latvijas_pasts", N_("Latvijas Pasts")),
    "LT": Post("lietuvos_pastas", N_("Lietuvos paštas")),
    "EE": Post("omniva", "Omniva"),
    "FI": Post("posti", "Posti", "https://www.posti.fi/fi/seuranta#/lahetys/{n}"),
    "SE": Post("postnord_se", N_("PostNord Sweden")),
    "DK": Post("postnord_dk", N_("PostNord Denmark")),
    "NO": Post("posten_norge", N_("Posten Norge")),
    "GB": Post(
        "royal_mail",
        "Royal Mail",
        "https://www.royalmail.com/track-your-item#/tracking-results/{n}",
    ),
    "US": Post("usps", "USPS", "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}"),
    "CA": Post(
        "canada_post",
        N_("Canada Post"),
        "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
    ),
    "AU": Post("australia_post", N_("Australia Post")),
    "DE": Post("deutsche_post", "Deutsche Post"),
    "FR": Post("la_poste", "La Poste"),
    "ES": Post("correos", "Correos"),
    "IT": Post("poste_italiane", "Poste Italiane"),
    "BE": Post("bpost", "bpost"),
    "CH": Post("swiss_post", N_("Swiss Post")),
    "AT": Post("austrian_post", N_("Österreichische Post")),
    "PL": Post("poczta_polska", N_("Poczta Polska")),
    "CZ": Post("ceska_posta", N_("Česká pošta")),
    "UA": Post(
        "ukrposhta", N_("Ukrposhta"), "https://track.ukrposhta.ua/tracking_UA.html?barcode={n}"
    ),
    "BY": Post("belpost", N_("Belpost")),
    "KZ": Post("kazpost", N_("Kazpost")),
    "UZ": Post("uzpost", N_("Uzbekiston pochtasi")),
    "JP": Post(
        "japan_post",
        N_("Japan Post"),
        "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1={n}&locale=en",
    ),
    "KR": Post("korea_post", N_("Korea Post")),
    "TW": Post("chunghwa_post", N_("Chunghwa Post")),
    "MY": Post("pos_malaysia", N_("Pos Malaysia")),
    "TH": Post("thailand_post", N_("Thailand Post")),
    "IL": Post("israel_post", N_("Israel Post")),
    "TR": Post("ptt", "PTT"),
    "BR": Post("correios_brazil", "Correios"),
    "IN": Post("india_post", N_("India Post")),
}

# Suffixes that are not countries but a carrier's own S10-shaped numbers.
PRIVATE_SUFFIXES: dict[str, tuple[str, str]] = {
    "YP": ("yanwen", "Yanwen"),
    "YN": ("yanwen", "Yanwen"),
}

# Babel knows some codes that no post uses (EU, UN, XK, ZZ, the X* private-use block ...).
_NOT_POSTAL = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"})


@cache
def iso_countries() -> frozenset[str]:
    codes = [str(code) for code in Locale.parse("en").territories]
    return frozenset(
        code for code in codes if len(code) == 2 and code.isalpha() and code not in _NOT_POSTAL
    )


@cache
def country_name(code: str, language: str) -> str:
    try:
        return str(Locale.parse(language).territories.get(code, code))
    except (ValueError, LookupError):
        return code
