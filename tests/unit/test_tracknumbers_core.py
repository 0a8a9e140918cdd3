"""The explainer against the domain brief: S10 rules, carrier shapes, normalisation, verdicts."""

from __future__ import annotations

import pytest

from bot.tracknumbers import (
    FORMATS,
    CheckDigit,
    Kind,
    Trackability,
    analyze,
    find_numbers,
)
from bot.tracknumbers.checksums import russian_post, s10
from bot.tracknumbers.s10 import SERVICE_BY_CODE, service_class


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
    assert all(i.format_id != "russian_post_rpo" for i in analyze(bad).interpretations)


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
