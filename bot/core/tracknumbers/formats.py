"""The format table: one row per number shape. Extend it here; the logic never changes.

Patterns match the *compact* number (upper case, separators removed) in full. Named groups:
``serial`` and ``check`` for formats with a check digit (the serial is what the checksum runs
over), ``svc``/``cc`` for S10-shaped numbers. ``length`` bounds the compact length and is used to
dispatch quickly, so keep it in step with the pattern.

Sources: the UPU S10 standard, the project's domain brief (community knowledge about carriers seen
on AliExpress orders) and the public tracking_number_data definitions (MIT) for couriers'
shapes and checksum kinds. Community formats carry a lower ``prior``: we say "looks like".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.core.tracknumbers.model import Kind
from bot.core.tracknumbers.model import Trackability as T
from bot.i18n import N_

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Format:
    id: str
    carrier: str
    name: str
    pattern: str
    length: tuple[int, int]
    trackability: T
    prior: float
    checksum: str | None = None
    params: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    # (regex, text): prepend ``text`` to the serial when it matches ``regex`` before checking.
    serial_prefix: tuple[str, str] | None = None
    # No distinctive letters: collides with other shapes, so never trusted on its own.
    broad: bool = False
    # Broad, yet the reading a user most likely means: a whole number of this shape whose check
    # digit fails is reported as a typo (not silently left to a weak catch-all shape).
    report_wrong_check: bool = False
    url: str | None = None  # the carrier's own tracking page, "{n}" = number
    cainiao: bool = False  # also tracked on Cainiao's global site (China-origin carriers)
    russian_post: bool = False  # also tracked by Russian Post (bound for Russia)
    kind: Kind = Kind.CARRIER
    note: str | None = None
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    prefix_re: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(self.pattern))
        object.__setattr__(
            self,
            "prefix_re",
            re.compile(self.serial_prefix[0]) if self.serial_prefix else None,
        )


_USPS = "https://tools.usps.com/go/TrackConfirmAction?tLabels={n}"
_FEDEX = "https://www.fedex.com/apps/fedextrack/?tracknumbers={n}"
_DHL = "https://www.dhl.com/en/express/tracking.html?brand=DHL&AWB={n}"
_UPS = "https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums={n}"
_DPD = "https://www.dpdgroup.com/nl/mydpd/my-parcels/track?lang=en&parcelNumber={n}"
_ONTRAC = "https://www.ontrac.com/tracking/?number={n}"
_PUROLATOR = "https://www.purolator.com/en/shipping/tracker?searchValue={n}"
_ODFL = "https://www.odfl.com/us/en/tools/trace-track-ltl-freight/trace.html?proNumbers={n}"
_MOD10_31 = MappingProxyType({"evens": 3, "odds": 1})
_MOD10_13 = MappingProxyType({"evens": 1, "odds": 3})
_MOD10_12 = MappingProxyType({"evens": 1, "odds": 2})
_FEDEX_W11 = MappingProxyType({"weights": (3, 1, 7) * 3 + (3, 1), "mod1": 11, "mod2": 10})
_FEDEX_W13 = MappingProxyType({"weights": (1, 7, 3) * 4 + (1,), "mod1": 11, "mod2": 10})
_USPS_ROUTING = r"(?:420\d{5}(?:\d{4}(?=\d{22}$))?)?"

_NOTE_LOCAL = N_(
    "Digits-only numbers like this usually work only inside the origin country. Ask the seller "
    "for the international number: 2 letters, 9 digits, 2 letters."
)
_NOTE_LAST_MILE = N_(
    "This is a delivery company's own number: it shows the parcel inside that company's network, "
    "usually the last part of the journey."
)

# fmt: off
FORMATS: tuple[Format, ...] = (
    # --- UPU S10 -------------------------------------------------------------------------------
    Format(
        "s10", "s10", "UPU S10",
        r"(?P<svc>[A-Z]{2})(?P<serial>\d{8})(?P<check>\d)(?P<cc>[A-Z]{2})", (13, 13),
        T.INTERNATIONAL, 0.95, checksum="s10", kind=Kind.S10,
    ),
    # --- Chinese consolidators and carriers seen on AliExpress orders -------------------------
    Format(
        "cainiao_lp", "cainiao", N_("Cainiao (AliExpress logistics order)"), r"LP\d{14}", (16, 16),
        T.INTERNATIONAL, 0.85, cainiao=True,
        note=N_(
            "LP… is Cainiao's logistics order number. Cainiao tracks it; the post in your country "
            "may use a different number, which Cainiao shows once it is assigned."
        ),
    ),
    Format(
        "cainiao_s", "cainiao", "Cainiao", r"S\d{12}", (13, 13), T.INTERNATIONAL, 0.6, cainiao=True,
    ),
    Format(
        "cainiao_23", "cainiao", N_("Cainiao (domestic China)"), r"\d{23}", (23, 23),
        T.LOCAL_ONLY, 0.4, broad=True, cainiao=True, note=_NOTE_LOCAL,
    ),
    Format(
        "cainiao_relay_lv", "cainiao", N_("Cainiao via Latvian Post"),
        r"ZA(?P<serial>\d{8})(?P<check>\d)LV", (13, 13), T.INTERNATIONAL, 0.8, checksum="s10",
        cainiao=True, russian_post=True,
    ),
    Format(
        "cainiao_relay_hk", "cainiao", N_("Cainiao via Hongkong Post"),
        r"(?:RV|UA|ZA|ZH|ZN)(?P<serial>\d{8})(?P<check>\d)HK", (13, 13), T.INTERNATIONAL, 0.7,
        checksum="s10", cainiao=True, russian_post=True,
    ),
    Format(
        "cainiao_aeca", "cainiao", N_("Cainiao (AliExpress Standard to Russia)"), r"AECA\d{10}RU2",
        (17, 17), T.INTERNATIONAL, 0.8, cainiao=True, russian_post=True,
    ),
    Format(
        "yunexpress", "yunexpress", "YunExpress", r"YT\d{16}", (18, 18), T.INTERNATIONAL, 0.8,
        url="https://www.yuntrack.com/parcelTracking?id={n}", cainiao=True,
    ),
    Format(
        "yto_domestic", "yto", N_("YTO Express (domestic China)"), r"Y[TK]\d{13,16}", (15, 18),
        T.LOCAL_ONLY, 0.15, cainiao=True, note=_NOTE_LOCAL,
    ),
    Format(
        "4px", "4px", "4PX", r"4PX[0-9A-Z]{16}", (19, 19), T.INTERNATIONAL, 0.8,
        url="https://track.4px.com/#/result/0/{n}", cainiao=True,
    ),
    Format(
        "4px_p", "4px", "4PX", r"P000000\d{6}", (13, 13), T.UNKNOWN, 0.5,
        url="https://track.4px.com/#/result/0/{n}", cainiao=True,
    ),
    Format(
        "sf_express_12", "sf_express", "SF Express", r"\d{12}", (12, 12), T.LOCAL_ONLY, 0.3,
        broad=True, cainiao=True, note=_NOTE_LOCAL,
    ),
    Format(
        "sf_express_sf", "sf_express", "SF Express", r"SF\d{13}", (15, 15), T.INTERNATIONAL, 0.8,
        cainiao=True,
    ),
    Format(
        "jt_express", "jt_express", "J&T Express", r"JNTCU\d{10}YQ", (17, 17), T.UNKNOWN, 0.5,
        cainiao=True,
    ),
    Format(
        "sky56", "sky56", "Sky56 (PostNL)", r"NL\d{14}", (16, 16), T.INTERNATIONAL, 0.7,
    ),
    # --- Russia: last mile for many AliExpress buyers -----------------------------------------
    Format(
        "russian_post_rpo", "russian_post", N_("Russian Post (domestic)"),
        r"(?P<serial>\d{13})(?P<check>\d)", (14, 14), T.ORIGIN_ONLY, 0.7, checksum="russian_post",
        broad=True, report_wrong_check=True, url="https://www.pochta.ru/tracking?barcode={n}",
        note=N_("A domestic Russian Post number: it is tracked on the Russian Post site."),
    ),
    Format(
        "boxberry", "boxberry", "Boxberry", r"0000\d{9}", (13, 13), T.ORIGIN_ONLY, 0.5,
        url="https://boxberry.ru/tracking-page?id={n}",
        note=N_("Other Russian couriers (IML, for one) also use 13-digit numbers."),
    ),
    Format(
        "boxberry_alpha", "boxberry", "Boxberry", r"(?:ABR|AFOX|AAQ|ALP)\d{9}", (12, 13),
        T.ORIGIN_ONLY, 0.7, url="https://boxberry.ru/tracking-page?id={n}",
    ),
    Format(
        "cdek", "cdek", N_("CDEK"), r"1\d{9}", (10, 10), T.ORIGIN_ONLY, 0.35, broad=True,
        url="https://www.cdek.ru/ru/tracking?order_id={n}",
    ),
    # --- Couriers of the public tracking_number_data set (last mile, express) -----------------
    Format(
        "amazon_logistics", "amazon", "Amazon Logistics", r"TB[ACM]\d{12}", (15, 15),
        T.ORIGIN_ONLY, 0.85, note=_NOTE_LAST_MILE,
    ),
    Format(
        "amazon_international", "amazon", "Amazon International", r"[AFC]\d{10}", (11, 11),
        T.INTERNATIONAL, 0.4,
    ),
    Format(
        "canada_post", "canada_post", N_("Canada Post"), r"(?P<serial>\d{15})(?P<check>\d)",
        (16, 16), T.ORIGIN_ONLY, 0.5, checksum="mod10", params=_MOD10_31, broad=True,
        url="https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={n}",
        note=_NOTE_LAST_MILE,
    ),
    Format(
        "canpar_22", "canpar", "Canpar", r"[CDKLSUXZ]\d{21}", (22, 22), T.ORIGIN_ONLY, 0.6,
        url="https://www.canpar.com/en/track/tracking.jsp?reference={n}&locale=en",
        note=_NOTE_LAST_MILE,
    ),
    Format(
        "dhl_express", "dhl", "DHL Express", r"(?P<serial>\d{9,10})(?P<check>\d)", (10, 11),
        T.INTERNATIONAL, 0.5, checksum="mod7", broad=True, url=_DHL,
    ),
    Format(
        "dhl_express_piece_id", "dhl", N_("DHL Express (piece ID)"), r"J[A-Z]{2,3}\d{9,10}",
        (12, 14), T.INTERNATIONAL, 0.6, url=_DHL,
    ),
    Format(
        "dhl_ecommerce", "dhl", "DHL eCommerce",
        r"(?:GM|LX|RX|UV|CN|SG|TH|IN|HK|MY)(?=[A-Z]*\d)[0-9A-Z]{10,39}", (12, 41),
        T.INTERNATIONAL, 0.1, url=_DHL,
    ),
    Format(
        "dhl_ecommerce_14", "dhl", "DHL eCommerce", r"\d{14}", (14, 14), T.INTERNATIONAL, 0.25,
        broad=True, url=_DHL,
    ),
    Format(
        "dpd", "dpd", "DPD", r"(?P<serial>\d{27})(?P<check>[0-9A-Z])", (28, 28), T.ORIGIN_ONLY, 0.7,
        checksum="mod37_36", url=_DPD, note=_NOTE_LAST_MILE,
    ),
    Format(
        "dpd_14", "dpd", "DPD", r"(?P<serial>\d{14})(?P<check>[0-9A-Z])", (15, 15), T.ORIGIN_ONLY,
        0.5, checksum="mod37_36", broad=True, url=_DPD, note=_NOTE_LAST_MILE,
    ),
    Format(
        "fedex_12", "fedex", "FedEx Express", r"(?P<serial>\d{11})(?P<check>\d)", (12, 12),
        T.INTERNATIONAL, 0.5, checksum="weighted_mod", params=_FEDEX_W11, broad=True, url=_FEDEX,
    ),
    Format(
        "fedex_34", "fedex", "FedEx Express", r"[0-8]\d{14}\d{5}(?P<serial>\d{13})(?P<check>\d)",
        (34, 34), T.INTERNATIONAL, 0.6, checksum="weighted_mod", params=_FEDEX_W13, broad=True,
        url=_FEDEX,
    ),
    Format(
        "fedex_astra_32", "fedex", N_("FedEx Express (ASTRA barcode)"),
        r"3\d{15}(?P<serial>\d{11})(?P<check>\d)\d{4}", (32, 32), T.INTERNATIONAL, 0.5,
        checksum="weighted_mod", params=_FEDEX_W11, broad=True, url=_FEDEX,
    ),
    Format(
        "fedex_ground", "fedex", "FedEx Ground", r"(?P<serial>\d{14})(?P<check>\d)", (15, 15),
        T.ORIGIN_ONLY, 0.5, checksum="mod10", params=_MOD10_13, broad=True, url=_FEDEX,
        note=_NOTE_LAST_MILE,
    ),
    Format(
        "fedex_ground_sscc_18", "fedex", N_("FedEx Ground (SSCC-18)"),
        r"\d{2}(?P<serial>\d{15})(?P<check>\d)", (18, 18), T.ORIGIN_ONLY, 0.5, checksum="mod10",
        params=_MOD10_31, broad=True, url=_FEDEX, note=_NOTE_LAST_MILE,
    ),
    Format(
        "fedex_ground_96", "fedex", "FedEx Ground", r"96\d{5}(?P<serial>\d{14})(?P<check>\d)",
        (22, 22), T.ORIGIN_ONLY, 0.6, checksum="mod10", params=_MOD10_13, broad=True, url=_FEDEX,
        note=_NOTE_LAST_MILE,
    ),
    Format(
        "fedex_ground_gsn", "fedex", "FedEx Ground", r"96\d{18}(?P<serial>\d{13})(?P<check>\d)",
        (34, 34), T.ORIGIN_ONLY, 0.6, checksum="weighted_mod", params=_FEDEX_W13, broad=True,
        url=_FEDEX, note=_NOTE_LAST_MILE,
    ),
    Format(
        "gofo_us", "gofo", "GOFO Express", r"GFUS\d{14}", (18, 18), T.ORIGIN_ONLY, 0.85,
        url="https://www.gofoexpress.com/tracking.html?searchID={n}", note=_NOTE_LAST_MILE,
    ),
    Format(
        "landmark_global", "landmark", "Landmark Global", r"LTN\d{8}N1", (13, 13),
        T.INTERNATIONAL, 0.85, url="https://track.landmarkglobal.com/?search={n}",
    ),
    Format(
        "lasership_lx", "lasership", "LaserShip", r"L[AIEHNX][1-3]\d{7}", (10, 10), T.ORIGIN_ONLY,
        0.6, note=_NOTE_LAST_MILE,
    ),
    Format(
        "lasership_1ls7", "lasership", "LaserShip", r"1LS7[12]\d{10}", (15, 15), T.ORIGIN_ONLY,
        0.8, note=_NOTE_LAST_MILE,
    ),
    Format(
        "lasership_1ls7_18", "lasership", "LaserShip", r"1LS7[12]\d{2}01[1-4]\d{6}1", (17, 17),
        T.ORIGIN_ONLY, 0.8, note=_NOTE_LAST_MILE,
    ),
    Format(
        "lasership_1lscx", "lasership", "LaserShip", r"1LSCX[0-9A-Z]{10}", (15, 15),
        T.ORIGIN_ONLY, 0.8, note=_NOTE_LAST_MILE,
    ),
    Format(
        "old_dominion", "old_dominion", "Old Dominion Freight Line",
        r"(?P<serial>(?:77[78]|072|780)\d{7})(?P<check>\d)", (11, 11), T.ORIGIN_ONLY, 0.4,
        checksum="luhn", broad=True, url=_ODFL,
    ),
    Format(
        "old_dominion_guaranteed", "old_dominion", "Old Dominion Freight Line",
        r"(?P<serial>80\d{8})(?P<check>\d)", (11, 11), T.ORIGIN_ONLY, 0.4, checksum="luhn",
        broad=True, url=_ODFL,
    ),
    Format(
        "ontrac_c", "ontrac", "OnTrac", r"C(?P<serial>\d{13})(?P<check>\d)", (15, 15),
        T.ORIGIN_ONLY, 0.8, checksum="mod10", params=_MOD10_12, serial_prefix=(r"^(?!4)", "4"),
        url=_ONTRAC, note=_NOTE_LAST_MILE,
    ),
    Format(
        "ontrac_d", "ontrac", "OnTrac", r"D(?P<serial>\d{13})(?P<check>\d)", (15, 15),
        T.ORIGIN_ONLY, 0.8, checksum="mod10", params=_MOD10_12, serial_prefix=(r"^(?!5)", "5"),
        url=_ONTRAC, note=_NOTE_LAST_MILE,
    ),
    Format(
        "purolator_numeric", "purolator", "Purolator", r"(?P<serial>[0-5]\d{10})(?P<check>\d)",
        (12, 12), T.ORIGIN_ONLY, 0.45, checksum="luhn", broad=True, url=_PUROLATOR,
        note=_NOTE_LAST_MILE,
    ),
    Format(
        "purolator_alpha", "purolator", "Purolator", r"[A-Z]{3}\d{9}", (12, 12), T.ORIGIN_ONLY,
        0.35, url=_PUROLATOR, note=_NOTE_LAST_MILE,
    ),
    Format(
        "speedee", "speedee", "Spee-Dee Delivery", r"SP\d{18}", (20, 20), T.ORIGIN_ONLY, 0.8,
        url="https://www.speedeedelivery.com/track/?tracking={n}", note=_NOTE_LAST_MILE,
    ),
    Format(
        "ups", "ups", "UPS", r"1Z(?P<serial>[0-9A-Z]{15})(?P<check>\d)", (18, 18),
        T.INTERNATIONAL, 0.95, checksum="mod10", params=_MOD10_12, url=_UPS,
    ),
    Format(
        "ups_waybill", "ups", "UPS", r"[AHJKTV](?P<serial>\d{9})(?P<check>\d)", (11, 11),
        T.INTERNATIONAL, 0.5, checksum="mod10", params=_MOD10_12, url=_UPS,
    ),
    Format(
        "usps_20", "usps", "USPS", r"(?P<serial>\d{19})(?P<check>\d)", (20, 20), T.ORIGIN_ONLY, 0.6,
        checksum="mod10", params=_MOD10_31, broad=True, url=_USPS, note=_NOTE_LAST_MILE,
    ),
    Format(
        "usps_impb_n", "usps", "USPS",
        r"(?:420\d{5}(?=\d{22}$|\d{26}$)(?:\d{4}(?=\d{22}$))?)?"
        r"(?P<serial>94\d{3}"
        r"(?=9\d{8}(?:\d{15}|\d{11}|\d{7})\d$|[0-8]\d{5}(?:\d{14}|\d{10})\d$)"
        r"(?:9\d{8}|[0-8]\d{5})(?:\d{15}|\d{14}|\d{11}|\d{10}|\d{7}))(?P<check>\d)",
        (22, 34), T.ORIGIN_ONLY, 0.7, checksum="mod10",
        params=MappingProxyType({"evens": 3, "odds": 1, "reverse": True}), broad=True, url=_USPS,
        note=_NOTE_LAST_MILE,
    ),
    Format(
        "usps_legacy", "usps", "USPS",
        r"(?:420\d{5}(?:\d{4})?)?(?P<serial>(?:91)?\d{19})(?P<check>\d)", (20, 34),
        T.ORIGIN_ONLY, 0.55, checksum="mod10", params=_MOD10_31, serial_prefix=(r"^(?!91)", "91"),
        broad=True, url=_USPS, note=_NOTE_LAST_MILE,
    ),
    Format(
        "usps_impb_c", "usps", "USPS",
        _USPS_ROUTING + r"(?P<serial>(?:92(?=\d{3}9)|93(?=\d{3}[0-8])|95)\d{3}"
        r"(?=9\d{8}(?:\d{11}|\d{7})\d$|[0-8]\d{5}(?:\d{14}|\d{10})\d$)"
        r"(?:9\d{8}|[0-8]\d{5})(?:\d{14}|\d{11}|\d{10}|\d{7}))(?P<check>\d)",
        (22, 34), T.ORIGIN_ONLY, 0.7, checksum="mod10", params=_MOD10_31, broad=True, url=_USPS,
        note=_NOTE_LAST_MILE,
    ),
    Format(
        "yodel", "yodel", "Yodel", r"JJ?D\d{16}", (18, 19), T.ORIGIN_ONLY, 0.8,
        url="https://www.yodel.co.uk/tracking/{n}", note=_NOTE_LAST_MILE,
    ),
)
# fmt: on

MIN_LEN = min(f.length[0] for f in FORMATS)
MAX_LEN = max(f.length[1] for f in FORMATS)


_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _in_chars(arg: Any) -> set[str]:
    """The characters of one ``[...]`` set (all of them when unsure)."""
    from re import _constants as c  # type: ignore[attr-defined]

    out: set[str] = set()
    for sub_op, sub_arg in arg:
        if sub_op is c.LITERAL:
            out.add(chr(sub_arg))
        elif sub_op is c.RANGE:
            out.update(chr(x) for x in range(sub_arg[0], sub_arg[1] + 1))
        elif sub_op is c.CATEGORY and sub_arg is c.CATEGORY_DIGIT:
            out.update("0123456789")
        else:
            return set(_ALPHABET)
    return out


# How many leading characters the dispatch looks at: two tells most shapes apart ("LP", "YT",
# "1Z", an S10 service code) so that few formats, often one, are tried per candidate.
PREFIX_LEN = 2


def _concat(heads: set[str], tails: set[str], k: int) -> set[str]:
    return {(h + t)[:k] if len(h) < k else h for h in heads for t in tails}


def _prefixes(items: Any, k: int) -> set[str] | None:
    """Every prefix (up to ``k`` characters; shorter ones end the pattern) that a parsed pattern
    can start with, or None when unsure (then any prefix)."""
    from re import _constants as c  # type: ignore[attr-defined]

    out = {""}
    for op, arg in items:
        if all(len(p) >= k for p in out):
            break
        item: set[str] | None
        if op is c.LITERAL:
            item = {chr(arg)}
        elif op is c.IN:
            item = _in_chars(arg)
        elif op is c.ASSERT or op is c.ASSERT_NOT or op is c.AT:
            continue  # consumes nothing (lookarounds only narrow: a superset stays correct)
        elif op is c.SUBPATTERN:
            item = _prefixes(arg[-1], k)
        elif op is c.BRANCH:
            branches = [_prefixes(branch, k) for branch in arg[1]]
            if any(b is None for b in branches):
                return None
            item = set().union(*branches)  # type: ignore[arg-type]
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            low, high, body = arg
            one = _prefixes(body, k)
            if one is None:
                return None
            item = {""} if low == 0 else set()
            reps = {""}
            for count in range(1, min(high, k + 1 + low) + 1):
                reps = _concat(reps, one, k)
                if count >= low:
                    item |= reps
                if all(len(r) >= k for r in reps):
                    item |= reps
                    break
        else:
            return None
        if item is None:
            return None
        out = _concat(out, item, k)
    return out


def _chars(items: Any) -> set[str]:
    """Every character a parsed pattern can consume (lookarounds consume none)."""
    from re import _constants as c  # type: ignore[attr-defined]

    out: set[str] = set()
    for op, arg in items:
        if op is c.LITERAL:
            out.add(chr(arg))
        elif op is c.IN:
            out |= _in_chars(arg)
        elif op is c.SUBPATTERN:
            out |= _chars(arg[-1])
        elif op is c.BRANCH:
            for branch in arg[1]:
                out |= _chars(branch)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            out |= _chars(arg[2])
        elif op not in (c.ASSERT, c.ASSERT_NOT, c.AT):
            return set(_ALPHABET)
    return out


def _dispatch() -> dict[tuple[int, str], tuple[Format, ...]]:
    """(length, first ``PREFIX_LEN`` characters) -> the formats worth trying, in table order."""
    from re import _parser  # type: ignore[attr-defined]

    every = [a + b for a in _ALPHABET for b in _ALPHABET]
    table: dict[tuple[int, str], list[Format]] = {}
    for fmt in FORMATS:
        starts = _prefixes(_parser.parse(fmt.pattern), PREFIX_LEN)
        assert starts is None or all(len(p) == PREFIX_LEN for p in starts), fmt.id
        for n in range(fmt.length[0], fmt.length[1] + 1):
            for prefix in sorted(every if starts is None else starts):
                table.setdefault((n, prefix), []).append(fmt)
    return {key: tuple(fmts) for key, fmts in table.items()}


def _digits_only(fmt: Format) -> bool:
    from re import _parser  # type: ignore[attr-defined]

    return _chars(_parser.parse(fmt.pattern)) <= set("0123456789")


DISPATCH: Mapping[tuple[int, str], tuple[Format, ...]] = MappingProxyType(_dispatch())
# Formats whose numbers are all digits: never tried on a candidate that holds a letter.
DIGITS_ONLY: frozenset[str] = frozenset(f.id for f in FORMATS if _digits_only(f))
