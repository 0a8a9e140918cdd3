"""The explainer against the domain brief: S10 rules, carrier shapes, normalisation, verdicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.tracknumbers import (
    FORMATS,
    CheckDigit,
    Kind,
    Trackability,
    analyze,
    find_numbers,
)
from bot.core.tracknumbers.checksums import russian_post, s10
from bot.core.tracknumbers.render import render_block
from bot.core.tracknumbers.s10 import SERVICE_BY_CODE, service_class


def _s10(service: str, serial: str, country: str) -> str:
    return f"{service}{serial}{s10(serial)}{country}"


def test_s10_check_digit_example_from_the_standard() -> None:
    assert s10("47312482") == "9"
    a = analyze("AA473124829GB")
    assert a.best.kind is Kind.S10 and a.best.check_digit is CheckDigit.VALID


@pytest.mark.parametrize(("serial", "expected"), [("00000000", "5"), ("00000001", "4")])
def test_s10_check_digit_special_cases(serial: str, expected: str) -> None:
    # sum mod 11 == 0 gives 11 -> 5; the 10 -> 0 case is exercised by the brute-force test.
    assert s10(serial) == expected


def test_s10_check_digit_ten_maps_to_zero() -> None:
    serial = next(
        f"{i:08d}"
        for i in range(10**5)
        if 11
        - sum(int(d) * w for d, w in zip(f"{i:08d}", (8, 6, 4, 2, 3, 5, 9, 7), strict=True)) % 11
        == 10
    )
    assert s10(serial) == "0"


@pytest.mark.parametrize(
    ("service", "trackability"),
    [
        ("EA", Trackability.INTERNATIONAL), ("EZ", Trackability.INTERNATIONAL),
        ("CA", Trackability.INTERNATIONAL), ("CV", Trackability.INTERNATIONAL),
        ("HA", Trackability.INTERNATIONAL), ("RA", Trackability.INTERNATIONAL),
        ("RZ", Trackability.INTERNATIONAL), ("VA", Trackability.INTERNATIONAL),
        ("LX", Trackability.INTERNATIONAL), ("LA", Trackability.INTERNATIONAL),
        ("UA", Trackability.ORIGIN_ONLY), ("UZ", Trackability.ORIGIN_ONLY),
        ("MA", Trackability.ORIGIN_ONLY), ("QA", Trackability.UNKNOWN),
        ("QM", Trackability.UNKNOWN), ("AV", Trackability.UNKNOWN), ("AZ", Trackability.UNKNOWN),
        ("BA", Trackability.UNKNOWN), ("DA", Trackability.UNKNOWN), ("GA", Trackability.UNKNOWN),
        ("GD", Trackability.UNKNOWN), ("NA", Trackability.UNKNOWN), ("PZ", Trackability.UNKNOWN),
        ("ZZ", Trackability.UNKNOWN),
    ],
)  # fmt: skip
def test_service_indicator_table(service: str, trackability: Trackability) -> None:
    a = analyze(_s10(service, "12345678", "GB"))
    s10_reading = next(i for i in a.interpretations if i.kind is Kind.S10)
    assert s10_reading.service_code == service
    assert s10_reading.trackability is trackability
    assert s10_reading.service_meaning


def test_cv_is_insured_parcel_and_unlisted_codes_are_unassigned() -> None:
    assert SERVICE_BY_CODE["CV"].id == "insured_parcel"
    assert service_class("QN").id == "unassigned"
    assert service_class("AA").id == "unassigned"
    assert service_class("GB").id == "unassigned"


@pytest.mark.parametrize("first", list("JKSTW"))
def test_reserved_first_letters_are_not_s10(first: str) -> None:
    a = analyze(_s10(first + "A", "12345678", "CN"))
    assert all(i.kind is not Kind.S10 for i in a.interpretations)


def test_wrong_check_digit_says_which_digit_we_expected() -> None:
    a = analyze("RB123456786US")
    assert a.verdict is Trackability.INVALID
    assert a.best.check_digit is CheckDigit.INVALID
    assert a.best.expected_check_digit == "5"
    assert a.to_json()["expected_check_digit"] == "5"


@pytest.mark.parametrize(
    ("number", "carrier", "country"),
    [
        ("LX299455986CN", "china_post", "CN"),
        ("RI937765505CN", "china_post", "CN"),
        ("RF622875135CN", "china_post", "CN"),
        ("RS804446736NL", "postnl", "NL"),
        ("RF427233044SG", "singapore_post", "SG"),
        ("RB123456785CV", "post_cv", "CV"),
    ],
)
def test_brief_s10_examples(number: str, carrier: str, country: str) -> None:
    a = analyze(number)
    assert (a.best.kind, a.best.carrier, a.best.issuing_country) == (Kind.S10, carrier, country)
    assert a.best.check_digit is CheckDigit.VALID
    assert a.verdict is Trackability.INTERNATIONAL


def test_l_numbers_are_not_untrackable_and_the_folk_belief_is_corrected() -> None:
    a = analyze("LX299455986CN")
    assert a.verdict is Trackability.INTERNATIONAL
    assert any("not automatically untrackable" in note for note in a.best.notes)


@pytest.mark.parametrize("number", ["UA846098317YP", "UR848385766YP", "AC550032883YN"])
def test_yanwen_private_suffix(number: str) -> None:
    a = analyze(number)
    assert a.best.carrier == "yanwen"
    assert a.best.issuing_country is None
    assert a.best.check_digit is CheckDigit.VALID


def test_unknown_suffix_is_not_a_country() -> None:
    a = analyze("RB123456785XX")
    assert all(i.kind is not Kind.S10 for i in a.interpretations)
    assert a.best.kind is Kind.UNKNOWN


@pytest.mark.parametrize(
    ("number", "format_id", "trackability"),
    [
        ("LP00068434402473", "cainiao_lp", Trackability.INTERNATIONAL),
        ("S000011731855", "cainiao_s", Trackability.INTERNATIONAL),
        ("12345678901234567890123", "cainiao_23", Trackability.LOCAL_ONLY),
        ("AECA1234567890RU2", "cainiao_aeca", Trackability.INTERNATIONAL),
        ("YT2229521272164446", "yunexpress", Trackability.INTERNATIONAL),
        ("4PX1234567890ABCDEF", "4px", Trackability.INTERNATIONAL),
        ("P000000123456", "4px_p", Trackability.UNKNOWN),
        ("123456789012", "sf_express_12", Trackability.LOCAL_ONLY),
        ("SF1234567890123", "sf_express_sf", Trackability.INTERNATIONAL),
        ("JNTCU1234567890YQ", "jt_express", Trackability.UNKNOWN),
        ("NL12345678901234", "sky56", Trackability.INTERNATIONAL),
        ("0000123456789", "boxberry", Trackability.ORIGIN_ONLY),
        ("AFOX123456789", "boxberry_alpha", Trackability.ORIGIN_ONLY),
        ("1234567890", "cdek", Trackability.ORIGIN_ONLY),
    ],
)
def test_brief_carrier_shapes(number: str, format_id: str, trackability: Trackability) -> None:
    a = analyze(number)
    reading = next(i for i in a.interpretations if i.format_id == format_id)
    assert reading.trackability is trackability
    assert reading.kind is Kind.CARRIER
    assert reading.confidence < 0.9  # community formats are "looks like", never certainty


def test_cainiao_relay_shapes_offer_cainiao_and_the_post() -> None:
    number = _s10("ZA", "12345678", "LV")
    a = analyze(number)
    assert {i.format_id for i in a.interpretations} >= {"cainiao_relay_lv", "s10"}
    hk = analyze(_s10("ZH", "12345678", "HK"))
    assert any(i.format_id == "cainiao_relay_hk" for i in hk.interpretations)


def test_russian_post_14_digit_check() -> None:
    body = "1234567890123"
    good = body + russian_post(body)
    a = analyze(good)
    reading = next(i for i in a.interpretations if i.format_id == "russian_post_rpo")
    assert reading.check_digit is CheckDigit.VALID
    bad = body + str((int(russian_post(body)) + 1) % 10)
    # A wrong check digit is reported as one (a typo), not left to DHL eCommerce's catch-all.
    wrong = analyze(bad)
    assert wrong.best.format_id == "russian_post_rpo"
    assert wrong.best.check_digit is CheckDigit.INVALID
    assert wrong.best.expected_check_digit == russian_post(body)
    assert wrong.verdict is Trackability.INVALID


def test_wrong_russian_post_check_digit_is_not_a_confident_dhl_number() -> None:
    """QA: a 14-digit number failing Russian Post's check showed "✅ possibly DHL eCommerce"."""
    text = render_block(None, analyze("80085412345678"))
    assert "✅" not in text
    assert text.count("❌") == 1
    assert "Russian Post" in text and "Check digit: wrong" in text
    # In a sentence too, and a valid one keeps its reading without a wrong-check twin.
    found = find_numbers("трек 80085412345678 пришёл").items
    assert [a.best.check_digit for a in found] == [CheckDigit.INVALID]
    body = "8008541234567"
    good = analyze(body + russian_post(body))
    assert [i.format_id for i in good.interpretations].count("russian_post_rpo") == 1
    assert good.best.check_digit is CheckDigit.VALID


def test_collisions_are_reported_with_confidences_summing_to_at_most_one() -> None:
    a = analyze("YT2229521272164446")  # YunExpress vs YTO domestic
    assert len(a.interpretations) >= 2
    assert sum(i.confidence for i in a.interpretations) <= 1.0 + 1e-9
    assert [i.confidence for i in a.interpretations] == sorted(
        (i.confidence for i in a.interpretations), reverse=True
    )


def test_links_include_17track_cainiao_and_russian_post() -> None:
    lp = analyze("LP00068434402473")
    names = {link.name for link in lp.best.links}
    assert {"17TRACK", "Cainiao"} <= names
    s = analyze("RB123456785GB")
    urls = [link.url for link in s.best.links]
    assert "https://www.pochta.ru/tracking?barcode=RB123456785GB" in urls
    assert any(u.startswith("https://www.royalmail.com/") for u in urls)


# --- normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "LX299455986CN",
        "lx299455986cn",
        "LX 299 455 986 CN",
        "LX-299-455-986-CN",
        "LX.299.455.986.CN",
        "LХ299455986СN",  # Cyrillic Х and С
        "ＬＸ２９９４５５９８６ＣＮ",  # full-width
        "https://t.17track.net/en#nums=LX299455986CN",
        "(LX299455986CN).",
        "track: «LX299455986CN»!",
        "LX\u00a0299\u00a0455\u00a0986\u00a0CN",  # no-break spaces
        "LX–299–455–986–CN",  # en dashes
    ],
)
def test_normalisation(text: str) -> None:
    found = find_numbers(text)
    assert [a.number for a in found.items] == ["LX299455986CN"], text
    assert found.items[0].input in text


def test_cyrillic_lookalikes_all_map() -> None:
    a = analyze("АВ123456785ЕЕ")
    assert a.number == "AB123456785EE"
    assert analyze("кх").number == "KX"
    assert analyze("МНОРСТУ").number == "MHOPCTY"


def test_input_is_quoted_as_found() -> None:
    found = find_numbers("номер: lx 299-455-986 cn спасибо")
    assert found.items[0].input == "lx 299-455-986 cn"


def test_words_and_small_numbers_are_not_candidates() -> None:
    assert find_numbers("Hello, I paid 25 USD for 2 items on 12.05.2024").total_found == 0


def test_several_numbers_and_deduplication() -> None:
    found = find_numbers("LX299455986CN, RB123456785GB and again lx299455986cn")
    assert [a.number for a in found.items] == ["LX299455986CN", "RB123456785GB"]


def test_at_most_twenty_are_explained() -> None:
    numbers = [_s10("RB", f"{i:08d}", "GB") for i in range(25)]
    found = find_numbers(" ".join(numbers))
    assert found.total_found == 25 and len(found.items) == 20 and found.truncated
    small = find_numbers(" ".join(numbers[:3]), limit=2)
    assert small.truncated and len(small.items) == 2


def test_unknown_number_shaped_token() -> None:
    a = find_numbers("order 8181234567891234").items[0]
    assert a.best.kind is Kind.UNKNOWN and a.verdict is Trackability.UNKNOWN


def test_json_has_the_stable_fields() -> None:
    data = analyze("LX299455986CN").to_json()
    for key in (
        "input", "number", "kind", "carrier", "service", "issuing_country", "check_digit",
        "expected_check_digit", "trackability", "confidence", "alternatives", "links",
    ):  # fmt: skip
        assert key in data
    assert data["service"]["code"] == "LX"
    assert data["kind"] == "s10" and data["carrier"] == "china_post"
    assert all({"name", "url"} <= set(link) for link in data["links"])
    assert all("alternatives" not in alt and "kind" in alt for alt in data["alternatives"])


def test_format_ids_are_unique() -> None:
    ids = [f.id for f in FORMATS]
    assert len(ids) == len(set(ids))


# --- QA regressions ---------------------------------------------------------------------------

_CAINIAO = "https://global.cainiao.com/newDetail.htm?mailNoList="


@pytest.mark.parametrize(
    "number",
    [
        "LX299455986CN",  # China Post ePacket
        "RI937765505CN",
        "LP00068434402473",  # Cainiao shapes
        "S000011731855",
        "AECA1234567890RU2",
        "YT2229521272164446",  # YunExpress
        "UR848385766YP",  # Yanwen
        "4PX1234567890ABCDEF",  # 4PX
        "P000000123456",
        "SF1234567890123",  # other China carriers
        "JNTCU1234567890YQ",
    ],
)
def test_china_origin_numbers_link_to_cainiao_global(number: str) -> None:
    urls = [link.url for link in analyze(number).best.links]
    assert urls[0] == f"https://t.17track.net/en#nums={number}"
    assert f"{_CAINIAO}{number}" in urls


def test_numbers_issued_outside_china_do_not_link_to_cainiao() -> None:
    for number in ("RB123456785GB", "RS804446736NL", "RF427233044SG"):
        assert not any(link.url.startswith(_CAINIAO) for link in analyze(number).best.links)


def test_china_post_number_links_cainiao_and_russian_post_for_parcels_to_russia() -> None:
    best = analyze("LX299455986CN").best
    assert [link.url for link in best.links] == [
        "https://t.17track.net/en#nums=LX299455986CN",
        f"{_CAINIAO}LX299455986CN",
        "https://www.pochta.ru/tracking?barcode=LX299455986CN",
    ]


def test_link_names_are_msgids_or_brands() -> None:
    """Every link name a chat can show is translated in explain.po, or is a brand."""
    from babel.messages.pofile import read_po

    from bot.core.tracknumbers.model import RUSSIAN_POST_INBOUND
    from bot.core.tracknumbers.s10 import POSTS

    brands = {
        "17TRACK", "Cainiao", "YunExpress", "4PX", "Boxberry", "Royal Mail", "USPS", "Posti",
        "DHL Express", "DHL eCommerce", "DPD", "FedEx Express", "FedEx Ground", "GOFO Express",
        "Landmark Global", "Old Dominion Freight Line", "OnTrac", "Purolator", "Spee-Dee Delivery",
        "UPS", "Yodel", "Canpar",
    }  # fmt: skip
    po = Path(__file__).resolve().parents[2] / "locales/ru/LC_MESSAGES/explain.po"
    with po.open("rb") as fp:
        translated = {m.id for m in read_po(fp) if m.id and m.string}
    names = {RUSSIAN_POST_INBOUND, "17TRACK", "Cainiao"}
    names |= {f.name for f in FORMATS if f.url}
    names |= {post.name for post in POSTS.values() if post.url}
    assert {name for name in names if name not in brands} <= translated
    assert "Russian Post (domestic)" in translated


@pytest.mark.parametrize(
    "text",
    [
        "LX000000000CN",
        "track LX000000000CN pls",  # a short word after it used to be glued on
        "LX000000000CN ok?",
        "lx 000-000-000 cn",
        "номер LX000000000CN ок",
        "LX000000000CN YT3737282453600456",
    ],
)
def test_wrong_s10_check_digit_is_not_overridden_by_a_weak_reading(text: str) -> None:
    a = find_numbers(text).items[0]
    assert a.number == "LX000000000CN"
    assert a.verdict is Trackability.INVALID
    assert (a.best.kind, a.best.check_digit, a.best.expected_check_digit) == (
        Kind.S10,
        CheckDigit.INVALID,
        "5",
    )


@pytest.mark.parametrize("country", ["CN", "GB", "YP", "XX"])
def test_every_service_with_a_wrong_check_digit_is_invalid(country: str) -> None:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for service in (a + b for a in letters if a not in "JKSTW" for b in letters):
        number = f"{service}12345678{(int(s10('12345678')) + 1) % 10}{country}"
        for text in (number, f"see {number} ok"):
            a = find_numbers(text).items[0]
            assert (a.number, a.verdict) == (number, Trackability.INVALID), text


def _wrong_s10(service: str, i: int) -> str:
    serial = f"{i:08d}"
    return f"{service}{serial}{(int(s10(serial)) + 1) % 10}CN"


@pytest.mark.parametrize("separator", [" ", ", ", "\n", " - "])
def test_every_number_of_a_long_list_is_counted(separator: str) -> None:
    # 285 numbers fill a 4,000-character message; a weak shape used to swallow them by threes.
    numbers = [_wrong_s10("LX", 10_000_000 + 7 * i) for i in range(285)]
    found = find_numbers(separator.join(numbers))
    assert found.total_found == 285
    assert [a.number for a in find_numbers(separator.join(numbers), limit=300).items] == numbers


def test_a_list_cut_mid_number_counts_the_whole_ones_and_the_fragment() -> None:
    numbers = [_wrong_s10("LX", 10_000_000 + i) for i in range(300)]
    text = " ".join(numbers)[:4000]  # what a 4,000-character paste of 300 numbers holds
    found = find_numbers(text, limit=300)
    whole = [a.number for a in found.items if len(a.number) == 13]
    assert whole == numbers[:285]
    assert found.total_found == 286  # and the cut-off "LX10000285", explained on its own
    assert found.items[-1].number == "LX10000285"


def test_a_weak_shape_does_not_join_neighbouring_numbers() -> None:
    found = find_numbers("LX000002426CN YT3737282453600456 LX00")
    assert [a.number for a in found.items] == ["LX000002426CN", "YT3737282453600456"]
    # Typed in groups, a DHL eCommerce number is still put together.
    assert [a.number for a in find_numbers("GM 2 9 5 117 32 25 1 7 44 9 4").items] == [
        "GM2951173225174494"
    ]


def test_a_digit_run_longer_than_any_number_is_refused_not_found() -> None:
    """Issue 14: a 4,096-digit "number" was found, stored and pushed (cut, dropped)."""
    assert find_numbers("1" * 40).total_found == 1 and not find_numbers("1" * 40).too_long
    for text in ("1" * 41, "1" * 4096, "lamp " + "9" * 500, "1" * 3000 + " 2 2 2"):
        found = find_numbers(text)
        assert found.total_found == 0 and found.items == [] and found.too_long, text
    assert not find_numbers("hello there").too_long
    # A real number beside a long run is still found.
    found = find_numbers("RB123456785CN " + "1" * 100)
    assert [a.number for a in found.items] == ["RB123456785CN"]
