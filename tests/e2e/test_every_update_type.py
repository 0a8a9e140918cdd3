"""No update the Bot API can send crashes a handler (issue 14: 23 AssertionErrors for channel
posts; replies into channels): one guard at the entry stops what the handlers cannot serve.

Each update below is built as Telegram sends it and delivered through the emulator to the bot
started the production way (``allowed_updates`` = every type), then the bot must still answer a
private message. No traceback, no "something went wrong", nothing written into a channel.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import pytest
from telegram import Update

from bot.emulator import BOT_USERNAME

if TYPE_CHECKING:
    from tests.support.app import BotHarness

JsonDict = dict[str, Any]

USER: JsonDict = {"id": 1001, "is_bot": False, "first_name": "Ann", "language_code": "en"}
PRIVATE: JsonDict = {"id": 1001, "type": "private", "first_name": "Ann"}
GROUP: JsonDict = {"id": -1001234567890, "type": "supergroup", "title": "Buyers"}
CHANNEL: JsonDict = {"id": -1009876543210, "type": "channel", "title": "News"}
NOW = int(time.time())
OOPS = "Something went wrong"


def _message(chat: JsonDict, text: str, message_id: int = 1, **extra: Any) -> JsonDict:
    message: JsonDict = {"message_id": message_id, "chat": chat, "date": NOW, "text": text}
    if chat["type"] == "channel":
        message["sender_chat"] = chat
    else:
        message["from"] = USER
    return message | extra


def _bot_user(harness: BotHarness) -> JsonDict:
    return harness.emulator.bot_user


def _updates(harness: BotHarness) -> dict[str, JsonDict]:
    bot = _bot_user(harness)
    question = "what now with RB123456785CN?"
    member = {"user": USER, "status": "member"}
    poll = {
        "id": "p1",
        "question": "Which carrier?",
        "options": [
            {"text": "Cainiao", "voter_count": 1, "persistent_id": "a"},
            {"text": "Post", "voter_count": 0, "persistent_id": "b"},
        ],
        "total_voter_count": 1,
        "is_closed": False,
        "is_anonymous": False,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    }
    return {
        "channel_post": {"channel_post": _message(CHANNEL, question)},
        "channel_post_command": {"channel_post": _message(CHANNEL, "/start")},
        "edited_channel_post": {"edited_channel_post": _message(CHANNEL, question, edit_date=NOW)},
        "group_message": {"message": _message(GROUP, question)},
        "group_edit": {"edited_message": _message(GROUP, f"@{BOT_USERNAME} LP1", edit_date=NOW)},
        "group_media": {
            "message": {
                "message_id": 5,
                "chat": GROUP,
                "from": USER,
                "date": NOW,
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s",
                    "type": "regular",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                },
            }
        },
        "group_callback": {
            "callback_query": {
                "id": harness.emulator.register_callback_query(1001),
                "from": USER,
                "chat_instance": "1",
                "data": "whatnow:p:1",
                "message": _message(GROUP, "x") | {"from": bot},
            }
        },
        "inline_callback": {
            "callback_query": {
                "id": harness.emulator.register_callback_query(1001),
                "from": USER,
                "chat_instance": "1",
                "inline_message_id": "abc",
                "data": "parcels:list",
            }
        },
        "private_edit_unknown_message": {
            "edited_message": _message(PRIVATE, "no numbers here", 999, edit_date=NOW)
        },
        "private_service_message": {
            "message": {
                "message_id": 7,
                "chat": PRIVATE,
                "from": USER,
                "date": NOW,
                "pinned_message": {"message_id": 1, "chat": PRIVATE, "date": 0},
            }
        },
        "from_another_bot": {
            "message": _message(PRIVATE, "/list") | {"from": {**USER, "is_bot": True}}
        },
        "inline_query": {
            "inline_query": {"id": "iq", "from": USER, "query": "RB123456785CN", "offset": ""}
        },
        "chosen_inline_result": {
            "chosen_inline_result": {"result_id": "r", "from": USER, "query": "x"}
        },
        "shipping_query": {
            "shipping_query": {
                "id": "sq",
                "from": USER,
                "invoice_payload": "x",
                "shipping_address": {
                    "country_code": "RU",
                    "state": "",
                    "city": "Moscow",
                    "street_line1": "a",
                    "street_line2": "",
                    "post_code": "101000",
                },
            }
        },
        "pre_checkout_query": {
            "pre_checkout_query": {
                "id": "pq",
                "from": USER,
                "currency": "XTR",
                "total_amount": 1,
                "invoice_payload": "x",
            }
        },
        "poll": {"poll": poll},
        "poll_answer": {
            "poll_answer": {
                "poll_id": "p1",
                "user": USER,
                "option_ids": [0],
                "option_persistent_ids": ["a"],
            }
        },
        "my_chat_member_group_added": {
            "my_chat_member": {
                "chat": GROUP,
                "from": USER,
                "date": NOW,
                "old_chat_member": {"user": bot, "status": "left"},
                "new_chat_member": {"user": bot, "status": "member"},
            }
        },
        "my_chat_member_channel_admin": {
            "my_chat_member": {
                "chat": CHANNEL,
                "from": USER,
                "date": NOW,
                "old_chat_member": {"user": bot, "status": "left"},
                "new_chat_member": {
                    "user": bot,
                    "status": "administrator",
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": False,
                    "can_manage_video_chats": False,
                    "can_restrict_members": False,
                    "can_promote_members": False,
                    "can_change_info": False,
                    "can_invite_users": False,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                    "can_post_messages": True,
                },
            }
        },
        "chat_member": {
            "chat_member": {
                "chat": GROUP,
                "from": USER,
                "date": NOW,
                "old_chat_member": {"user": USER, "status": "left"},
                "new_chat_member": member,
            }
        },
        "chat_join_request": {
            "chat_join_request": {
                "chat": GROUP,
                "from": USER,
                "user_chat_id": 1001,
                "date": NOW,
            }
        },
        "chat_boost": {
            "chat_boost": {
                "chat": CHANNEL,
                "boost": {
                    "boost_id": "b",
                    "add_date": NOW,
                    "expiration_date": NOW + 86400,
                    "source": {"source": "premium", "user": USER},
                },
            }
        },
        "removed_chat_boost": {
            "removed_chat_boost": {
                "chat": CHANNEL,
                "boost_id": "b",
                "remove_date": NOW,
                "source": {"source": "premium", "user": USER},
            }
        },
        "message_reaction": {
            "message_reaction": {
                "chat": PRIVATE,
                "message_id": 1,
                "user": USER,
                "date": NOW,
                "old_reaction": [],
                "new_reaction": [{"type": "emoji", "emoji": "👍"}],
            }
        },
        "message_reaction_count": {
            "message_reaction_count": {
                "chat": CHANNEL,
                "message_id": 1,
                "date": NOW,
                "reactions": [{"type": {"type": "emoji", "emoji": "👍"}, "total_count": 2}],
            }
        },
        "business_connection": {
            "business_connection": {
                "id": "bc",
                "user": USER,
                "user_chat_id": 1001,
                "date": NOW,
                "is_enabled": True,
            }
        },
        "business_message": {
            "business_message": _message(PRIVATE, question) | {"business_connection_id": "bc"}
        },
        "edited_business_message": {
            "edited_business_message": _message(PRIVATE, question, edit_date=NOW)
            | {"business_connection_id": "bc"}
        },
        "deleted_business_messages": {
            "deleted_business_messages": {
                "business_connection_id": "bc",
                "chat": PRIVATE,
                "message_ids": [1],
            }
        },
        "purchased_paid_media": {"purchased_paid_media": {"from": USER, "paid_media_payload": "x"}},
    }


@pytest.fixture
async def production_bot(bot: BotHarness) -> BotHarness:
    # The production start asks Telegram for every update type (chat_member and reactions too).
    bot.http_server = True
    await bot.restart()
    return bot


async def test_every_update_type_is_served_or_stopped_without_a_trace(
    production_bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    harness = production_bot
    emulator = harness.emulator
    ann = harness.user(1001)
    await ann.send("/start")
    mark = ann.mark()
    caplog.set_level(logging.WARNING)
    for name, update in _updates(harness).items():
        # An update python-telegram-bot cannot parse makes its Updater retry it forever; Telegram
        # never sends one, so the test must not either.
        Update.de_json({"update_id": 0, **update}, None)
        before = len(emulator.requests)
        await emulator.deliver(update, name)
        sent = [
            r
            for r in emulator.requests[before:]
            if r.method in ("sendMessage", "editMessageText", "sendDocument")
        ]
        chats = {int(r.params["chat_id"]) for r in sent}
        assert CHANNEL["id"] not in chats, name
        assert all(OOPS not in str(r.params.get("text")) for r in sent), (name, sent)
        if name != "group_media":
            # Nothing was addressed to the bot in a group; a private chat gets nothing either.
            assert not sent, (name, [r.params.get("text") for r in sent])
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not errors, [r.getMessage() for r in errors]
    # Callback presses from a group or an inline message are answered, never left spinning.
    assert emulator.unanswered_callback_queries == []
    # The bot is alive and still answers privately.
    assert ann.replies_since(mark) == []
    assert await ann.send("/help")


async def test_a_huge_digit_run_gets_an_answer_within_the_limit(bot: BotHarness) -> None:
    """The probe's 33 "Message is too long": 4,096 ones and a long run inside a dialog."""
    ann = bot.user(1001)
    await ann.send("/start")
    for text in ("1" * 4096, "5" * 4000, "😀" * 3000 + " RB123456785CN", "&<>" * 1300):
        replies = await ann.send(text)
        assert replies, text[:20]
        for reply in replies:
            assert OOPS not in reply.text
            assert len(reply.text.encode("utf-16-le")) // 2 <= 4096


async def test_an_over_long_number_is_refused_and_not_stored(bot: BotHarness) -> None:
    ann = bot.user(1001)
    await ann.send("/start")
    for text in ("/add " + "1" * 4096, "/add " + "7" * 60 + " my phone"):
        replies = await ann.send(text)
        refusals = ("far too long", "could not find a track number")
        assert replies and any(r in replies[-1].text for r in refusals), replies[-1].text
        assert all(OOPS not in r.text for r in replies)
    assert await bot.services.storage.parcels.list_for_user(ann.id) == []
