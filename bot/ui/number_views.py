"""What the chat shows for numbers that are not explained one by one: an AliExpress order id, and
a long paste summed up in one compact message with "watch all"."""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.tracknumbers import Analysis, Trackability
from bot.i18n import _, ngettext
from bot.ui.present import esc

_ICON = {
    Trackability.INTERNATIONAL: "✅",
    Trackability.ORIGIN_ONLY: "🟡",
    Trackability.LOCAL_ONLY: "🟠",
    Trackability.INVALID: "❌",
    Trackability.UNKNOWN: "❔",
}


def _verdict(verdict: Trackability) -> str:
    # The explainer's own words, so the summary and the full explanation agree.
    if verdict is Trackability.INTERNATIONAL:
        return _("Tracked internationally")
    if verdict is Trackability.ORIGIN_ONLY:
        return _("Tracked only inside the origin country")
    if verdict is Trackability.LOCAL_ONLY:
        return _("Carrier-local number: ask the seller for the international one")
    if verdict is Trackability.INVALID:
        return _("Probably a typo or a fake number")
    return _("Not a format we know")


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
        icon = _ICON[analysis.verdict]
        lines.append(
            f"{index}. <code>{esc(analysis.number)}</code> {icon} {esc(_verdict(analysis.verdict))}"
        )
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
