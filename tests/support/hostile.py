"""Hostile Telegram input for the reliability suite: random updates of every kind from many users.

``HostileInput`` queues a batch of updates through the emulator's bulk controls
(``queue_message``), one per user, and remembers which private messages expect an answer, so a
test can settle once per batch and then count what went unanswered. Seeded: a failure repeats.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

from bot.emulator import BOT_USERNAME, BotApiEmulator
from bot.emulator.users import SimulatedUser

__all__ = ["HostileInput", "Sent", "hostile_text"]

JsonDict = dict[str, Any]

COMMANDS = (
    "start", "add", "list", "whatnow", "dispute", "evidence", "settings", "language", "export",
    "help", "stats", "cancel", "unknown",
)  # fmt: skip
# Valid-looking numbers of several shapes (checksums right), and a few that only look like one.
NUMBERS = (
    "RB123456785CN", "LP00068434402473", "UA580730217CN", "RR123456785CN", "80087654321012",
    "YT2212345678901234", "CNRUS00012345678RU", "LP00123456789012", "0000000000000", "RB12345678CN",
)  # fmt: skip
ZERO_WIDTH = "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
HTML = (
    "<b>bold</b>", "<script>alert(1)</script>", "&amp;", "&lt;", "&", "<", ">", "<a href='x'>",
    "</b>", "<i><b>", "<tg-spoiler>", "<pre><code class='x'>", "&#0;", "&#x110000;", '"', "'",
)  # fmt: skip
# Code point ranges a client can send (no surrogates): ASCII, Latin, Cyrillic, Arabic, Hebrew,
# CJK, combining marks, emoji, symbols, private use, astral planes.
RANGES = (
    (0x20, 0x7E), (0xA0, 0x24F), (0x400, 0x4FF), (0x600, 0x6FF), (0x590, 0x5FF),
    (0x4E00, 0x9FFF), (0x300, 0x36F), (0x1F300, 0x1FAFF), (0x2000, 0x2BFF), (0xE000, 0xF8FF),
    (0x10000, 0x1FFFF), (0x20000, 0x2A6DF),
)  # fmt: skip


def _unicode(rng: random.Random, n: int) -> str:
    out = []
    for _ in range(n):
        lo, hi = rng.choice(RANGES)
        out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


def hostile_text(rng: random.Random) -> str:
    """One text a hostile or clumsy user could send (at most 4,096 characters)."""
    number = rng.choice(NUMBERS)
    pick = rng.randrange(14)
    if pick == 0:
        return _unicode(rng, rng.randint(1, 200))
    if pick == 1:
        return _unicode(rng, 4096)
    if pick == 2:
        return rng.choice("15") * rng.choice((4096, 4000, 300, 41))
    if pick == 3:
        mix = ZERO_WIDTH + BIDI + number
        return "".join(rng.choice(mix) for _ in range(rng.randint(5, 300)))
    if pick == 4:
        return " ".join(rng.choice(HTML) for _ in range(rng.randint(1, 30))) + " " + number
    if pick == 5:
        return " ".join(rng.choice(NUMBERS) for _ in range(rng.randint(50, 300)))[:4096]
    if pick == 6:
        args = " ".join(rng.choice((*NUMBERS, "x", "🙂", "<b>")) for _ in range(500))
        return f"/add {args}"[:4096]
    if pick == 7:
        payload = rng.choice(
            (_unicode(rng, 20), "a" * 64, "parcel_" + "9" * 30, "-1", "ref_" + number, "")
        )
        return f"/start {payload}"
    if pick == 8:
        return f"/{rng.choice(COMMANDS)} {_unicode(rng, rng.randint(0, 60))}"
    if pick == 9:
        return f"/{rng.choice(COMMANDS)}@{rng.choice((BOT_USERNAME, 'other_bot'))}"
    if pick == 10:
        where = rng.choice(("what now with", "где посылка", "parcel stuck", "?"))
        return f"{where} {number}{rng.choice(ZERO_WIDTH)}?"
    if pick == 11:
        return rng.choice(("", " ", "\n", "\t")) + number + rng.choice(BIDI)
    if pick == 12:
        return "\n".join(_unicode(rng, 40) for _ in range(rng.randint(2, 90)))[:4096]
    return rng.choice(("yes", "no", "0", "-1", "99999999999999999999", "²", "١٢٣", "12:00", "UTC"))


def _media(rng: random.Random) -> JsonDict:
    fid = {"file_id": f"f{rng.randrange(10**9)}", "file_unique_id": f"u{rng.randrange(10**9)}"}
    kinds: list[JsonDict] = [
        {"photo": [fid | {"width": 90, "height": 60}, fid | {"width": 1280, "height": 853}]},
        {
            "sticker": fid
            | {"type": "regular", "width": 512, "height": 512, "is_animated": False}
            | {"is_video": False}
        },
        {"document": fid | {"file_name": "<b>evil</b>.pdf", "mime_type": "application/pdf"}},
        {"location": {"latitude": 55.75, "longitude": 37.61}},
        {"contact": {"phone_number": "+70000000000", "first_name": "<i>Eve</i>"}},
        {"voice": fid | {"duration": 3}},
        {"video_note": fid | {"length": 240, "duration": 2}},
        {"dice": {"emoji": "🎲", "value": 4}},
    ]
    media = rng.choice(kinds)
    if rng.random() < 0.5 and not {"sticker", "location", "contact", "dice"} & media.keys():
        media["caption"] = hostile_text(rng)[:1024]
    return media


@dataclass
class Sent:
    """A private message that expects an answer: its chat and message id."""

    chat_id: int
    message_id: int
    text: str


@dataclass
class HostileInput:
    emulator: BotApiEmulator
    rng: random.Random
    users: list[SimulatedUser]
    groups: list[int]
    channels: list[int]
    counts: dict[str, int] = field(default_factory=dict)

    def _count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def batch(self, size: int) -> tuple[int, list[Sent]]:
        """Queue `size` updates (each from a different user); (last update id, what expects an
        answer)."""
        emu, rng = self.emulator, self.rng
        expecting: list[Sent] = []
        last = 0
        for user in rng.sample(self.users, size):
            roll = rng.random()
            sender = user.user_dict
            chat = emu.chat(user.id)
            if roll < 0.55:
                text = hostile_text(rng)
                last = emu.queue_message(user.id, text, sender=sender)
                kind = "private text"
            elif roll < 0.62:
                last = emu.queue_message(user.id, sender=sender, extra=_media(rng))
                text, kind = "<media>", "private media"
            elif roll < 0.67:
                text = hostile_text(rng)
                origin = {"type": "hidden_user", "date": int(time.time()) - 60}
                origin["sender_user_name"] = "<b>Fwd</b>"
                extra = {"forward_origin": origin}
                last = emu.queue_message(user.id, text, sender=sender, extra=extra)
                kind = "private forward"
            elif roll < 0.72 and chat.bot_messages():
                text = hostile_text(rng)
                extra = {"reply_to_message": chat.bot_messages()[-1].raw}
                last = emu.queue_message(user.id, text, sender=sender, extra=extra)
                kind = "private reply"
            elif roll < 0.77 and [m for m in chat.messages if not m.from_bot]:
                mine = [m for m in chat.messages if not m.from_bot]
                target = rng.choice(mine)
                text = hostile_text(rng)
                target.text = text
                last = emu.queue_message(user.id, text, sender=sender, edit=target.message_id)
                self._count("private edit")
                continue  # an edit is answered only when it names a new number
            elif roll < 0.87:
                group = rng.choice(self.groups)
                text = hostile_text(rng)
                if rng.random() < 0.4:
                    text = f"@{BOT_USERNAME} {text}"
                edit = None
                if rng.random() < 0.2:
                    ours = [
                        m
                        for m in emu.chat(group).messages
                        if not m.from_bot and m.sender.get("id") == user.id
                    ]
                    edit = ours[-1].message_id if ours else None
                last = emu.queue_message(group, text, sender=sender, edit=edit)
                self._count("group edit" if edit else "group message")
                continue
            elif roll < 0.96:
                channel = rng.choice(self.channels)
                ours = [m for m in emu.chat(channel).messages if not m.from_bot]
                edit = ours[-1].message_id if ours and rng.random() < 0.3 else None
                last = emu.queue_message(channel, hostile_text(rng), edit=edit)
                self._count("channel edit" if edit else "channel post")
                continue
            else:
                last = emu.enqueue_update(self._other(user))
                self._count("other update")
                continue
            self._count(kind)
            expecting.append(Sent(user.id, chat.last_message_id, text))
        return last, expecting

    def _other(self, user: SimulatedUser) -> JsonDict:
        """Updates that are neither messages nor button presses."""
        rng, bot = self.rng, self.emulator.bot_user
        group = self.emulator.chat(rng.choice(self.groups)).info
        now = int(time.time())
        kinds: list[JsonDict] = [
            {"inline_query": {"id": "iq", "from": user.user_dict, "query": "x", "offset": ""}},
            {
                "my_chat_member": {
                    "chat": dict(group),
                    "from": user.user_dict,
                    "date": now,
                    "old_chat_member": {"user": bot, "status": "left"},
                    "new_chat_member": {"user": bot, "status": "member"},
                }
            },
            # Only update types the bot receives by default: an opt-in type (message_reaction)
            # would be dropped by the emulator and acknowledged at once, ending a settle early.
            {"chosen_inline_result": {"result_id": "r", "from": user.user_dict, "query": "x"}},
        ]
        return rng.choice(kinds)
