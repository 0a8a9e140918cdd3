"""Recognise what a buyer's message asks, typed in Russian or English.

Deliberately simple and explainable: normalise the text (case, ё→е, punctuation, common typos,
track numbers removed), then match short lists of phrase patterns, one list per :class:`Topic`,
tried in a fixed order (the most specific question first: "my dispute was refused" is about a
dispute, but not a request to open one). A lone topic word ("посылка", "tracking") gives UNSURE,
a lone "спор"/"dispute" gives DISPUTE_UNSURE, so the chat asks instead of guessing.
"""

from __future__ import annotations

import re
from enum import StrEnum

from bot.core.tracknumbers import find_numbers


class Intent(StrEnum):
    """The coarse kind: advice (any question of its own), the dispute walk-through, unclear."""

    WHAT_NOW = "what_now"
    DISPUTE = "dispute"
    UNSURE = "unsure"
    NONE = "none"


class Topic(StrEnum):
    """What exactly the message asks (the tested set; see tests/unit/test_intents.py)."""

    DISPUTE_REFUSED = "refused"  # my dispute was refused: what now?
    SELLER_OFFER = "offer"  # the seller offered a partial refund
    ASKED_CANCEL = "asked_cancel"  # the seller asks me to cancel / close the dispute
    EXTEND = "extend"  # the seller asks to extend protection: should I agree?
    CHEAP = "cheap"  # is a dispute worth it for a cheap order?
    ARRIVED_BAD = "arrived_bad"  # arrived empty, wrong or broken
    WHEN = "when"  # when will it come?
    IS_REAL = "is_real"  # is this number real?
    START_DISPUTE = "start_dispute"  # open a dispute (the walk-through)
    WHAT_NOW = "what_now"
    DISPUTE_UNSURE = "dispute_unsure"  # "спор", "dispute" alone: which of the dispute things?
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

_REFUSED = [
    r"\bспор\w* (?:был\w* )?(?:отклон\w*|отказа\w*|проигра\w*|закрыли в пользу продавца)",
    r"\b(?:отклонил\w*|отказал\w*|отказ) (?:мне )?(?:в )?(?:мой |моем )?(?:спор\w*|возврат\w*)",
    r"\bпродав\w* (?:мне )?(?:отклонил\w*|отказал\w*|отказывается)",
    r"\b(?:dispute|claim|refund)\w* (?:was |got |has been |is |were )?"
    r"(?:refused|rejected|declined|denied)",
    r"\b(?:refused|rejected|declined|denied) (?:my |the |a )?(?:dispute|claim|refund)",
    r"\bseller (?:has )?(?:refused|rejected|declined|denied)",
]
_OFFER = [
    r"\bпредлага\w* (?:мне )?(?:вернуть|возврат\w*|компенсац\w*|частичн\w*|скидк\w*|\d|половин\w*|"
    r"деньги|доплат\w*|только)",
    r"\bпредложил\w* (?:мне )?(?:вернуть|возврат\w*|компенсац\w*|частичн\w*|скидк\w*|\d|половин\w*|"
    r"деньги|только)",
    r"\bчастичн\w* (?:возврат|компенсац)\w*",
    r"\b(?:offer\w*|propos\w*) (?:me )?(?:a |to )?(?:partial|\d|half|some|refund|compensation|"
    r"discount|only)",
    r"\bpartial refund\b",
]
_ASKED_CANCEL = [
    r"\bпрос\w* (?:меня )?(?:отменить|закрыть|отозвать|снять|отменять|закрывать) "
    r"(?:спор|диспут|претензи)",
    r"\b(?:отменить|закрыть|отозвать|отменять|закрывать) (?:мой |этот )?(?:спор|претензи)\w*",
    r"\b(?:cancel|close|withdraw) (?:the |my |this |a )?(?:dispute|claim|case)",
    r"\basks? me to (?:cancel|close|withdraw)",
]
_EXTEND = [
    r"\bпродл\w*",
    r"\bextend\w*",
    r"\bextension\b",
]
# "Is it worth a dispute?": with a price (or "cheap") it is the cheap-order question.
_WORTH = [
    r"\bстоит (?:ли )?(?:мне )?(?:вообще )?(?:открыва\w*|откры\w*|начина\w*|подава\w*) "
    r"(?:спор|диспут|претензи)",
    r"\bстоит (?:ли )?(?:спорить|связываться)",
    r"\bесть (?:ли )?смысл\b",
    r"\bworth (?:a |opening a |to open a |the |it|disputing)",
    r"\bshould i (?:open|start|file) (?:a |the )?(?:dispute|claim)",
]
_CHEAP_WORDS = [
    r"\bдешев\w*",
    r"\bкопеечн\w*",
    r"\bкопейк\w*",
    r"\bмелоч\w*",
    r"\bcheap\w*",
    r"\bpenny\b",
    r"\bcents?\b",
    r"\d(?: \d+)? ?(?:долл\w*|dollars?|usd|бакс\w*|руб\w*|р|евро|euros?|eur|юан\w*|грн|тенге|"
    r"цент\w*)\b",
]
_ARRIVED_BAD = [
    r"\bпуст(?:ая|ой|ую|о|ые|ым)\b",
    r"\bне (?:тот|та|то|те) (?:товар|цвет|размер|модель|что|вещь)",
    r"\bприслал\w* не (?:то|тот|та|те)\b",
    r"\b(?:сломан\w*|разбит\w*|бракован\w*|поврежд\w*|треснут\w*|помят\w*)",
    r"\b(?:товар|вещь|наушники|телефон|часы|он|она|оно) не работа\w*",
    r"\b(?:box|package|parcel|bag) (?:was |is |came |arrived )?(?:completely )?empty\b",
    r"\barrived empty\b",
    r"\bempty (?:box|package|parcel|bag)\b",
    r"\bnothing (?:was )?inside\b",
    r"\bwrong (?:item|product|color|colour|size|thing|model|goods)\b",
    r"\bnot what i ordered\b",
    r"\bsent (?:me )?(?:the |a )?wrong\b",
    r"\b(?:broken|damaged|defective|cracked|smashed)\b",
    r"\b(?:item|it|product|device) (?:does not|did not|do not) work\b",
]
_IS_REAL = [
    r"\b(?:номер|трек\w*)\b.*\b(?:настоящ\w*|реальн\w*|фейк\w*|поддельн\w*|липов\w*|фальшив\w*|"
    r"выдуман\w*|ненастоящ\w*|левый|левый)",
    r"\b(?:фейк\w*|липов\w*|фальшив\w*|ненастоящ\w*|поддельн\w*|левый) (?:номер|трек)",
    r"\b(?:is|are) (?:this|that|the|my|these|it) (?:a )?(?:tracking |track )?"
    r"(?:number|code|tracking)?s? ?(?:a )?(?:real|fake|valid|genuine|legit)",
    r"\bfake (?:tracking|track|number)",
    r"\b(?:real|valid|genuine|legit) (?:tracking|track) (?:number|code)\b",
]
_WHEN = [
    r"\bкогда (?:же )?(?:она |он |посылка |заказ |мой заказ |моя посылка |ее |его )?"
    r"(?:придет|приедет|прибудет|доставят|будет|дойдет|получу|ждать)",
    r"\bсколько (?:еще )?(?:ждать|идет|едет|ехать|будет идти|будет ехать|она будет)",
    r"\bкак долго (?:ждать|идет|едет|она)",
    r"\bсроки? доставки\b",
    r"\bwhen (?:will|would|does|do|should|is) (?:it|my|the|i|this)\b.*"
    r"\b(?:arrive|come|get|delivered|receive|here)",
    r"\bhow long (?:will|does|do|until|till|to|is)\b",
    r"\b(?:delivery|arrival) (?:time|date|estimate)\b",
]
# Questions about the next step that mention a dispute without asking to open one.
_WHAT_NOW_FIRST = [
    r"\bне открыва\w* спор",
    r"\b(?:do not|not to|to not) open (?:a |the )?dispute",
]
_START_DISPUTE = [
    r"\b(?:откры\w*|начать|подать|оформить|создать) (?:\w+ )?(?:спор|диспут|претензи)\w*",
    r"\bпомог\w* (?:мне )?(?:с|со) (?:спор|диспут|претензи)\w*",
    r"\bвернуть (?:деньги|оплату)",
    r"\bвозврат\w* (?:денег|средств)",
    r"\b(?:open|start|file|raise|make) (?:a |the |an )?(?:dispute|case|claim)\b",
    r"\bdispute (?:this|it|the order|my order)\b",
    r"\bhow (?:do i|can i|to) dispute\b",
    r"\brefund\w*\b",
    r"\bmoney back\b",
    r"\bget my money\b",
]
# "спор", "dispute" alone: open one, report the seller's answer, or advice? Ask.
_DISPUTE_WORDS = [
    r"\bспор(?:а|у|ом|е|ы|ов)?\b",
    r"\bпретензи\w*",
    r"\bdispute\w*\b",
]
_WHAT_NOW = [
    r"\bчто (?:же )?(?:мне |теперь |сейчас |дальше )*делать\b",
    r"\bкак (?:мне )?(?:теперь )?быть\b",
    r"\bчто дальше\b",
    r"\bчто посоветуе\w*",
    r"\bне отслежива\w*",
    r"\bне (?:отображается|обновляется|меняется|находится|читается|ищется|двигается)\b",
    r"\bтрек\w*(?: номер\w*)? не (?:работает|найден|находится|читается|пробивается|видно)",
    r"\bне (?:приходит|пришла|пришел|дошла|доходит|получил\w*)\b",
    r"\bпосылк\w* (?:застрял\w*|потерял\w*|пропал\w*|стоит|висит|не)\b",
    r"\bзастрял\w*",
    r"\bпропал\w*",
    r"\bпотерял\w*",
    r"\bвисит\b",
    r"\bна таможн\w*",
    r"\bускор\w*",
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
    r"\bshows? nothing\b",
    r"\b(?:speed|sped) (?:it |this )?up\b",
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


_TABLE: tuple[tuple[Topic, list[re.Pattern[str]]], ...] = tuple(
    (topic, _compile(patterns))
    for topic, patterns in (
        (Topic.DISPUTE_REFUSED, _REFUSED),
        (Topic.SELLER_OFFER, _OFFER),
        (Topic.ASKED_CANCEL, _ASKED_CANCEL),
        (Topic.EXTEND, _EXTEND),
        (Topic.CHEAP, _WORTH),
        (Topic.ARRIVED_BAD, _ARRIVED_BAD),
        (Topic.IS_REAL, _IS_REAL),
        (Topic.WHEN, _WHEN),
        (Topic.WHAT_NOW, _WHAT_NOW_FIRST),
        (Topic.START_DISPUTE, _START_DISPUTE),
        (Topic.WHAT_NOW, _WHAT_NOW),
        (Topic.DISPUTE_UNSURE, _DISPUTE_WORDS),
        (Topic.UNSURE, _TOPIC),
    )
)
_CHEAP_RE = _compile(_CHEAP_WORDS)
_PRICE_SIGN = re.compile(r"[$€£¥₽]\s*\d|\d\s*[$€£¥₽]")
_INTENT_OF = {
    Topic.START_DISPUTE: Intent.DISPUTE,
    Topic.UNSURE: Intent.UNSURE,
    Topic.DISPUTE_UNSURE: Intent.UNSURE,
    Topic.NONE: Intent.NONE,
}


def normalize(text: str) -> str:
    """Lower case, ё→е, punctuation to spaces, typos fixed, track numbers dropped."""
    low = text.lower().replace("ё", "е").replace("’", "").replace("'", "")
    low = re.sub(r"[^\w\s]", " ", low)
    words = [_TYPOS.get(w, w) for w in low.split()]
    joined = " ".join(words)
    return " ".join(_TRACK.sub(" ", joined).split())


def detect_topic(text: str) -> Topic:
    """What ``text`` asks: the first topic of the table whose phrase patterns match."""
    norm = normalize(text)
    if not norm:
        return Topic.NONE
    for topic, patterns in _TABLE:
        if any(p.search(norm) for p in patterns):
            if topic is Topic.CHEAP and not _priced(text, norm):
                return Topic.WHAT_NOW  # "is a dispute worth it?" without a price: the advisor
            return topic
    return Topic.NONE


def _priced(text: str, norm: str) -> bool:
    return _PRICE_SIGN.search(text) is not None or any(p.search(norm) for p in _CHEAP_RE)


def detect_intent(text: str) -> Intent:
    """WHAT_NOW (a question of its own), DISPUTE (open one), UNSURE (on topic but unclear: ask)
    or NONE (greetings, bare numbers)."""
    return _INTENT_OF.get(detect_topic(text), Intent.WHAT_NOW)


def has_track_number(text: str) -> bool:
    """Whether the text carries a track number (explain's business): the explainer's own
    finder decides, so spaced-out numbers and look-alike letters count the same everywhere."""
    return bool(find_numbers(text, limit=1).items)
