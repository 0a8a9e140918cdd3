"""The QA file's exact messages (shared/qa/2026-12-02-buyers-findings.md, sections A-C), for the
intent tables and the end-to-end tests named after their QA items."""

from __future__ import annotations

QA_B2_PASTED = (
    "Здравствуйте, дорогой друг! Ваш заказ отправлен. Трек-номер: RВ 1234 5678 5СN . Отследить "
    "можно здесь: https://global.cainiao.com/detail.htm?mailNoList=RB123456785CN Пожалуйста, не "
    "открывайте спор, посылка в пути!"
)
QA_B2_EXTEND = (
    "The seller asks me to extend the buyer protection by 15 days instead of opening a dispute. "
    "Should I agree?"
)
QA_B2_REFUSED = "My dispute was refused by the seller. What now?"
QA_A7_CHEAP = "Заказ стоил 1,5 доллара. Стоит открывать спор?"
QA_C2_CUSTOMS = "Посылка RR662103942CN уже 3 недели висит на таможне"
QA_C2_SPEED_UP = "А можно как-то ускорить?"
QA_B8_EMPTY = "Посылка пришла, но внутри пусто. Что делать?"
QA_A8_ASKS_NOT_TO = "Продавец просит не открывать спор, говорит что посылка в пути. Что делать?"

QA_C2_FACTS = (
    "Seller gave me LA482139755CN 12 days ago, still not tracked anywhere. Order was $15. "
    "What should I do?"
)
