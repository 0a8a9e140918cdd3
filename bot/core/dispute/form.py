"""The AliExpress dispute form, field by field: what each step of the walk-through answers there.

The bot speaks the user's language, but the form may show English, so every field and answer is
named with the site's own English label (the msgid) and, in another language, its translation
next to it (QA B4). Only the labels the buyer's guide quotes are ``verified`` ("Open Dispute",
"Did you receive your goods?", "No", "No tracking information", "Full refund", "Submit"); for the
others the chat adds "or the closest one": the site's wording changes and we have not seen it.
Pure, no Telegram.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.advice.letters import DisputeReason, Problem
from bot.core.advice.outcome import days
from bot.core.advice.timelines import DEFAULTS
from bot.i18n import N_, _


@dataclass(frozen=True, slots=True)
class Label:
    """A field or an answer of the form. ``text`` is the English label on the site (the msgid);
    ``on_site`` False: a field the form has without that exact label (we describe it)."""

    text: str
    verified: bool = False
    on_site: bool = True


OPEN = Label(N_("Open Dispute"), verified=True)
RECEIVED = Label(N_("Did you receive your goods?"), verified=True)
NO = Label(N_("No"), verified=True)
YES = Label(N_("Yes"), verified=True)
FULL_REFUND = Label(N_("Full refund"), verified=True)
PARTIAL_REFUND = Label(N_("Partial refund"))
SUBMIT = Label(N_("Submit"), verified=True)
# Fields named in our words: the site's labels for them are not quoted anywhere we trust.
REASON = Label(N_("Reason"), on_site=False)
SOLUTION = Label(N_("Solution"), on_site=False)
DESCRIPTION = Label(N_("Description"), on_site=False)
EVIDENCE = Label(N_("Evidence"), on_site=False)

# The reason to pick in the form for each answer of the walk-through.
REASONS: dict[DisputeReason | Problem, Label] = {
    DisputeReason.NO_TRACKING: Label(N_("No tracking information"), verified=True),
    DisputeReason.LATE: Label(N_("Shipment is still in transit")),
    DisputeReason.CUSTOMS: Label(N_("Package held by customs")),
    DisputeReason.RETURNED: Label(N_("Package returned to the seller")),
    DisputeReason.NOT_RECEIVED: Label(N_("Tracking shows delivered, but I did not receive it")),
    Problem.NOT_AS_DESCRIBED: Label(N_("Item not as described")),
    Problem.POOR_QUALITY: Label(N_("Quality issue")),
    Problem.NOT_WORKING: Label(N_("Item does not work")),
    Problem.COUNTERFEIT: Label(N_("Counterfeit item")),
    Problem.DAMAGED: Label(N_("Item damaged")),
    Problem.WRONG_OR_MISSING: Label(N_("Wrong item or missing parts")),
    Problem.EMPTY: Label(N_("Empty package")),
}


def quoted(label: Label) -> str:
    """ "“No”" in English; in Russian «Нет» with the site's “No” beside it."""
    if not label.on_site:
        return _(label.text)
    local = _(label.text)
    text = _("\u201c{label}\u201d").format(label=local)
    if local != label.text:
        text = _("{local} (on an English page \u201c{site}\u201d)").format(
            local=text, site=label.text
        )
    if not label.verified:
        text = _("{label} or the closest one").format(label=text)
    return text


def line(field: Label, answer: str) -> str:
    """ "“Did you receive your goods?” → “No”" """
    return _("{field} \u2192 {answer}").format(field=quoted(field), answer=answer)


def done_line(field: Label, answer: str) -> str:
    """A field the user has just answered, as a step repeats it: "🧾 In the form: …"."""
    return _("\U0001f9fe In the form: {line}").format(line=line(field, answer))


def subject_of(reason: str | None, problem: str | None) -> DisputeReason | Problem | None:
    if problem is not None:
        return Problem(problem)
    return DisputeReason(reason) if reason is not None else None


def solution(subject: DisputeReason | Problem | None, keep_item: bool | None, amount: str) -> str:
    """The solution field's answer: full refund (returning the item if it is sent back) or a
    partial refund of ``amount`` (already formatted)."""
    if keep_item:
        return _("{answer}, {amount}").format(answer=quoted(PARTIAL_REFUND), amount=amount)
    full = _("{answer}, {amount}").format(answer=quoted(FULL_REFUND), amount=amount)
    if isinstance(subject, Problem) and subject is not Problem.EMPTY:
        return full + _("; ship the item back within {days} after the seller agrees").format(
            days=days(DEFAULTS.return_shipping)
        )
    return full


def summary(
    subject: DisputeReason | Problem | None,
    *,
    keep_item: bool | None,
    amount: str,
    evidence: list[str] | None,
) -> list[str]:
    """The form filled in, field by field, in the order the site asks (QA B4). ``evidence``: what
    to attach, or None when the user has nothing (then the text does not claim any)."""
    received = NO if not isinstance(subject, Problem) else YES
    lines = [
        _("On the order page press {button}.").format(button=quoted(OPEN)),
        line(RECEIVED, quoted(received)),
    ]
    if subject is not None:
        lines.append(line(REASON, quoted(REASONS[subject])))
    lines.append(line(SOLUTION, solution(subject, keep_item, amount)))
    lines.append(line(DESCRIPTION, _("paste the English text from the next message")))
    if evidence:
        items = "; ".join(item[:1].lower() + item[1:] for item in evidence)
        lines.append(line(EVIDENCE, _("attach: {items}").format(items=items)))
    else:
        lines.append(
            line(EVIDENCE, _("nothing to attach; the English text does not mention any files"))
        )
    lines.append(_("Press {button}.").format(button=quoted(SUBMIT)))
    return lines
