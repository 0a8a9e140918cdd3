"""`parcel-scout advise`: flags in, JSON or text out."""

from __future__ import annotations

import json

import pytest

from bot.core.advice.cli import advise_main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = advise_main(list(argv))
    return code, capsys.readouterr().out


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys, "--json", "--tracking", "not_found", "--days-since-shipped", "11", "--price", "7"
    )
    data = json.loads(out)
    assert code == 0
    assert data["action"] == "write_seller"
    assert data["rule"] == "untracked_write_seller"
    assert data["next_check_in_days"] == 5
    assert data["letter"].startswith("Hello")
    assert {"situation", "why"} <= data.keys()


def test_json_with_no_facts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--json")
    data = json.loads(out)
    assert (code, data["action"], data["letter"], data["next_check_in_days"]) == (
        0,
        "check_other_site",
        None,
        None,
    )


def test_russian_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, out = run(
        capsys, "--json", "--lang", "ru", "--tracking", "moving", "--protection-days-left", "6"
    )
    data = json.loads(out)
    assert data["action"] == "extend_protection"
    assert "6 дней" in data["situation"]
    assert data["letter"].isascii()


def test_every_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys,
        "--json",
        "--days-since-shipped=30",
        "--tracking=stalled",
        "--stalled-days=25",
        "--price=$12.50",
        "--protection-days-left=30",
        "--format=international",
        "--seller-contacted-days-ago=6",
        "--dispute-open-days=2",
        "--seller-response=refused",
    )
    assert code == 0
    assert json.loads(out)["action"] == "dispute_escalate"


def test_text_output(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "--tracking", "customs", "--stalled-days", "3")
    assert code == 0
    assert "customs" in out.lower() and "Rule: customs" in out


def test_bad_flags_exit_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert advise_main(["--tracking", "teleported"]) == 2
    assert advise_main(["--price", "cheap"]) == 2


def test_json_exposes_the_assumed_deadline_and_approximate_facts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """QA A1 (`--days-since-shipped 61 --tracking not_found --price 20`): no longer "look again
    in 5 days" past the default 60-day timer."""
    code, out = run(
        capsys, "--json", "--tracking", "not_found", "--days-since-shipped", "61", "--price", "20"
    )
    data = json.loads(out)
    assert (code, data["action"], data["next_check_in_days"]) == (0, "check_timer", 1)
    assert data["deadline"]["assumed"] is True and data["deadline"]["days_left"] == -1
    assert data["deadline"]["assumed_window_days"] == 60
    assert data["facts"] == {
        "known": {"days_since_shipped": 61, "tracking": "not_found", "price_usd": 20.0},
        "approximate": [],
    }
    _, out = run(
        capsys,
        "--json",
        "--tracking", "not_found",
        "--days-since-shipped", "20",
        "--price", "1 890 RUB",
        "--protection-more-than", "30",
    )  # fmt: skip
    data = json.loads(out)
    assert data["facts"]["approximate"] == ["price_usd", "protection_days_left"]
    assert data["facts"]["known"]["price_typed"] == "1890 RUB"
    assert data["facts"]["known"]["price_usd"] == 21.0
    assert data["deadline"] == {**data["deadline"], "days_left": 31, "assumed": False}
    assert data["deadline"]["approximate"] is True
    assert "at the earliest" in data["deadline"]["note"]


def test_bad_price_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = advise_main(["--price", "lots"])
    assert code == 2
