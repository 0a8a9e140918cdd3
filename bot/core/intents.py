"""Recognise "what should I do now?" and "dispute" questions typed in Russian or English.

Deliberately simple and explainable: normalise the text (case, ё→е, punctuation, common typos,
track numbers removed), then match a short list of phrase patterns. Strong patterns decide; a lone
topic word ("посылка", "tracking") gives UNSURE so the chat asks instead of guessing.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.core.tracknumbers import find_numbers


class Intent(StrEnum):
    WHAT_NOW = "what_now"
    DISPUTE = "dispute"
    UNSURE = "unsure"
    NONE = "none"


# Whole-word typo fixes applied after normalisation.
_TYPOS: dict[str, str] = {
    "што": "что",
    "шо": "что",
    "чо": "что",
    "че": "что",
    "чё": "что",
    "дилать": "делать",
    "делоть": "делать",
    "делац": "делать",
    "посылко": "посылка",
    "пасылка": "посылка",
    "пасылку": "посылку",
    "отслеживаеться": "отслеживается",
    "отслеживатся": "отслеживается",
    "отслежуется": "отслеживается",
    "отслеживаетса": "отслеживается",
    "ответает": "отвечает",
    "атвечает": "отвечает",
    "продовец": "продавец",
    "продавеца": "продавца",
    "диспут": "спор",
    "диспуд": "спор",
    "диспута": "спора",
    "диспут?": "спор",
    "wat": "what",
    "wht": "what",
    "whta": "what",
    "shoud": "should",
    "shold": "should",
    "shuold": "should",
    "dispte": "dispute",
    "disput": "dispute",
    "dispue": "dispute",
    "despute": "dispute",
    "trackng": "tracking",
    "traking": "tracking",
    "tracing": "tracking",
    "sellr": "seller",
    "seler": "seller",
    "responde": "respond",
    "doesnt": "does not",
    "dont": "do not",
    "didnt": "did not",
    "isnt": "is not",
    "wont": "will not",
    "cant": "can not",
    "cannot": "can not",
    "hasnt": "has not",
    "havent": "have not",
    "pkg": "package",
    "u": "you",
}

_TRACK = re.compile(r"\b(?:[a-z]{2}\d{9}[a-z]{2}|[a-z]{0,4}\d{8,}[a-z]{0,4})\b")

_DISPUTE = [
    r"\bспор(?:а|у|ом|е|ы)?\b",
    r"\bоткры\w* (?:спор|претензи)",
    r"\bвернуть (?:деньги|оплату)",
    r"\bвозврат\w* (?:денег|средств)",
    r"\bвозврат денег\b",
    r"\bdispute\w*\b",
    r"\bopen (?:a )?(?:case|claim)\b",
    r"\brefund\w*\b",
    r"\bmoney back\b",
    r"\bget my money\b",
]
_WHAT_NOW = [
    r"\bчто (?:же )?(?:мне |теперь |сейчас |дальше )*делать\b",
    r"\bкак (?:мне )?(?:теперь )?быть\b",
    r"\bчто дальше\b",
    r"\bчто посоветуе\w*",
    r"\bне отслежива\w*",
    r"\bне (?:отображается|обновляется|меняется|находится|читается|ищется)\b",
    r"\bтрек\w*(?: номер\w*)? не (?:работает|найден|находится|читается|пробивается|видно)",
    r"\bне (?:приходит|пришла|пришел|дошла|доходит|получил\w*)\b",
    r"\bпосылк\w* (?:застрял\w*|потерял\w*|пропал\w*|стоит|висит|не)\b",
    r"\bзастрял\w*",
    r"\bпропал\w*",
    r"\bпотерял\w*",
    r"\bна таможн\w*",
    r"\bпродав\w* (?:не отвечает|молчит|игнорирует|не пишет|не реагирует)",
    r"\bгде (?:моя |мой )?(?:посылк|заказ)\w*",
    r"\bнет (?:отслеживания|трека|движения)\b",
    r"\bwhat (?:should|do|can|shall) i do\b",
    r"\bwhat (?:now|next|to do)\b",
    r"\bwhat do i do\b",
    r"\btracking (?:number )?(?:not found|does not work|is not working|not working|not updating)",
    r"\b(?:no|not) track(?:ing|ed|able)\b",
    r"\bcan not (?:track|find)\b",
    r"\b(?:parcel|package|order|shipment) (?:is )?(?:stuck|lost|missing|not arriving|not moving)",
    r"\b(?:parcel|package|order) (?:has not|did not|never) (?:arrived|arrive|come|came)",
    r"\bseller (?:does not|is not|will not|did not|never|not) (?:answer|respond|reply)",
    r"\bseller (?:is )?(?:ignores|ignoring|silent)\b",
    r"\bwhere is my (?:parcel|package|order)\b",
    r"\b(?:stuck|held) (?:in|at) customs\b",
    r"\bno (?:updates|movement)\b",
]
_TOPIC = [
    r"\bпосылк\w*",
    r"\bзаказ\w*",
    r"\bтрек\w*",
    r"\bпродав\w*",
    r"\bтаможн\w*",
    r"\bпомог\w*",
    r"\bподскаж\w*",
    r"\bparcel\b",
    r"\bpackage\b",
    r"\border\b",
    r"\btracking\b",
    r"\bseller\b",
    r"\bcustoms\b",
    r"\bhelp\b",
]


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in patterns]


_DISPUTE_RE = _compile(_DISPUTE)
_WHAT_NOW_RE = _compile(_WHAT_NOW)
_TOPIC_RE = _compile(_TOPIC)


def normalize(text: str) -> str:
    """Lower case, ё→е, punctuation to spaces, typos fixed, track numbers dropped."""
    low = text.lower().replace("ё", "е").replace("’", "").replace("'", "")
    low = re.sub(r"[^\w\s]", " ", low)
    words = [_TYPOS.get(w, w) for w in low.split()]
    joined = " ".join(words)
    return " ".join(_TRACK.sub(" ", joined).split())


def detect_intent(text: str) -> Intent:
    """WHAT_NOW, DISPUTE, UNSURE (on topic but unclear: ask) or NONE (greetings, bare numbers)."""
    norm = normalize(text)
    if not norm:
        return Intent.NONE
    if any(p.search(norm) for p in _DISPUTE_RE):
        return Intent.DISPUTE
    if any(p.search(norm) for p in _WHAT_NOW_RE):
        return Intent.WHAT_NOW
    if any(p.search(norm) for p in _TOPIC_RE):
        return Intent.UNSURE
    return Intent.NONE


def has_track_number(text: str) -> bool:
    """Whether the text carries a track number (explain's business): the explainer's own
    finder decides, so spaced-out numbers and look-alike letters count the same everywhere."""
    return bool(find_numbers(text, limit=1).items)
