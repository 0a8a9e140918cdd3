"""The dispute form's labels and summary, typed amounts, the open dispute's day, the card's
dispute line and buttons (issue 15 item 3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import dispute as script
from bot.core.advice import Facts, SellerResponse, Tracking
from bot.core.advice.letters import DisputeReason, Problem
from bot.core.dispute import Outcome, Step, dispute_day, form, typed_amount
from bot.i18n import use_language
from bot.ui import dispute_views
from bot.ui.buttons import DisputeOutcome, DisputeParcel, DisputeTold
from storage.models import Parcel

TODAY = date(2026, 12, 2)

# --- the form's labels ---------------------------------------------------------------------------


def test_the_seeds_labels_are_verified_and_every_answer_has_a_form_reason() -> None:
    verified = {
        label.text
        for label in (form.OPEN, form.RECEIVED, form.NO, form.FULL_REFUND, form.SUBMIT)
        if label.verified
    }
    assert verified == {
        "Open Dispute",
        "Did you receive your goods?",
        "No",
        "Full refund",
        "Submit",
    }
    assert form.REASONS[DisputeReason.NO_TRACKING].verified
    assert set(form.REASONS) == set(DisputeReason) | set(Problem)


@pytest.mark.parametrize(
    ("lang", "label", "expected"),
    [
        ("en", form.NO, "“No”"),
        ("ru", form.NO, "«Нет» (англ. «No»)"),
        ("en", form.REASONS[Problem.EMPTY], "“Empty package” or the closest one"),
        ("ru", form.REASON, "Причина"),
    ],
)
def test_quoted_names_the_site_label_in_english(
    lang: str, label: form.Label, expected: str
) -> None:
    with use_language(lang):
        assert form.quoted(label) == expected


@pytest.mark.parametrize("has_evidence", [True, False])
def test_summary_lists_every_field_in_the_sites_order(has_evidence: bool) -> None:
    evidence = ["Your chat with the seller"] if has_evidence else None
    lines = form.summary(
        DisputeReason.NO_TRACKING, keep_item=None, amount="$20.00", evidence=evidence
    )
    assert lines[0] == "On the order page press “Open Dispute”."
    assert lines[1] == "“Did you receive your goods?” → “No”"
    assert lines[2] == "Reason → “No tracking information”"
    assert lines[3] == "Solution → “Full refund”, $20.00"
    assert "your chat with the seller" in lines[5] if has_evidence else "nothing" in lines[5]
    assert lines[-1] == "Press “Submit”."


def test_summary_for_a_received_item_sent_back() -> None:
    lines = form.summary(Problem.DAMAGED, keep_item=False, amount="$9.00", evidence=None)
    assert "“Yes”" in lines[1] and "Item damaged" in lines[2]
    assert "ship the item back within 10 days" in lines[3]


@pytest.mark.parametrize(
    ("path", "has_line"),
    [
        (("recv_no", "r_no_track", "full_refund", "ev_yes"), True),
        (("recv_no", "r_no_track", "full_refund", "ev_no"), False),
        (("recv_yes", "p_empty", "ev_no"), False),
        (("recv_yes", "p_damaged", "keep", "amt_50", "ev_yes"), True),
    ],
)
def test_the_text_claims_attachments_only_when_the_user_has_them(
    path: tuple[str, ...], has_line: bool
) -> None:
    state = script.start(Facts(protection_days_left=30, price_usd=20), 1)
    for code in path:
        state = script.next_step(state, code, TODAY)
    assert state.current is Step.TEXT
    text = script.code_block(state, TODAY) or ""
    assert ("attached" in text) is has_line


def test_each_reason_and_problem_has_its_own_evidence_list() -> None:
    seen = set()
    for subject in (*DisputeReason, *Problem):
        state = script.DisputeState(step=Step.EVIDENCE.value)
        if isinstance(subject, Problem):
            state.problem = subject.value
        else:
            state.reason = subject.value
        items = tuple(script.evidence_checklist(state))
        assert items
        seen.add(items)
    assert len(seen) == len(DisputeReason) + len(Problem)


@pytest.mark.parametrize(
    ("told", "step", "picked"),
    [
        ("p_empty", Step.EVIDENCE, "empty"),
        ("p_missing", Step.KEEP_OR_RETURN, "wrong_or_missing"),
        ("r_not_recv", Step.SOLUTION, None),
    ],
)
def test_told_goes_straight_to_the_right_reason(told: str, step: Step, picked: str | None) -> None:
    delivered = Facts(tracking=Tracking.DELIVERED, protection_days_left=20)
    state = script.told(script.start(delivered, 3), told)
    assert state.current is step and state.problem == picked
    back = script.back(state)
    assert script.suggested_choice(back) == told  # Back shows it marked


def test_told_before_the_timer_question_is_kept_to_preselect() -> None:
    state = script.told(script.start(Facts(), None), "p_empty")
    assert state.current is Step.TIMER_ASK
    state = script.next_step(state, "t_unknown")
    assert state.current is Step.EVIDENCE and state.problem == "empty"
    assert script.suggested_choice(script.back(script.back(state))) == "recv_yes"
    with pytest.raises(script.InvalidChoice):
        script.told(state, "submitted")


# --- typed amounts (QA B6) --------------------------------------------------------------------

AMOUNTS = [
    ("en", "7.5", 7.5),
    ("en", "$5", 5.0),
    ("en", "$0", 0.0),
    ("en", "seller offers 7.5 dollars", 7.5),
    ("en", "He offers $7.50.", 7.5),
    ("en", "they offer 0 dollars", 0.0),
    ("en", "12 usd", 12.0),
    ("en", "I want 7.5 dollars back", 7.5),
    ("en", "he offers 5 dollars for order 8123456789", 5.0),
    ("ru", "продавец предлагает 7,5 доллара", 7.5),
    ("ru", "предлагает 7.5 $", 7.5),
    ("ru", "5 долларов", 5.0),
    ("ru", "предлагают 1,5 бакса", 1.5),  # one bare number: the step asks for dollars
    ("ru", "я заплатил 20, он предлагает 5", None),  # two amounts: never a guess
    ("en", "hello", None),
    ("ru", "не знаю", None),
]


@pytest.mark.parametrize(("lang", "text", "expected"), AMOUNTS)
def test_typed_amount(lang: str, text: str, expected: float | None) -> None:
    assert typed_amount(text) == expected


def test_typed_amount_in_roubles_is_converted() -> None:
    amount = typed_amount("продавец предлагает 500 рублей")
    assert amount is not None and 1 < amount < 20


@given(st.decimals(min_value=0, max_value=9999, places=2), st.sampled_from(["$", "usd", "dollars"]))
def test_an_amount_inside_words_reads_as_alone(value: object, unit: str) -> None:
    number = f"{value}"
    alone = typed_amount(f"{number} {unit}" if unit != "$" else f"${number}")
    assert alone is not None
    framed = f"the seller offers {number} {unit} now" if unit != "$" else f"offers ${number}!"
    assert typed_amount(framed) == alone


@given(st.text(max_size=80))
def test_typed_amount_never_raises(text: str) -> None:
    amount = typed_amount(text)
    assert amount is None or amount >= 0


# --- the open dispute's day (QA C5) -----------------------------------------------------------


def test_dispute_day_counts_from_one_and_the_sellers_days() -> None:
    opened = date(2026, 11, 29)
    d = dispute_day("open", opened, None, TODAY)
    assert d is not None and d.day == 4 and d.seller_until == date(2026, 12, 4)
    late = dispute_day("open", opened, None, date(2026, 12, 10))
    assert late is not None and late.seller_until is None and late.seller_late
    assert dispute_day(None, None, None, TODAY) is None
    assert dispute_day("closed", opened, None, TODAY) is None
    told = dispute_day("open", None, "refused", TODAY)
    assert told is not None and (told.day, told.response) == (None, SellerResponse.REFUSED)
    silent = dispute_day(None, opened, "none", TODAY)
    assert silent is not None and silent.response is None


def _parcel(**changes: object) -> Parcel:
    base = Parcel(7, 1, "RB123456785CN", None, None, None, 0, 0)
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "changes", "expected"),
    [
        ("en", {}, None),
        (
            "en",
            {"dispute_status": "open", "dispute_opened_on": date(2026, 11, 29)},
            "⚖️ Dispute open, day 4 — the seller has until Dec 4, 2026 to answer.",
        ),
        (
            "ru",
            {"dispute_status": "open", "dispute_opened_on": date(2026, 11, 29)},
            "⚖️ Открыт спор, день 4 — до 4 дек. 2026 г. продавец должен ответить.",
        ),
        (
            "en",
            {"dispute_status": "open", "seller_response": "refused"},
            "⚖️ Dispute open — the seller refused: ask AliExpress to step in, do not cancel.",
        ),
        (
            "en",
            {"dispute_opened_on": date(2026, 11, 20)},
            "⚖️ Dispute open, day 13 — the seller's days to answer are over: without an answer "
            "it closes in your favour.",
        ),
    ],
)
def test_card_dispute_line(lang: str, changes: dict[str, object], expected: str | None) -> None:
    with use_language(lang):
        line = dispute_views.dispute_line(_parcel(**changes), TODAY)
    # Babel's dates may hold no-break spaces: compare the words.
    assert (" ".join(line.split()) if line else None) == expected


def test_card_buttons_change_with_an_open_dispute() -> None:
    closed = dispute_views.dispute_rows(_parcel())
    assert closed == [[("⚖️ Open a dispute", DisputeParcel(7).pack())]]
    rows = dispute_views.dispute_rows(_parcel(dispute_status="open"))
    data = [data for row in rows for _label, data in row]
    assert data == [DisputeOutcome(7, outcome).pack() for outcome in Outcome]
    assert all(len(row) <= 2 for row in rows)
    assert DisputeOutcome.unpack("dispute:out:7:refused") == DisputeOutcome(7, Outcome.REFUSED)
    assert DisputeOutcome.unpack("dispute:out:7:nonsense") is None


def test_told_buttons_carry_known_codes() -> None:
    rows = dispute_views.told_rows(0)
    for row in rows:
        told = DisputeTold.unpack(row[0][1])
        assert told is not None and told.what in script.TOLD
