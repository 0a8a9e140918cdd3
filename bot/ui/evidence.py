"""The dispute evidence picture: a parcel's stored record → PNG or PDF bytes (data in, bytes out).

In English whatever the user's language: it goes to an AliExpress dispute, whose language is
English, so its wording is fixed here rather than in a catalog (the chat text around it is
localized by the handler). Rendered with matplotlib's Agg backend and the DejaVu Sans it ships
(Latin and Cyrillic, so a nickname or a Russian Post place name renders); no font is fetched.

Everything shown comes from what the bot stored: the number and its verdict
(``bot.core.tracknumbers.analyze``), the order facts the user gave, every event with its time in UTC
and in the user's zone, the source and the carrier's own words, the counted checks
(``tracking_checks``: "checked 38 times between … on Cainiao and 17TRACK: no events"), the days
since shipping and since the last event, and a small timeline chart.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from functools import cache
from typing import Any, Final, Literal

import matplotlib

matplotlib.use("Agg")  # no display, no GUI toolkit: before pyplot is imported anywhere

from matplotlib import dates as mdates
from matplotlib import font_manager
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from bot.core.tracknumbers import analyze
from bot.tracking.event_texts import event_msgid
from bot.ui.present import STATUSES

DAY: Final = 86400
DPI: Final = 150
WIDTH_IN: Final = 8.27  # A4 width: 1240 px at 150 dpi
LINE_IN: Final = 0.19  # one body line
CHART_IN: Final = 2.3
MARGIN_IN: Final = 0.45
WRAP: Final = 108  # characters per body line at 8 pt on A4 width
# Telegram: a photo's width + height at most 10000 px, the ratio at most 20. Past this height the
# PNG keeps the newest events and says the PDF has them all.
PNG_MAX_HEIGHT_PX: Final = 8000
PDF_MAX_HEIGHT_IN: Final = 190.0  # PDF pages stop at 200 in

SOURCE_NAMES: Final = {"cainiao": "Cainiao", "17track": "17TRACK", "russianpost": "Russian Post"}
# Status order on the chart's y axis: how far along the parcel is.
CHART_LEVELS: Final = (
    "not_found",
    "awaiting_dispatch",
    "info_received",
    "in_transit",
    "in_customs",
    "arrived_destination",
    "out_for_delivery",
    "available_for_pickup",
    "delivered",
)
# The chat's labels speak to the buyer ("arrived in your country"); the record is read by a third
# party, so these say it plainly.
_NEUTRAL: Final = {
    "arrived_destination": "arrived in the destination country",
    "available_for_pickup": "waiting at the pickup point",
    "awaiting_dispatch": "label created, not handed over to a carrier yet",
}
_OFF_ROUTE: Final = {"delivery_failed": 6, "returning": 3, "returned": 3, "exception": 3}


@dataclass(frozen=True, slots=True)
class EvidenceEvent:
    occurred_at: int | None  # unix seconds
    source: str
    code: str
    description: str  # the source's text as it came
    detail: str = ""  # the carrier's own words beside it
    location: str = ""
    status: str | None = None


@dataclass(frozen=True, slots=True)
class CheckCount:
    """One ``tracking_checks`` row as plain values."""

    source: str
    result: str  # "new", "same", "empty", "failed"
    since_event_at: int  # 0: the parcel had no event then
    checks: int
    first_at: int
    last_at: int


@dataclass(frozen=True, slots=True)
class Evidence:
    number: str
    status: str
    now: datetime  # aware
    zone: tzinfo  # the user's (UTC when unset)
    zone_name: str
    nickname: str | None = None
    real_number: str | None = None
    shipped_on: date | None = None
    protection_deadline: date | None = None
    price: str | None = None  # formatted with its currency
    origin_country: str | None = None
    dest_country: str | None = None
    added_at: int | None = None
    last_event_at: int | None = None
    events: Sequence[EvidenceEvent] = field(default_factory=tuple)  # oldest first
    checks: Sequence[CheckCount] = field(default_factory=tuple)


Style = Literal["title", "head", "body", "note"]
Line = tuple[Style, str]
_SIZES: Final = {"title": 15.0, "head": 10.5, "body": 8.0, "note": 7.5}
_HEIGHTS: Final = {"title": 2.0, "head": 1.6, "body": 1.0, "note": 1.0}


def _utc(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _day(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%b %-d, %Y")


def _both(ts: int, ev: Evidence) -> str:
    local = datetime.fromtimestamp(ts, UTC).astimezone(ev.zone)
    if local.utcoffset() == datetime.fromtimestamp(ts, UTC).utcoffset():
        return _utc(ts)
    return f"{_utc(ts)} ({local.strftime('%Y-%m-%d %H:%M')} {ev.zone_name})"


def source_name(source: str) -> str:
    return SOURCE_NAMES.get(source, source)


def _sources(names: Sequence[str]) -> str:
    shown = [source_name(n) for n in dict.fromkeys(names)]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def verdict_lines(number: str) -> list[str]:
    """Format, check digit and issuing post of the number, as the explainer reads it."""
    facts: dict[str, Any] = analyze(number).to_json()
    parts: list[str] = []
    fmt = facts.get("format")
    carrier = facts.get("carrier_name")
    if fmt == "s10":
        parts.append("UPU S10 international format")
    elif fmt:
        parts.append(f"format: {fmt}")
    else:
        parts.append("format not recognised")
    check = facts.get("check_digit")
    if check == "valid":
        parts.append("check digit valid")
    elif check == "invalid":
        expected = facts.get("expected_check_digit")
        parts.append(
            f"check digit INVALID (expected {expected})" if expected else "check digit INVALID"
        )
    if carrier:
        country = facts.get("issuing_country")
        parts.append(f"issued by {carrier}" + (f" ({country})" if country else ""))
    lines = ["Number: " + "; ".join(parts) + "."]
    service = facts.get("service")
    if isinstance(service, dict) and service.get("meaning"):
        lines.append(f"Service {service.get('code')}: {service['meaning']}.")
    lines.append(f"Trackability: {str(facts.get('trackability', 'unknown')).replace('_', ' ')}.")
    return lines


def event_english(event: EvidenceEvent) -> str:
    msgid = event_msgid(event.source, event.code)
    return msgid if msgid is not None else " ".join(event.description.split()) or "(no text)"


def check_lines(ev: Evidence) -> list[str]:
    """The checks that found nothing, then the totals."""
    if not ev.checks:
        return ["No checks recorded yet."]
    lines: list[str] = []
    empty = [c for c in ev.checks if c.result == "empty"]
    if empty:
        n = sum(c.checks for c in empty)
        lines.append(
            f"Checked {n} time{'s' if n != 1 else ''} between "
            f"{_day(min(c.first_at for c in empty))} and {_day(max(c.last_at for c in empty))} "
            f"on {_sources([c.source for c in empty])}: no events at all."
        )
    if ev.last_event_at is not None:
        quiet = [
            c
            for c in ev.checks
            if c.result in ("same", "empty") and c.since_event_at == ev.last_event_at
        ]
        if quiet:
            n = sum(c.checks for c in quiet)
            lines.append(
                f"Since the last event ({_day(ev.last_event_at)}): checked {n} time"
                f"{'s' if n != 1 else ''} between {_day(min(c.first_at for c in quiet))} and "
                f"{_day(max(c.last_at for c in quiet))} on {_sources([c.source for c in quiet])}:"
                " nothing new."
            )
    answered = [c for c in ev.checks if c.result != "failed"]
    failed = sum(c.checks for c in ev.checks if c.result == "failed")
    total = sum(c.checks for c in ev.checks)
    first, last = min(c.first_at for c in ev.checks), max(c.last_at for c in ev.checks)
    where = f" on {_sources([c.source for c in answered])}" if answered else ""
    lines.append(
        f"In all: {total} check{'s' if total != 1 else ''} from {_day(first)} to {_day(last)}"
        f"{where}; {failed} got no answer from the source."
    )
    return lines


def summary_lines(ev: Evidence) -> list[Line]:
    """Everything above the event list (the chart goes between these and the events)."""
    lines: list[Line] = [("title", f"Tracking record of parcel {ev.number}")]
    made = ev.now.astimezone(UTC)
    made_at = made.strftime("%Y-%m-%d %H:%M UTC")
    lines.append(
        ("note", f"Made {made_at} by Parcel Scout from its own checks of the carriers' services.")
    )
    lines.append(("head", "Track number"))
    name = f"{ev.number}" + (f"  (\u201c{ev.nickname}\u201d)" if ev.nickname else "")
    lines.append(("body", name))
    if ev.real_number and ev.real_number != ev.number:
        lines.append(("body", f"The carrier re-labelled it as {ev.real_number}."))
    lines.extend(("body", text) for text in verdict_lines(ev.number))
    route = " \u2192 ".join(c for c in (ev.origin_country, ev.dest_country) if c)
    status = _NEUTRAL.get(ev.status) or (
        STATUSES[ev.status].label if ev.status in STATUSES else ev.status.replace("_", " ")
    )
    lines.append(("body", f"Status now: {status}." + (f" Route: {route}." if route else "")))
    lines.append(("head", "Order"))
    today = ev.now.astimezone(ev.zone).date()
    if ev.shipped_on is not None:
        since = max((today - ev.shipped_on).days, 0)
        lines.append(("body", f"Shipped on {ev.shipped_on:%Y-%m-%d}: {since} days ago."))
    else:
        lines.append(("body", "Ship date: not given."))
    if ev.protection_deadline is not None:
        left = (ev.protection_deadline - today).days
        state = f"{left} days left" if left >= 0 else f"ended {-left} days ago"
        lines.append(
            ("body", f"Buyer protection ends {ev.protection_deadline:%Y-%m-%d} ({state}).")
        )
    if ev.price:
        lines.append(("body", f"Price paid: {ev.price}."))
    if ev.last_event_at is not None:
        quiet = max(int(made.timestamp()) - ev.last_event_at, 0) // DAY
        lines.append(("body", f"Last tracking event {_day(ev.last_event_at)}: {quiet} days ago."))
    else:
        lines.append(("body", "No tracking event at all so far."))
    lines.append(("head", "Checks"))
    lines.extend(("body", text) for text in check_lines(ev))
    return lines


def event_lines(ev: Evidence) -> list[list[Line]]:
    """One block of lines per event, newest first."""
    blocks: list[list[Line]] = []
    for e in reversed(ev.events):
        when = _both(e.occurred_at, ev) if e.occurred_at is not None else "time not given"
        head = f"{when} \u00b7 {source_name(e.source)}" + (f" \u00b7 {e.code}" if e.code else "")
        block: list[Line] = [("body", head)]
        text = event_english(e) + (f" \u2014 {' '.join(e.location.split())}" if e.location else "")
        block.append(("body", "    " + text))
        words = [" ".join(w.split()) for w in (e.description, e.detail) if w and w.strip()]
        words = [w for w in dict.fromkeys(words) if w != event_english(e)]
        if words:
            block.append(("note", "    Carrier's words: " + " / ".join(words)))
        blocks.append(block)
    return blocks


@cache
def _covered() -> frozenset[int]:
    """Code points the shipped DejaVu Sans can draw."""
    path = font_manager.findfont("DejaVu Sans", fallback_to_default=False)
    return frozenset(FT2Font(path).get_charmap())


def drawable(text: str) -> str:
    """Characters the font lacks (Chinese notes, emoji) become "[…]" instead of empty boxes."""
    covered = _covered()
    out: list[str] = []
    gap = False
    for ch in text:
        if ord(ch) in covered or ch in "\n\t":
            out.append(ch)
            gap = False
        elif not gap:
            out.append("[…]")
            gap = True
    return "".join(out)


def _wrap(lines: Sequence[Line]) -> list[Line]:
    out: list[Line] = []
    for style, raw in lines:
        text = drawable(raw)
        if style in ("body", "note") and len(text) > WRAP:
            indent = "    " if text.startswith("    ") else ""
            parts = textwrap.wrap(text, WRAP, subsequent_indent=indent + "  ")
            out.extend((style, part) for part in parts)
        else:
            out.append((style, text))
    return out


def _take(
    blocks: Sequence[list[Line]], used: float, max_height_in: float
) -> tuple[list[Line], int]:
    """Event lines that fit below ``used`` inches, and how many events they are."""
    body: list[Line] = []
    shown = 0
    for block in blocks:
        wrapped = _wrap(block)
        # Room kept for the closing note; at least one event per page, however long.
        if shown and used + _height(body) + _height(wrapped) + LINE_IN > max_height_in:
            break
        body.extend(wrapped)
        shown += 1
    return body, shown


def _layout(
    ev: Evidence, max_height_in: float, rest_note: str = "see the PDF, which has all"
) -> tuple[list[Line], list[Line], int]:
    """(summary, event lines that fit, events shown)."""
    summary = _wrap(summary_lines(ev))
    n = len(ev.events)
    head: list[Line] = [("head", f"Tracking events ({n}), newest first")]
    used = _height(summary) + CHART_IN + _height(head) + 2 * MARGIN_IN + 0.4
    body, shown = _take(event_lines(ev), used, max_height_in)
    if shown < n:
        body.append(("note", f"\u2026and {n - shown} earlier events: {rest_note}."))
    if n == 0:
        body.append(("body", "None: no source has reported any event for this number."))
    return summary, head + body, shown


def _height(lines: Sequence[Line]) -> float:
    return sum(_HEIGHTS[style] for style, _text in lines) * LINE_IN


def _level(status: str | None) -> int | None:
    if status is None:
        return None
    if status in CHART_LEVELS:
        return CHART_LEVELS.index(status)
    return _OFF_ROUTE.get(status)


def _x(ts: float) -> float:
    """A unix time as a matplotlib date number."""
    return float(mdates.date2num(datetime.fromtimestamp(ts, UTC)))  # type: ignore[no-untyped-call]


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def _chart(fig: Figure, ev: Evidence, bottom: float, height: float) -> None:
    ax = fig.add_axes((0.1, bottom, 0.86, height))
    now = ev.now.timestamp()
    starts = [now]
    if ev.added_at:
        starts.append(ev.added_at)
    if ev.shipped_on is not None:
        starts.append(_midnight(ev.shipped_on))
    timed = [(e.occurred_at, e.status) for e in ev.events if e.occurred_at is not None]
    starts += [t for t, _status in timed]
    start = min(starts) - DAY
    ax.set_xlim(_x(start), _x(now))
    ax.set_ylim(-0.5, len(CHART_LEVELS) - 0.5)
    labels = [STATUSES[s].word if s in STATUSES else s for s in CHART_LEVELS]
    ax.set_yticks(range(len(CHART_LEVELS)), labels, fontsize=6.5)
    ax.tick_params(axis="x", labelsize=6.5)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %d"))  # type: ignore[no-untyped-call]
    ax.grid(True, axis="x", linewidth=0.3, alpha=0.5)
    for c in ev.checks:  # quiet spans: checks that found nothing
        if c.result in ("same", "empty"):
            color = "#f3c87a" if c.result == "empty" else "#cfe3f5"
            ax.axvspan(_x(c.first_at), _x(c.last_at), color=color, alpha=0.45, linewidth=0)
    xs = [_x(t) for t, _status in timed]
    ys = [lv if (lv := _level(status)) is not None else 3 for _t, status in timed]
    if xs:
        ax.step(xs, ys, where="post", color="#1f5fa8", linewidth=1.0)
        ax.plot(xs, ys, "o", color="#1f5fa8", markersize=3)
    if ev.shipped_on is not None:
        shipped = _x(_midnight(ev.shipped_on))
        ax.axvline(shipped, color="#555555", linestyle="--", linewidth=0.8)
        ax.annotate("shipped", (shipped, len(CHART_LEVELS) - 0.8), fontsize=6, color="#555555")
    if ev.protection_deadline is not None:
        deadline = _midnight(ev.protection_deadline)
        if start <= deadline <= now:
            ax.axvline(_x(deadline), color="#b22222", linestyle="--", linewidth=0.8)
    ax.set_title(
        "Events by stage over time (shaded: checks that found nothing new)",
        fontsize=7.5,
        loc="left",
    )


class _Page:
    """One page ``height`` inches tall; lines are drawn from the top down."""

    def __init__(self, height: float) -> None:
        self.height = height
        self.fig = Figure(figsize=(WIDTH_IN, height), dpi=DPI)
        self.fig.patch.set_facecolor("white")
        self.y = height - MARGIN_IN

    def draw(self, lines: Sequence[Line]) -> None:
        for style, text in lines:
            self.y -= _HEIGHTS[style] * LINE_IN
            self.fig.text(
                MARGIN_IN / WIDTH_IN,
                self.y / self.height,
                text,
                fontsize=_SIZES[style],
                fontweight="bold" if style in ("title", "head") else "normal",
                color="#444444" if style == "note" else "black",
                family="DejaVu Sans",
            )

    def chart(self, ev: Evidence) -> None:
        self.y -= CHART_IN
        _chart(self.fig, ev, (self.y + 0.25) / self.height, (CHART_IN - 0.6) / self.height)
        self.y -= 0.2


def _first_page(ev: Evidence, max_height_in: float, rest_note: str) -> tuple[Figure, int]:
    summary, events, shown = _layout(ev, max_height_in, rest_note)
    page = _Page(_height(summary) + CHART_IN + _height(events) + 2 * MARGIN_IN + 0.4)
    page.draw(summary)
    page.chart(ev)
    page.draw(events)
    return page.fig, shown


def alt_text(ev: Evidence) -> str:
    """What the picture says in one line (PNG Description, PDF Subject)."""
    n = len(ev.events)
    checks = sum(c.checks for c in ev.checks)
    return f"Tracking record of {ev.number}: {n} tracking events, {checks} checks."


def render_png(ev: Evidence) -> bytes:
    """One picture; past Telegram's photo size the oldest events are left to the PDF."""
    fig, _shown = _first_page(ev, PNG_MAX_HEIGHT_PX / DPI, "see the PDF, which has all")
    out = io.BytesIO()
    meta = {"Title": f"Tracking record of parcel {ev.number}", "Description": alt_text(ev)}
    fig.savefig(out, format="png", dpi=DPI, metadata=meta)
    return out.getvalue()


def render_pdf(ev: Evidence) -> bytes:
    """Every event: pages as long as PDF allows, continued until the oldest event."""
    first, shown = _first_page(ev, PDF_MAX_HEIGHT_IN, "continued on the next page")
    pages = [first]
    blocks = event_lines(ev)
    while shown < len(blocks):
        head: list[Line] = [("head", f"Tracking record of parcel {ev.number}, continued")]
        used = _height(head) + 2 * MARGIN_IN
        body, taken = _take(blocks[shown:], used, PDF_MAX_HEIGHT_IN)
        shown += taken
        if shown < len(blocks):
            body.append(("note", f"\u2026and {len(blocks) - shown} earlier events: next page."))
        page = _Page(used + _height(body) + 0.2)
        page.draw(head + body)
        pages.append(page.fig)
    out = io.BytesIO()
    meta = {
        "Title": f"Tracking record of parcel {ev.number}",
        "Subject": alt_text(ev),
        "Creator": "Parcel Scout",
    }
    # Type 42 (TrueType) keeps the text searchable and copyable, unlike glyph outlines.
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(out, metadata=meta) as pdf:
        for fig in pages:
            pdf.savefig(fig, dpi=DPI)
    return out.getvalue()
