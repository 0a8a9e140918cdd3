"""The phrase list for intent detection, both languages, plus negatives."""

from __future__ import annotations

import pytest

from bot.core.intents import Intent, detect_intent, normalize

WHAT_NOW_RU = [
    "что делать?",
    "Что мне делать?",
    "что теперь делать",
    "Што делать???",
    "чо делать",
    "че дилать",
    "что же делать с посылкой",
    "посылка не отслеживается",
    "Посылка не отслеживаеться",
    "трек не работает",
    "трек номер не найден",
    "трек не пробивается",
    "продавец не отвечает",
    "Продовец молчит",
    "продавец игнорирует меня",
    "посылка застряла",
    "посылка потерялась",
    "посылка пропала из отслеживания",
    "посылка висит на таможне",
    "где моя посылка?",
    "где мой заказ",
    "заказ не пришел",
    "посылка не приходит уже месяц",
    "статус не обновляется",
    "нет отслеживания уже 2 недели",
    "как быть, трек LX299455986CN не читается",
    "что дальше?",
    "что посоветуете?",
]
WHAT_NOW_EN = [
    "what should I do",
    "What should I do now?",
    "wat shoud i do",
    "what do I do",
    "what now?",
    "what next",
    "tracking not found",
    "Tracking number not found",
    "tracking does not work",
    "tracking doesn't work",
    "trackng not updating",
    "my parcel is not tracked",
    "no tracking for 3 weeks",
    "can't track my package",
    "seller doesn't answer",
    "the seller does not respond",
    "Seller won't reply",
    "seller is ignoring me",
    "package stuck",
    "my parcel is lost",
    "order has not arrived",
    "package never arrived",
    "where is my parcel?",
    "stuck in customs for a month",
    "no updates since may",
    "LX299455986CN not tracking, what should I do?",
]
DISPUTE_RU = [
    "Открыть спор",
    "как открыть спор?",
    "хочу открыть диспут",
    "помогите со спором",
    "продавец не отвечает, открыть спор?",
    "как вернуть деньги",
    "возврат денег",
    "открыла претензию",
]
DISPUTE_EN = [
    "open a dispute",
    "Open dispute",
    "how do I dispute this",
    "I want a refund",
    "refund please",
    "money back",
    "how to open a case",
    "get my money back",
]
UNSURE = [
    "спор",  # open one, the seller answered, or advice? (one question with buttons)
    "диспут",
    "dispte",
    "посылка",
    "мой заказ",
    "трек",
    "помогите",
    "подскажите пожалуйста",
    "продавец",
    "parcel",
    "my order",
    "help",
    "tracking",
    "seller",
    "customs",
]
NONE = [
    "",
    "   ",
    "привет",
    "Привет!",
    "здравствуйте",
    "спасибо",
    "hi",
    "Hello!",
    "thanks",
    "ok",
    "LX299455986CN",
    "RB123456785CN",
    "773012345678",
    "LP00068434402473",
    "/start",
    "👍",
    "спорт",  # not "спор"
    "как погода",
    "what time is it",
]


def test_lists_are_long_enough() -> None:
    assert len(WHAT_NOW_RU) + len(DISPUTE_RU) >= 25
    assert len(WHAT_NOW_EN) + len(DISPUTE_EN) >= 25
    assert len(WHAT_NOW_RU) >= 25 and len(WHAT_NOW_EN) >= 25


@pytest.mark.parametrize("text", WHAT_NOW_RU + WHAT_NOW_EN)
def test_what_now(text: str) -> None:
    assert detect_intent(text) is Intent.WHAT_NOW


@pytest.mark.parametrize("text", DISPUTE_RU + DISPUTE_EN)
def test_dispute(text: str) -> None:
    assert detect_intent(text) is Intent.DISPUTE


@pytest.mark.parametrize("text", UNSURE)
def test_unsure_asks_instead_of_guessing(text: str) -> None:
    assert detect_intent(text) is Intent.UNSURE


@pytest.mark.parametrize("text", NONE)
def test_negatives(text: str) -> None:
    assert detect_intent(text) is Intent.NONE


def test_normalize() -> None:
    assert normalize("Ещё  ТРЕК,  LX299455986CN!!!") == "еще трек"
    assert normalize("What's up? Doesn't work") == "whats up does not work"
