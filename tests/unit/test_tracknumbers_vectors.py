"""The public tracking_number_data test vectors (MIT), read from the shared folder if present."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.core.tracknumbers import Analysis, CheckDigit, Kind, analyze, find_numbers

# The shared folder sits beside the repository; the product never reads it.
DATA = (
    Path(__file__).resolve().parents[2] / ".." / "shared" / "testdata" / "tracking_number_data"
).resolve() / "couriers"

# Formats the data set leaves without an id: our ids for them, by (courier, name).
_UNNAMED = {
    ("lasership", "LaserShip 1LS7 (18)"): "lasership_1ls7_18",
    ("old_dominion", "Old Dominion"): "old_dominion",
    ("old_dominion", "Old Dominion Guaranteed Shipment"): "old_dominion_guaranteed",
    ("ups", "UPS Waybill"): "ups_waybill",
}


def _vectors(kind: str) -> list[Any]:
    if not DATA.is_dir():
        return [
            pytest.param(
                None, None, None, marks=pytest.mark.skip(reason=f"test vectors absent: {DATA}")
            )
        ]
    cases = []
    for path in sorted(DATA.glob("*.json")):
        courier = json.loads(path.read_text(encoding="utf-8"))
        for fmt in courier["tracking_numbers"]:
            fmt_id = fmt.get("id") or _UNNAMED[(courier["courier_code"], fmt["name"])]
            for number in fmt["test_numbers"][kind]:
                cases.append(pytest.param(courier["courier_code"], fmt_id, number, id=number))
    return cases


def _readings_of(analysis: Analysis, courier: str, fmt_id: str) -> list[CheckDigit]:
    if courier == "s10":
        return [i.check_digit for i in analysis.interpretations if i.kind is Kind.S10]
    return [
        i.check_digit
        for i in analysis.interpretations
        if i.format_id == fmt_id and i.carrier == courier
    ]


@pytest.mark.parametrize(("courier", "fmt_id", "number"), _vectors("valid"))
def test_valid_number_is_explained_as_its_courier(courier: str, fmt_id: str, number: str) -> None:
    for analysis in (analyze(number), find_numbers(number).items[0]):
        checks = _readings_of(analysis, courier, fmt_id)
        assert checks, analysis
        assert all(c is not CheckDigit.INVALID for c in checks)
    # Found as exactly one number in free text too.
    assert find_numbers(f"my parcel: {number}!").total_found == 1


@pytest.mark.parametrize(("courier", "fmt_id", "number"), _vectors("invalid"))
def test_invalid_number_is_never_called_valid(courier: str, fmt_id: str, number: str) -> None:
    analysis = analyze(number)
    assert all(c is CheckDigit.INVALID for c in _readings_of(analysis, courier, fmt_id))
