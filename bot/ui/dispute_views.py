"""What the parcel card says and offers about a dispute (QA C5, B3), and the dispute buttons under
a "delivered" advice (QA B8). Pure: data in, HTML lines and button rows out."""

from __future__ import annotations

from datetime import date

from bot.core.advice.facts import SellerResponse
from bot.core.dispute import DisputeDay, Outcome, dispute_day, is_open
from bot.i18n import N_, _
from bot.ui.buttons import Button, DisputeOutcome, DisputeParcel, DisputeTold
from bot.ui.present import fmt_date
from storage.models import Parcel

_SELLER_DID: dict[SellerResponse, str] = {
    SellerResponse.REFUSED: N_("the seller refused: ask AliExpress to step in, do not cancel."),
    SellerResponse.OFFER: N_("the seller made an offer: check the amount before accepting."),
    SellerResponse.ASKED_CANCEL: N_(
        "the seller asks you to cancel: do not, until you have the parcel or the refund."
    ),
    SellerResponse.ACCEPTED: N_("the seller accepted: the refund is on its way."),
}


def _day(d: DisputeDay) -> str:
    if d.day is None:
        return _("⚖️ Dispute open")
    return _("⚖️ Dispute open, day {n}").format(n=d.day)


def dispute_line(parcel: Parcel, today: date) -> str | None:
    """ "⚖️ Dispute open, day 4 — the seller has until Dec 6 to answer." None without one."""
    d = dispute_day(parcel.dispute_status, parcel.dispute_opened_on, parcel.seller_response, today)
    if d is None:
        return None
    if d.response is not None:
        what = _(_SELLER_DID[d.response])
    elif d.seller_until is not None:
        what = _("the seller has until {date} to answer.").format(date=fmt_date(d.seller_until))
    elif d.day is not None:
        what = _(
            "the seller's days to answer are over: without an answer it closes in your favour."
        )
    else:
        what = _("tell me what the seller answered.")
    return _("{dispute} — {what}").format(dispute=_day(d), what=what)


OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.REFUSED: N_("❌ Seller refused"),
    Outcome.OFFER: N_("💸 Seller offered money"),
    Outcome.ASKED_CANCEL: N_("🙏 Asked me to cancel"),
    Outcome.ACCEPTED: N_("✅ Accepted, refund coming"),
}


def dispute_rows(parcel: Parcel) -> list[list[Button]]:
    """ "Open a dispute", or with one open, what happened to it: one tap each (QA B3)."""
    if not is_open(parcel.dispute_status, parcel.dispute_opened_on):
        return [[(_("⚖️ Open a dispute"), DisputeParcel(parcel.id).pack())]]
    buttons = [
        (_(label), DisputeOutcome(parcel.id, outcome).pack())
        for outcome, label in OUTCOME_LABELS.items()
    ]
    return [buttons[:2], buttons[2:]]


TOLD_LABELS: tuple[tuple[str, str], ...] = (
    ("p_empty", N_("📭 It arrived empty")),
    ("p_missing", N_("🔀 Wrong item or parts missing")),
    ("p_damaged", N_("💥 It arrived damaged")),
    ("r_not_recv", N_("📪 Shows delivered, but I have nothing")),
)


def told_rows(parcel_id: int) -> list[list[Button]]:
    """Under "check it before confirming": a dispute for what is wrong, one tap (QA B8)."""
    return [[(_(label), DisputeTold(parcel_id, code).pack())] for code, label in TOLD_LABELS]
