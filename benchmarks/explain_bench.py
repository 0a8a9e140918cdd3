"""Throughput of the track-number explainer against the PyPI ``tracking-numbers`` package.

Both sides get the same 100,000 mixed inputs (valid and invalid S10 numbers, carrier numbers,
free text with noise), all distinct (checked below), one call per input string:

- parcel-scout: ``find_numbers(text)``: normalises the text, finds every candidate number in it
  (spaced, lower-case, look-alike letters; runs of tokens are segmented by a small DP), and for
  each one tries the formats of its length and first two characters (often one, a regex
  ``fullmatch`` each), then builds every interpretation with its check-digit verdict (and the
  expected digit), S10 service class, trackability and confidence. The format's fixed facts
  (carrier, names, notes) are shared ``Facts`` the interpretation points at, read on access;
  link URLs are built on first access (``Interpretation.links``), so they are not in this
  figure; the "materialised" line below adds them and the JSON of every answer.
- tracking-numbers: ``get_tracking_number(text)``, its documented API: ``fullmatch`` of each of its
  18 definitions against the whole string, stopping at the first valid one (courier, checksum,
  URL). It has no extraction: given free text it rejects it after the 18 failed matches, so on
  those inputs (30%) it does far less work than we do and finds nothing. We keep it that way: it is
  the conservative choice for the ratio. The per-category lines show both sides on bare numbers
  and on free text separately.

Each side makes ``ROUNDS`` passes over the inputs, the two taking turns, and its best pass is
reported (see ``_best_of``). Ours is plain Python, as it runs in the bot. The benchmark is a
guard, not a race: the explainer should stay at least 1.3x the package (``ratio``) and answer
one chat message in under 1 ms at p99.

The p99 is the time to build one complete chat answer: ``find_numbers`` plus ``render_chat``
(which builds the links and the localised texts).
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.tracknumbers import find_numbers
from bot.core.tracknumbers.checksums import luhn, mod10, s10, weighted_mod
from bot.core.tracknumbers.render import render_chat
from bot.i18n import use_language

N_INPUTS = 100_000
ROUNDS = 3  # passes per side over the same inputs; the best of each is reported
_SERVICES = ("LX", "LK", "LZ", "RB", "RI", "RF", "RS", "UA", "UR", "EE", "CP", "HK", "ZA", "RV")
_COUNTRIES = ("CN", "CN", "CN", "LV", "FI", "EE", "SG", "NL", "HK", "GB", "RU", "YP")
_TEXT = (
    "Hi, my order shipped 12 days ago, track {n} still nothing",
    "трек номер: {n} , посылка не отслеживается",
    "https://global.cainiao.com/detail.htm?mailNoList={n}",
    "seller gave me {n}. is it real?",
    "{n}",
    "order 8181234567891234 — tracking {n} (paid 4.99 USD)",
)


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _s10(rng: random.Random, valid: bool) -> str:
    serial = _digits(rng, 8)
    check = s10(serial)
    if not valid:
        check = str((int(check) + rng.randint(1, 9)) % 10)
    return f"{rng.choice(_SERVICES)}{serial}{check}{rng.choice(_COUNTRIES)}"


def _carrier(rng: random.Random) -> str:
    kind = rng.randrange(8)
    if kind == 0:
        return "YT" + _digits(rng, 16)
    if kind == 1:
        return "LP" + _digits(rng, 14)
    if kind == 2:
        serial = "".join(rng.choice("0123456789ABCDEFGHJKLMNPRVWXY") for _ in range(15))
        return "1Z" + serial + mod10(serial, evens=1, odds=2)
    if kind == 3:
        serial = _digits(rng, 11)
        return serial + weighted_mod(serial, weights=(3, 1, 7) * 3 + (3, 1), mod1=11, mod2=10)
    if kind == 4:
        serial = "9400" + _digits(rng, 17)
        return serial + mod10(serial, evens=3, odds=1, reverse=True)
    if kind == 5:
        serial = rng.choice("012345") + _digits(rng, 10)
        return serial + luhn(serial)
    if kind == 6:
        return "TBA" + _digits(rng, 12)
    return "JJD" + _digits(rng, 16)


def make_inputs(n: int = N_INPUTS, seed: int = 20240601) -> list[str]:
    rng = random.Random(seed)
    inputs: list[str] = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.3:
            inputs.append(_s10(rng, valid=True))
        elif roll < 0.4:
            inputs.append(_s10(rng, valid=False))
        elif roll < 0.7:
            inputs.append(_carrier(rng))
        else:
            number = _s10(rng, True) if rng.random() < 0.6 else _carrier(rng)
            if rng.random() < 0.3:  # what people do: lower case, spaced groups
                number = f"{number[:2].lower()} {number[2:5]}-{number[5:8]} {number[8:]}"
            inputs.append(rng.choice(_TEXT).format(n=number))
    return inputs


def _throughput(fn: Callable[[str], object], inputs: list[str]) -> float:
    start = time.perf_counter()
    for text in inputs:
        fn(text)
    return len(inputs) / (time.perf_counter() - start)


def _best_of(rounds: int, *fns: Callable[[str], object], inputs: list[str]) -> tuple[float, ...]:
    """Each function's best throughput over ``rounds`` passes, the functions taking turns.

    Taking turns exposes both sides to the same stretches of a busy machine (a shared 2-core VM
    here: the same pass can take twice as long from one minute to the next); the best pass is
    the one least disturbed, as ``timeit`` advises.
    """
    best = [0.0] * len(fns)
    for _ in range(rounds):
        for k, fn in enumerate(fns):
            best[k] = max(best[k], _throughput(fn, inputs))
    return tuple(best)


def main() -> None:
    from tracking_numbers import get_tracking_number

    inputs = make_inputs()
    # No result is cached across inputs; distinct inputs make sure no repeat could be free anyway.
    assert len(set(inputs)) == len(inputs), "benchmark inputs must be distinct"
    # Warm both (regex compilation, Babel data, catalogs) outside the timed runs.
    for text in inputs[:200]:
        find_numbers(text)
        get_tracking_number(text)
    ours, theirs = _best_of(ROUNDS, find_numbers, get_tracking_number, inputs=inputs)

    timings: list[float] = []
    clock = time.perf_counter
    with use_language("ru"):
        for text in inputs:
            start = clock()
            render_chat(find_numbers(text), price_usd=4.99)
            timings.append(clock() - start)
    timings.sort()
    p99_ms = timings[int(len(timings) * 0.99) - 1] * 1000
    print(f"parcel-scout find_numbers: {ours:,.0f} inputs/s")
    print(f"tracking-numbers get_tracking_number: {theirs:,.0f} inputs/s")
    with use_language("en"):
        full = _throughput(lambda text: [a.to_json() for a in find_numbers(text).items], inputs)
    print(f"parcel-scout find_numbers + links + JSON of every answer (materialised): {full:,.0f}/s")
    bare = [text for text in inputs if text.isalnum()]
    prose = [text for text in inputs if not text.isalnum()]
    for label, part in (("bare numbers", bare), ("free text", prose)):
        a, b = _best_of(ROUNDS, find_numbers, get_tracking_number, inputs=part)
        print(
            f"  {label} ({len(part)}): parcel-scout {a:,.0f}/s, "
            f"tracking-numbers {b:,.0f}/s, ratio {a / b:.2f}"
        )
    print(
        f"explain: {len(inputs)} inputs; parcel-scout {ours:.0f}/s, "
        f"tracking-numbers {theirs:.0f}/s, ratio {ours / theirs:.2f}; p99 answer {p99_ms:.3f} ms"
    )


if __name__ == "__main__":
    main()
