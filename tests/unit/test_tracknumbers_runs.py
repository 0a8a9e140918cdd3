"""The run finder (one regex, possessive for speed) against its definition in plain words."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.tracknumbers.formats import MIN_LEN
from bot.core.tracknumbers.normalize import normalize
from bot.core.tracknumbers.segment import runs

# A token: a word with a digit, or 1-3 letters; a run: tokens 1-3 of " .-" apart. Runs with a
# digit, long enough for the shortest format, are the ones that may hold numbers.
_TOKEN = r"(?:[A-Z]*\d[A-Z0-9]*|[A-Z]{1,3})(?![A-Z0-9])"
RUN_RE = re.compile(rf"(?<![A-Z0-9]){_TOKEN}(?:[ .\-]{{1,3}}{_TOKEN})*")


def oracle(norm: str) -> list[tuple[int, int]]:
    return [
        run.span()
        for run in RUN_RE.finditer(norm)
        if any(c.isdigit() for c in run.group()) and len(run.group()) >= MIN_LEN
    ]


text_like = st.text(alphabet="0123456789ABCDEFGHJKLMNXYZ    ..--,_/:", max_size=90)


@settings(max_examples=1000)
@given(text_like)
def test_runs_match_their_definition(norm: str) -> None:
    assert runs(norm) == oracle(norm)


@given(st.text(max_size=60))
def test_runs_of_any_normalised_text(text: str) -> None:
    norm = normalize(text)
    assert runs(norm) == oracle(norm)


def test_examples() -> None:
    norm = "TRACK NO. LX 123-456 785CN, PAID 4.99 USD ON 12.11.2024"
    assert [norm[start:end] for start, end in runs(norm)] == [
        "NO. LX 123-456 785CN",
        "4.99 USD ON 12.11.2024",
    ]
    assert runs("NOTHING HERE") == []
    assert runs("ABCD12 EFGH") == []  # shorter than any number
    assert runs("ABCD123456 EFGH") == [(0, 10)]
