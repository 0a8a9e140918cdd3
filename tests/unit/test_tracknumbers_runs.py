"""The run finder (a byte scanner, for speed) against its definition written as a regex."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.tracknumbers.core import _runs
from bot.tracknumbers.normalize import normalize

# A token: a word with a digit, or 1-3 letters; a run: tokens 1-3 of " .-" apart. Runs with a
# digit are the ones that may hold numbers.
_TOKEN = r"(?:[A-Z]*\d[A-Z0-9]*|[A-Z]{1,3})(?![A-Z0-9])"
RUN_RE = re.compile(rf"(?<![A-Z0-9]){_TOKEN}(?:[ .\-]{{1,3}}{_TOKEN})*")
TOKEN_RE = re.compile(r"[A-Z0-9]+")


def oracle(norm: str) -> list[list[int]]:
    out = []
    for run in RUN_RE.finditer(norm):
        if any(c.isdigit() for c in run.group()):
            out.append([p for t in TOKEN_RE.finditer(run.group()) for p in (t.start(), t.end())])
            out[-1] = [p + run.start() for p in out[-1]]
    return out


text_like = st.text(alphabet="0123456789ABCDEFGHJKLMNXYZ    ..--,_/:", max_size=90)


@settings(max_examples=1000)
@given(text_like)
def test_runs_match_their_definition(norm: str) -> None:
    assert _runs(norm) == oracle(norm)


@given(st.text(max_size=60))
def test_runs_of_any_normalised_text(text: str) -> None:
    norm = normalize(text)
    assert _runs(norm) == oracle(norm)


def test_examples() -> None:
    norm = "TRACK NO. LX 123-456 785CN, PAID 4.99 USD ON 12.11"
    assert [norm[r[0] : r[-1]] for r in _runs(norm)] == [
        "NO. LX 123-456 785CN",
        "4.99 USD ON 12.11",
    ]
    assert _runs("NOTHING HERE") == []
    assert _runs("ABCD12 EFGH") == [[0, 6]]
