"""An amount typed at a dispute step, in words or alone: "7.5", "$5", "seller offers 7.5 dollars",
"предлагает 500 рублей" (QA B6).

The parsing is ``bot.core.parsing``'s (one parser for money); this only finds the amount inside a
sentence: the words around it are tried away, a span with a currency wins over a bare number, and
two different amounts are a question back (None), never a guess. Pure.
"""

from __future__ import annotations

from bot.core.parsing import MAX_INPUT, parse_amount, parse_money, to_usd

_LONGEST = 4  # tokens: "1 890 ₽" is three
_PUNCT = ".,!?;:()\"'«»“”"


def _usd(span: str) -> tuple[float, bool] | None:
    """(dollars, with a currency) for a span that is only an amount, else None."""
    bare = parse_amount(span)  # "$0", "0", "7.5", "12 usd"
    money = parse_money(span)
    if money is not None and money.currency not in (None, "USD"):
        usd = to_usd(money.amount, money.currency)
        return None if usd is None else (usd, True)
    if money is not None:
        return money.amount, money.currency is not None
    if bare is not None:
        return bare, not span.replace(".", "").replace(",", "").strip().isdigit()
    return None


def typed_amount(text: str) -> float | None:
    """The one amount (in US dollars, approximate for other currencies) the text names, or None."""
    text = text.strip()
    if not text or len(text) > MAX_INPUT:
        return None
    whole = _usd(text)
    if whole is not None:
        return round(whole[0], 2)
    words = [w.strip(_PUNCT) if not w.endswith("$") else w for w in text.split()]
    found: dict[tuple[int, int], tuple[float, bool]] = {}
    for size in range(_LONGEST, 0, -1):
        for start in range(len(words) - size + 1):
            span = " ".join(w for w in words[start : start + size] if w)
            if span and (value := _usd(span)) is not None:
                found[(start, start + size)] = value
    # Only the widest spans: "7.5 dollars" also contains "7.5".
    widest = [
        value
        for (a, b), value in found.items()
        if not any((c, d) != (a, b) and c <= a and b <= d for c, d in found)
    ]
    with_currency = {round(v, 2) for v, cur in widest if cur}
    if len(with_currency) == 1:
        return with_currency.pop()
    if with_currency:
        return None
    bare = {round(v, 2) for v, _cur in widest}
    return bare.pop() if len(bare) == 1 else None
