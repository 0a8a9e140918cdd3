"""What the chat shows for numbers that are not explained one by one: an AliExpress order id, and
a long paste summed up in one compact message with "watch all"."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.tracknumbers import Analysis
from bot.core.tracknumbers.render import VERDICT_ICON, verdict_text
from bot.i18n import _, ngettext
from bot.ui.present import esc


def order_number_text(numbers: Sequence[str]) -> str:
    """An AliExpress order id pasted where a track number was expected."""
    listed = ", ".join(f"<code>{esc(n)}</code>" for n in numbers)
    head = ngettext(
        "🧾 {numbers} is your AliExpress order number, not a track number.",
        "🧾 {numbers} are AliExpress order numbers, not track numbers.",
        len(numbers),
    ).format(numbers=listed)
    return (
        head
        + "\n"
        + _(
            "The track number is on the order page: open the order and tap “Track order”; "
            "it is shown there next to the carrier's name. Paste it here and I will explain it."
        )
    )


def summary_text(numbers: Sequence[Analysis], total: int) -> str:
    """A long paste in one message: one line per number."""
    lines = [
        ngettext(
            "I found {n} number. In short:",
            "I found {n} numbers. In short:",
            total,
        ).format(n=total)
    ]
    for index, analysis in enumerate(numbers, start=1):
        icon = VERDICT_ICON[analysis.verdict]
        verdict = verdict_text(analysis.verdict, analysis.best.format_id)
        lines.append(f"{index}. <code>{esc(analysis.number)}</code> {icon} {esc(verdict)}")
    if total > len(numbers):
        lines.append(
            ngettext(
                "{n} more was left out: send it in a separate message.",
                "{n} more were left out: send them in a separate message.",
                total - len(numbers),
            ).format(n=total - len(numbers))
        )
    lines.append(
        _("Send a single number to have it explained in full, or watch them all with one tap.")
    )
    return "\n".join(lines)


def watched_all_text(added: int, already: int, refused: int) -> str:
    """The answer to "watch all"."""
    lines = [
        ngettext(
            "👁 Now watching {n} more parcel.",
            "👁 Now watching {n} more parcels.",
            added,
        ).format(n=added)
    ]
    if already:
        lines.append(
            ngettext(
                "{n} was already in your list.", "{n} were already in your list.", already
            ).format(n=already)
        )
    if refused:
        lines.append(
            ngettext(
                "{n} did not fit: you watch as many parcels as I can keep.",
                "{n} did not fit: you watch as many parcels as I can keep.",
                refused,
            ).format(n=refused)
        )
    lines.append(_("I will check them shortly and write when something changes. /list shows them."))
    return "\n".join(lines)
