"""Parameter decoding and shape checks of the Bot API emulator."""

from __future__ import annotations

import json

import pytest

from bot.emulator.models import ApiError, FailureRule, StoredMessage, UploadedFile
from bot.emulator.params import decode_params, format_text, jsonable, validate_reply_markup
from bot.emulator.ratelimit import RateLimiter, RateLimitPolicy


def test_form_values_get_bot_api_types() -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    params = decode_params(
        [
            ("chat_id", "-100123"),
            ("text", "42"),
            ("message_id", "7"),
            ("disable_notification", "true"),
            ("reply_markup", json.dumps(markup)),
            ("allowed_updates", '["message"]'),
        ]
    )
    assert params == {
        "chat_id": -100123,
        "text": "42",
        "message_id": 7,
        "disable_notification": True,
        "reply_markup": markup,
        "allowed_updates": ["message"],
    }
    assert decode_params([("chat_id", "@channel")]) == {"chat_id": "@channel"}


def test_bad_values_are_bad_requests() -> None:
    with pytest.raises(ApiError, match="integer expected"):
        decode_params([("message_id", "seven")])
    with pytest.raises(ApiError, match="can't parse reply_markup JSON object") as error:
        decode_params([("reply_markup", "{nope")])
    assert error.value.status == 400


def test_attachments_are_resolved_and_logged_briefly() -> None:
    upload = UploadedFile("a.txt", b"abc", "text/plain")
    params = decode_params([("document", "attach://file1")], {"file1": upload})
    assert params["document"] is upload
    assert jsonable(params) == {
        "document": {"filename": "a.txt", "size": 3, "mime_type": "text/plain"}
    }


def test_format_text_modes() -> None:
    assert format_text("<b>x</b>", "html", None) == (
        "x",
        [{"type": "bold", "offset": 0, "length": 1}],
        "HTML",
    )
    assert format_text("*x*", "MarkdownV2", None) == ("*x*", [], "MarkdownV2")
    entity = {"type": "bold", "offset": 0, "length": 1}
    assert format_text("x", None, [entity]) == ("x", [entity], None)
    with pytest.raises(ApiError, match="entity beyond the end"):
        format_text("x", None, [{"type": "bold", "offset": 0, "length": 2}])
    with pytest.raises(ApiError, match="can't parse entities"):
        format_text("<x>", "HTML", None)


@pytest.mark.parametrize(
    ("markup", "message"),
    [
        ("nope", "can't parse reply keyboard markup"),
        ({"inline_keyboard": [{"text": "a"}]}, "Array of Array"),
        ({"inline_keyboard": [[{"text": "", "callback_data": "a"}]]}, "non-empty"),
        ({"inline_keyboard": [[{"text": "a"}]]}, "text buttons are unallowed"),
        ({"inline_keyboard": [[{"text": "a", "callback_data": ""}]]}, "BUTTON_DATA_INVALID"),
        ({"inline_keyboard": [[{"text": "a", "url": "ftp://x"}]]}, "BUTTON_URL_INVALID"),
        (
            {"inline_keyboard": [[{"text": "a", "callback_data": "a", "url": "https://e.org"}]]},
            "several actions",
        ),
        ({"inline_keyboard": [[{"text": "a", "callback_data": "a"}] * 101]}, "too long"),
        ({"keyboard": [[""]]}, "keyboard button text is empty"),
        ({"selective": True}, "can't parse reply keyboard markup"),
    ],
)
def test_reply_markup_shapes(markup: object, message: str) -> None:
    with pytest.raises(ApiError, match=message):
        validate_reply_markup(markup)


def test_valid_reply_markups() -> None:
    for markup in (
        {"keyboard": [["a", {"text": "b"}]], "resize_keyboard": True},
        {"remove_keyboard": True},
        {"force_reply": True},
        {"inline_keyboard": [[{"text": "a", "url": "tg://user?id=1"}]]},
    ):
        assert validate_reply_markup(markup) == markup
    assert validate_reply_markup(None) is None


def test_stored_message_view() -> None:
    message = StoredMessage(
        chat={"id": 5, "type": "private", "first_name": "A"},
        message_id=3,
        date=0,
        sender={"id": 1, "is_bot": True, "first_name": "Bot"},
        from_bot=True,
        text="hi",
        reply_markup={"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]},
    )
    assert message.buttons == [["Go"]] and message.button_data("Go") == "go"
    assert message.raw["reply_markup"] == message.reply_markup
    with pytest.raises(KeyError, match="no button 'Stop'"):
        message.button_data("Stop")
    message.reply_markup = {"remove_keyboard": True}
    assert "reply_markup" not in message.raw and message.buttons == []


def test_failure_rule_matching() -> None:
    rule = FailureRule(method="sendmessage", status=403, description="x", chat_id=5)
    assert rule.matches("sendMessage", {"chat_id": 5})
    assert not rule.matches("sendMessage", {"chat_id": 6})
    assert not rule.matches("editMessageText", {"chat_id": 5})
    assert FailureRule(method="*", status=500, description="x").matches("getMe", {})


def test_rate_limiter_buckets() -> None:
    now = [0.0]
    limiter = RateLimiter(RateLimitPolicy(chat_burst=2, global_burst=3), clock=lambda: now[0])
    assert [limiter.acquire(1) for _ in range(3)] == [None, None, 1]
    assert limiter.acquire(2) is None
    assert limiter.acquire(3) == 1  # global bucket empty
    now[0] = 1.0
    assert limiter.acquire(1) is None
    assert limiter.acquire(-5) is None
    # groups: 20 per minute, so after the burst a slot frees every 3 s
    group = RateLimiter(RateLimitPolicy(group_burst=1, global_burst=100), clock=lambda: now[0])
    assert group.acquire(-5) is None
    assert group.acquire(-5) == 3
