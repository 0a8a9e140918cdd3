"""What a typed message asks (the topic table, both languages, the QA file's exact messages),
the facts it states, order numbers and look-alike digits, and the direct answers' rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.core.advice.facts import Facts, Tracking
from bot.core.answers import Verdict, cheap_answer, extend_answer
from bot.core.intents import Topic, detect_topic
from bot.core.tracknumbers import find_numbers
from bot.core.understanding import extract_facts, is_order_number, understand
from tests.support.qa import (
    QA_A7_CHEAP,
    QA_A8_ASKS_NOT_TO,
    QA_B2_EXTEND,
    QA_B2_PASTED,
    QA_B2_REFUSED,
    QA_B8_EMPTY,
    QA_C2_CUSTOMS,
    QA_C2_FACTS,
    QA_C2_SPEED_UP,
)

TODAY = date(2026, 12, 2)
T = Topic

TOPICS_RU: list[tuple[str, Topic]] = [
    (QA_A7_CHEAP, T.CHEAP),
    (QA_C2_CUSTOMS, T.WHAT_NOW),
    (QA_C2_SPEED_UP, T.WHAT_NOW),
    (QA_B8_EMPTY, T.ARRIVED_BAD),
    (QA_A8_ASKS_NOT_TO, T.WHAT_NOW),
    ("трек не отслеживается, что делать?", T.WHAT_NOW),
    ("Что мне делать?", T.WHAT_NOW),
    ("посылка застряла", T.WHAT_NOW),
    ("продавец не отвечает уже неделю", T.WHAT_NOW),
    ("где моя посылка", T.WHAT_NOW),
    ("стоит ли открывать спор?", T.WHAT_NOW),  # no price: the advisor decides
    ("Продавец просит продлить защиту на 15 дней. Соглашаться?", T.EXTEND),
    ("продавец предлагает продление защиты покупателя, это нормально?", T.EXTEND),
    ("продлевать время защиты или нет?", T.EXTEND),
    ("Мой спор отклонили, что теперь?", T.DISPUTE_REFUSED),
    ("продавец отклонил спор", T.DISPUTE_REFUSED),
    ("мне отказали в споре", T.DISPUTE_REFUSED),
    ("продавец отказал в возврате денег", T.DISPUTE_REFUSED),
    ("продавец отказывается возвращать деньги", T.DISPUTE_REFUSED),
    ("Продавец предлагает вернуть 5 долларов", T.SELLER_OFFER),
    ("продавец предложил частичный возврат", T.SELLER_OFFER),
    ("предлагают компенсацию 200 рублей", T.SELLER_OFFER),
    ("продавец просит отменить спор", T.ASKED_CANCEL),
    ("просит закрыть спор, говорит отправит новую", T.ASKED_CANCEL),
    ("закрыть спор если посылка едет?", T.ASKED_CANCEL),
    ("заказ за 150 рублей, есть смысл открывать спор?", T.CHEAP),
    ("стоит ли спорить из-за дешевой мелочи", T.CHEAP),
    ("посылка пришла пустая", T.ARRIVED_BAD),
    ("прислали не тот товар", T.ARRIVED_BAD),
    ("пришла разбитая кружка", T.ARRIVED_BAD),
    ("наушники не работают", T.ARRIVED_BAD),
    ("когда придет посылка?", T.WHEN),
    ("сколько еще ждать?", T.WHEN),
    ("как долго идет посылка из китая", T.WHEN),
    ("этот трек номер настоящий?", T.IS_REAL),
    ("продавец дал фейковый трек?", T.IS_REAL),
    ("Открыть спор", T.START_DISPUTE),
    ("как открыть спор?", T.START_DISPUTE),
    ("помогите со спором", T.START_DISPUTE),
    ("как вернуть деньги", T.START_DISPUTE),
    ("спор", T.DISPUTE_UNSURE),
    ("диспут", T.DISPUTE_UNSURE),
    ("посылка", T.UNSURE),
    ("подскажите пожалуйста", T.UNSURE),
    ("привет", T.NONE),
    ("спасибо", T.NONE),
    ("спорт", T.NONE),
]
TOPICS_EN: list[tuple[str, Topic]] = [
    (QA_B2_EXTEND, T.EXTEND),
    (QA_B2_REFUSED, T.DISPUTE_REFUSED),
    (QA_C2_FACTS, T.WHAT_NOW),
    ("my parcel LN012345675CN still shows nothing, what should I do?", T.WHAT_NOW),
    ("what should I do now?", T.WHAT_NOW),
    ("package stuck in customs for 3 weeks", T.WHAT_NOW),
    ("seller doesn't answer", T.WHAT_NOW),
    ("can it be sped up?", T.WHAT_NOW),
    ("is it worth opening a dispute?", T.WHAT_NOW),
    ("The seller asks me to not open a dispute, what now?", T.WHAT_NOW),
    ("Should I agree to extend the protection?", T.EXTEND),
    ("seller wants an extension of the buyer protection time", T.EXTEND),
    ("The seller rejected my dispute", T.DISPUTE_REFUSED),
    ("dispute declined, what next?", T.DISPUTE_REFUSED),
    ("my claim was denied", T.DISPUTE_REFUSED),
    ("seller refused my dispute", T.DISPUTE_REFUSED),
    ("The seller offered a partial refund", T.SELLER_OFFER),
    ("seller offers 7.5 dollars", T.SELLER_OFFER),
    ("they offer me half the money back", T.SELLER_OFFER),
    ("seller asks me to cancel the dispute", T.ASKED_CANCEL),
    ("should I close the dispute?", T.ASKED_CANCEL),
    ("The order cost $1.50, is it worth a dispute?", T.CHEAP),
    ("is it worth disputing a cheap order?", T.CHEAP),
    ("should I open a dispute for a 2 dollar item?", T.CHEAP),
    ("the box arrived empty", T.ARRIVED_BAD),
    ("they sent me the wrong item", T.ARRIVED_BAD),
    ("arrived broken", T.ARRIVED_BAD),
    ("the package was empty, what do I do", T.ARRIVED_BAD),
    ("when will my parcel arrive?", T.WHEN),
    ("how long does shipping take?", T.WHEN),
    ("is this tracking number real?", T.IS_REAL),
    ("fake tracking number?", T.IS_REAL),
    ("open a dispute", T.START_DISPUTE),
    ("how do I dispute this", T.START_DISPUTE),
    ("I want a refund", T.START_DISPUTE),
    ("get my money back", T.START_DISPUTE),
    ("dispute", T.DISPUTE_UNSURE),
    ("parcel", T.UNSURE),
    ("help", T.UNSURE),
    ("hello", T.NONE),
    ("thanks", T.NONE),
    ("RB123456785CN", T.NONE),
]


def test_tables_are_long_enough() -> None:
    assert len(TOPICS_RU) >= 40 and len(TOPICS_EN) >= 40


@pytest.mark.parametrize(("text", "topic"), TOPICS_RU + TOPICS_EN)
def test_topic(text: str, topic: Topic) -> None:
    assert detect_topic(text) is topic


FACTS: list[tuple[str, dict[str, Any]]] = [
    (QA_A7_CHEAP, {"price_usd": 1.5}),
    (QA_C2_CUSTOMS, {"tracking": "customs", "stalled_days": 21}),
    (
        "Seller gave me LA482139755CN 12 days ago, still not tracked anywhere. Order was $15.",
        {"days_since_shipped": 12, "tracking": "not_found", "price_usd": 15.0},
    ),
    ("отправили 2 недели назад, трек не отслеживается", {"days_since_shipped": 14}),
    ("заказ стоил 1 890 ₽", {"price_usd": 21.0, "price_typed": "1890 RUB"}),
    ("осталось 3 дня на таймере", {"protection_days_left": 3}),
    ("10 days left on the timer, no updates for 9 days", {"protection_days_left": 10}),
    ("stuck in customs for 2 weeks", {"tracking": "customs", "stalled_days": 14}),
    ("shows delivered but I did not get it", {"tracking": "delivered_not_received"}),
    ("доставлена, но я её не получал", {"tracking": "delivered_not_received"}),
    ("статус не обновляется 10 дней", {"tracking": "stalled", "stalled_days": 10}),
    ("shipped on 20.11", {"days_since_shipped": 12}),
    ("привет", {}),
]


@pytest.mark.parametrize(("text", "expected"), FACTS)
def test_facts_in_the_text(text: str, expected: dict[str, Any]) -> None:
    facts = extract_facts(text, TODAY)
    assert {k: facts.get(k) for k in expected} == expected
    if not expected:
        assert facts == {}


def test_an_offer_is_the_offer_not_the_price() -> None:
    facts = extract_facts("seller offers 7.5 dollars", TODAY, Topic.SELLER_OFFER)
    assert facts == {"offer_amount": 7.5}


def test_a_future_ship_date_is_not_taken() -> None:
    assert "days_since_shipped" not in extract_facts("shipped on 25.12.2026", TODAY)


def test_a_pasted_seller_message_is_numbers_without_a_question() -> None:
    understood = understand(QA_B2_PASTED, TODAY)
    assert [a.number for a in understood.numbers] == ["RB123456785CN"]
    assert not understood.asks  # the link's "?" is not a question


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("8123456789012345", True),
        ("3041234567890123", True),
        ("1234567890123456", False),
        ("812345678901234", False),  # 15 digits
        ("RB123456785CN", False),
    ],
)
def test_order_numbers(number: str, expected: bool) -> None:
    assert is_order_number(number) is expected


def test_order_number_is_told_apart_from_track_numbers() -> None:
    understood = understand("Order 8123456789012345, track RB123456785CN", TODAY)
    assert understood.order_numbers == ("8123456789012345",)
    assert [a.number for a in understood.numbers] == ["RB123456785CN"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("RR66210394ЗCN", "RR662103943CN"),  # Cyrillic З for 3 (QA C6)
        ("RR 6621 0394з CN", "RR662103943CN"),
        ("RB12345б785CN", "RB123456785CN"),  # б for 6
        ("RB1234О6785CN", "RB123406785CN"),  # Cyrillic О between digits
        ("RО123456785CN", "RO123456785CN"),  # but a letter next to letters
    ],
)
def test_look_alike_digits(text: str, number: str) -> None:
    assert [a.number for a in find_numbers(text).items] == [number]


@pytest.mark.parametrize(
    ("facts", "verdict"),
    [
        (Facts(tracking=Tracking.MOVING, protection_days_left=20), Verdict.YES),
        (Facts(tracking=Tracking.CUSTOMS, stalled_days=10), Verdict.YES),
        (Facts(tracking=Tracking.MOVING, protection_days_left=3), Verdict.NO),
        (Facts(tracking=Tracking.NOT_FOUND, protection_days_left=20), Verdict.NO),
        (Facts(tracking=Tracking.CUSTOMS, stalled_days=30), Verdict.NO),
        (Facts(protection_days_left=-2), Verdict.NO),
        (Facts(), Verdict.DEPENDS),
    ],
)
def test_extend_only_while_it_moves_and_the_timer_is_not_near_zero(
    facts: Facts, verdict: Verdict
) -> None:
    assert extend_answer(facts).verdict is verdict


def test_cheap_order_waits_unless_the_timer_is_near_its_end() -> None:
    wait = cheap_answer(Facts(price_usd=1.5))
    assert wait is not None and wait.verdict is Verdict.NO and "$1.50" in wait.text
    hurry = cheap_answer(Facts(price_usd=1.5, protection_days_left=3))
    assert hurry is not None and hurry.verdict is Verdict.YES and hurry.dispute
    assert cheap_answer(Facts(price_usd=15.0)) is None  # not cheap: the advisor decides
