"""Chat (HTML) and command-line rendering of track-number explanations."""

from __future__ import annotations

import argparse
import html
import json
import re
import sys
from collections.abc import Iterable, Sequence

from bot.core.tracknumbers import s10
from bot.core.tracknumbers.core import DEFAULT_LIMIT, find_numbers
from bot.core.tracknumbers.model import (
    Analysis,
    CheckDigit,
    FoundNumbers,
    Interpretation,
    Kind,
    Link,
    Trackability,
)
from bot.i18n import N_, _, current_language, ngettext, use_language

TELEGRAM_LIMIT = 4096
_MAX_LINKS = 5
_MAX_ALTERNATIVES = 4
_MIN_ALTERNATIVE = 0.1  # below this, an alternative to a check-digit-valid reading is not shown

VERDICT_ICON = {
    Trackability.INTERNATIONAL: "✅",
    Trackability.ORIGIN_ONLY: "🟡",
    Trackability.LOCAL_ONLY: "🟠",
    Trackability.INVALID: "❌",
    Trackability.UNKNOWN: "❔",
}


_RUSSIAN_POST_RPO = "russian_post_rpo"
_NOTE_CHINA_LOCAL_FROM_SELLER = N_(
    "If the seller gave you this number, it is more likely a courier's number inside China: ask "
    "the seller for the international number (2 letters, 9 digits, 2 letters)."
)
_RUSSIAN_POST_SEARCH = "https://www.pochta.ru/tracking"


def verdict_text(verdict: Trackability, format_id: str | None = None) -> str:
    if format_id == _RUSSIAN_POST_RPO and verdict is Trackability.ORIGIN_ONLY:
        # "Only inside the origin country" read as "not in Russia" to a Russian buyer (QA C3).
        return _("Tracked on the Russian Post site, inside Russia")
    if verdict is Trackability.INTERNATIONAL:
        return _("Tracked internationally")
    if verdict is Trackability.ORIGIN_ONLY:
        return _("Tracked only inside the origin country")
    if verdict is Trackability.LOCAL_ONLY:
        return _("Carrier-local number: ask the seller for the international one")
    if verdict is Trackability.INVALID:
        return _("Probably a typo or a fake number")
    return _("Not a format we know")


def visible_length(message: str) -> int:
    """Length Telegram counts: text without tags, entities decoded, in UTF-16 code units."""
    text = html.unescape(_TAG_RE.sub("", message))
    return len(text.encode("utf-16-le")) // 2


_TAG_RE = re.compile(r"<[^>]*>")
_ANCHOR_RE = re.compile(r'<a href="([^"]*)">(.*?)</a>')


def _who(interp: Interpretation) -> str:
    """Who issued the number, in words (already escaped)."""
    if interp.kind is Kind.S10 and interp.issuing_country:
        country = s10.country_name(interp.issuing_country, current_language())
        if interp.carrier_name:
            return _("{post} ({country})").format(
                post=html.escape(_(interp.carrier_name)), country=html.escape(country)
            )
        return _("the national post of {country}").format(country=html.escape(country))
    if interp.private_suffix and interp.carrier_name:
        return _("{carrier} (its own number in the postal format)").format(
            carrier=html.escape(_(interp.carrier_name))
        )
    if interp.carrier_name:
        return html.escape(_(interp.carrier_name))
    return _("an unknown issuer")


def _headline(interp: Interpretation) -> str:
    # Words, not the model's percentages: a bare "70%" told buyers nothing (QA C6).
    who = _who(interp)
    if interp.kind is Kind.UNKNOWN and not interp.carrier:
        return ""
    if interp.confidence >= 0.9:
        return who
    if interp.confidence >= 0.5:
        return _("probably {who}").format(who=who)
    return _("possibly {who}").format(who=who)


def _alternatives(analysis: Analysis) -> tuple[Interpretation, ...]:
    """The alternatives worth a line in chat (all of them stay in the JSON)."""
    alternatives = analysis.alternatives
    if alternatives and analysis.best.check_digit is CheckDigit.VALID:
        # Next to a reading whose check digit holds, a few-percent guess is noise.
        alternatives = tuple([a for a in alternatives if a.confidence >= _MIN_ALTERNATIVE])
    return alternatives


# 17TRACK's page languages among those the bot speaks; others get its English page.
_TRACK17_LANGUAGES = frozenset({"en", "ru"})
_TRACK17_PREFIX = "https://t.17track.net/en#"


def localized_url(url: str, language: str) -> str:
    """The link in the reader's language where the site has one (17TRACK: ``/ru``)."""
    lang = language.split("-")[0].lower()
    if url.startswith(_TRACK17_PREFIX) and lang in _TRACK17_LANGUAGES:
        return f"https://t.17track.net/{lang}#" + url[len(_TRACK17_PREFIX) :]
    return url


def _links(best: Interpretation, alternatives: Sequence[Interpretation]) -> list[Link]:
    seen: set[str] = set()
    links: list[Link] = []
    for interp in (best, *alternatives):
        if interp.check_digit is CheckDigit.INVALID:
            continue  # a reading judged a typo or fake: tracking sites would only mislead
        for link in interp.links:
            if link.url not in seen:
                seen.add(link.url)
                links.append(link)
    return links[:_MAX_LINKS]


def _china_local(analysis: Analysis) -> bool:
    """Digits only and no format of ours fits: a courier's number inside China (QA A4).

    The buyer's guide: digits-only numbers are local combinations valid within China, so ask
    the seller for the international one; "a format we do not know" told the buyer nothing.
    """
    return (
        analysis.number.isdigit()
        and analysis.verdict is Trackability.UNKNOWN
        and analysis.best.kind is Kind.UNKNOWN
    )


def render_block(index: int | None, analysis: Analysis) -> str:
    """HTML explanation of one number (a few short lines)."""
    best = analysis.best
    lines: list[str] = []
    title = f"<code>{html.escape(analysis.number)}</code>"
    if index is not None:
        title = f"<b>{index}.</b> {title}"
    if analysis.input.upper() != analysis.number:
        title += " " + _("(as typed: {text})").format(text=html.escape(analysis.input))
    lines.append(title)
    if _china_local(analysis):
        local = verdict_text(Trackability.LOCAL_ONLY)
        lines.append(f"{VERDICT_ICON[Trackability.LOCAL_ONLY]} <b>{local}</b>")
        note = _(
            "Digits only: usually a courier's number inside China. It stops being tracked once "
            "the parcel leaves China, so ask the seller for the international number (2 letters, "
            "9 digits, 2 letters)."
        )
        lines.append(f"<i>{note}</i>")
        return "\n".join(lines)
    icon = VERDICT_ICON[analysis.verdict]
    if best.format_id == _RUSSIAN_POST_RPO and analysis.verdict is Trackability.ORIGIN_ONLY:
        icon = "✅"
    verdict = f"{icon} <b>{verdict_text(analysis.verdict, best.format_id)}</b>"
    if analysis.verdict is Trackability.INTERNATIONAL and (best.service_code or "").startswith("L"):
        # Letter post express: the UPU says tracked, older buyer guides say untrackable; it
        # depends on the destination country, so never the green "certain" mark.
        verdict = "🟡 <b>{}</b>".format(
            _("Usually tracked (letter post express, ePacket type), not in every country")
        )
    headline = _headline(best)
    lines.append(f"{verdict} — {headline}" if headline else verdict)
    if best.service_code and best.service_meaning:
        lines.append(
            _("Service {code}: {meaning}").format(
                code=html.escape(best.service_code), meaning=_(best.service_meaning)
            )
        )
    if best.check_digit is CheckDigit.VALID:
        lines.append(_("Check digit: correct."))
    elif best.check_digit is CheckDigit.INVALID and best.expected_check_digit is not None:
        lines.append(
            _("Check digit: wrong; the right one would be {digit}.").format(
                digit=f"<code>{html.escape(best.expected_check_digit)}</code>"
            )
        )
    elif best.kind is Kind.CARRIER:
        lines.append(_("This format has no check digit, so a typo would go unnoticed."))
    for note in best.notes:
        lines.append(f"<i>{_(note)}</i>")
    if best.format_id == _RUSSIAN_POST_RPO and best.check_digit is CheckDigit.INVALID:
        # Both readings of a failing 14-digit number: a mistyped Russian Post number, or (from a
        # seller) a Chinese courier's local number (QA A4). The per-number links are left out
        # for a wrong check digit; Russian Post's search page is not (QA C3).
        lines.append(f"<i>{_(_NOTE_CHINA_LOCAL_FROM_SELLER)}</i>")
        site = html.escape(_("Russian Post site"))
        lines.append(
            _("Once you have the right number, track it on the {site}.").format(
                site=f'<a href="{_RUSSIAN_POST_SEARCH}">{site}</a>'
            )
        )
    if best.kind is Kind.UNKNOWN and not best.notes:
        lines.append(
            "<i>"
            + _(
                "It matches none of the formats we know: it may be an order number or a "
                "carrier's internal number. 17TRACK recognises more carriers than we do."
            )
            + "</i>"
        )
    alternatives = _alternatives(analysis)
    if alternatives:
        alts = "; ".join(_who(alt) for alt in alternatives[:_MAX_ALTERNATIVES])
        lines.append(_("Less likely, it could also be: {list}").format(list=alts))
    links = _links(best, alternatives)
    if links:
        language = current_language()
        anchors = " · ".join(
            f'<a href="{html.escape(localized_url(link.url, language), quote=True)}">'
            f"{html.escape(_(link.name))}</a>"
            for link in links
        )
        lines.append(_("Track it: {links}").format(links=anchors))
    return "\n".join(lines)


def price_context(price_usd: float) -> str:
    """What the price tier says about tracking (defaults from the advice brief)."""
    if price_usd < 5:
        return _(
            "For an item under $5, tracking is often missing or stops once the parcel leaves "
            "China. That is normal: wait and keep an eye on the buyer-protection timer on the "
            "order page."
        )
    if price_usd <= 10:
        return _("For an item up to $10, tracking usually exists but is slow to update.")
    return _(
        "For an item over $10, tracking is almost always provided. No tracking 6 or more days "
        "after shipping is already a reason to open a dispute for 'no tracking information'."
    )


def _header(found: FoundNumbers) -> str | None:
    parts: list[str] = []
    if found.truncated:
        hidden = found.total_found - len(found.items)
        parts.append(
            ngettext(
                "I found {total} numbers and explain the first {shown}; {n} more was left out. "
                "Send it in a separate message.",
                "I found {total} numbers and explain the first {shown}; {n} more were left out. "
                "Send them in a separate message.",
                hidden,
            ).format(total=found.total_found, shown=len(found.items), n=hidden)
        )
    elif len(found.items) > 1:
        parts.append(
            ngettext("I found {n} number.", "I found {n} numbers.", len(found.items)).format(
                n=len(found.items)
            )
        )
    return "\n".join(parts) if parts else None


def _pack(blocks: Iterable[str], limit: int) -> list[str]:
    """Join blocks into messages of at most ``limit`` visible characters, never splitting one."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        candidate = f"{current}\n\n{block}" if current else block
        if current and visible_length(candidate) > limit:
            messages.append(current)
            current = block
        else:
            current = candidate
    if current:
        messages.append(current)
    return messages


def render_chat(found: FoundNumbers, *, price_usd: float | None = None) -> list[str]:
    """Localized HTML messages (each within Telegram's limit) explaining the numbers found."""
    blocks: list[str] = []
    header = _header(found)
    if header:
        blocks.append(header)
    numbered = len(found.items) > 1
    for i, analysis in enumerate(found.items, start=1):
        blocks.append(render_block(i if numbered else None, analysis))
    if price_usd is not None and found.items:
        blocks.append("💵 " + html.escape(price_context(price_usd)))
    return _pack(blocks, TELEGRAM_LIMIT)


def html_to_text(message: str) -> str:
    """Plain-text form of our chat HTML: links become "name: url"."""
    text = _ANCHOR_RE.sub(lambda m: f"{m.group(2)} ({m.group(1)})", message)
    return html.unescape(_TAG_RE.sub("", text))


def render_text(found: FoundNumbers, *, price_usd: float | None = None) -> str:
    """The chat answer as plain text (for the command line)."""
    if not found.items:
        return _("No track numbers found in this text.")
    return "\n\n".join(html_to_text(m) for m in render_chat(found, price_usd=price_usd))


def explain_main(argv: Sequence[str]) -> int:
    """``parcel-scout explain "<any text>" [--lang en|ru] [--json] [--price-usd N]``."""
    parser = argparse.ArgumentParser(
        prog="parcel-scout explain",
        description="Explain every track number found in the text.",
    )
    parser.add_argument("text", nargs="+", help="any text containing track numbers")
    parser.add_argument("--lang", choices=("en", "ru"), default="en")
    parser.add_argument("--json", action="store_true", help="print a JSON array instead")
    parser.add_argument("--price-usd", type=float, default=None, help="the item's price in USD")
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    found = find_numbers(" ".join(args.text), limit=DEFAULT_LIMIT)
    with use_language(args.lang):
        if args.json:
            print(json.dumps([a.to_json() for a in found.items], ensure_ascii=False, indent=2))
            if found.truncated:
                print(
                    f"{found.total_found - len(found.items)} more numbers not explained",
                    file=sys.stderr,
                )
        else:
            print(render_text(found, price_usd=args.price_usd))
    return 0
