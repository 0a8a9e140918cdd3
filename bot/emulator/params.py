"""Decoding request parameters the way the Bot API does, and validating the shared shapes.

Clients send parameters as a query string, application/x-www-form-urlencoded, multipart/form-data
or JSON. python-telegram-bot JSON-encodes every non-string value even inside form bodies (its
RequestData.json_parameters), so nested objects arrive as JSON strings and numbers as "42".
Whatever the transport, every parameter ends up with the type the Bot API documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from bot.emulator.html import EntityParseError, parse_html, utf16_len
from bot.emulator.models import ApiError, UploadedFile

__all__ = [
    "INLINE_BUTTON_ACTIONS",
    "bad_request",
    "decode_params",
    "format_text",
    "jsonable",
    "validate_reply_markup",
]

JsonDict = dict[str, Any]

_INTEGER_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "cache_time",
        "max_connections",
        "reply_to_message_id",
        "message_thread_id",
        "from_chat_id",
    }
)
_BOOLEAN_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "allow_paid_broadcast",
    }
)
_JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
    }
)
_INTEGER = re.compile(r"-?[0-9]+")

INLINE_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def _coerce(name: str, value: Any) -> Any:
    if isinstance(value, UploadedFile):
        return value
    if name == "chat_id":
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise bad_request("invalid chat_id specified")
        return value
    if name in _INTEGER_PARAMS:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if name == "timeout" and isinstance(value, float):
            return value  # fractional long-poll timeouts keep tests fast
        if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
            return int(value)
        raise bad_request(f'invalid "{name}" specified: integer expected')
    if name in _BOOLEAN_PARAMS:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            return value.lower() in ("true", "1")
        if isinstance(value, int):
            return bool(value)
        raise bad_request(f'invalid "{name}" specified: boolean expected')
    if name in _JSON_PARAMS and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
    return value


def decode_params(
    pairs: Iterable[tuple[str, Any]], files: Mapping[str, UploadedFile] | None = None
) -> JsonDict:
    """Type every parameter; "attach://name" values are resolved against multipart files."""
    files = files or {}
    params: JsonDict = {}
    for name, value in pairs:
        if isinstance(value, str) and value.startswith("attach://"):
            attached = files.get(value.removeprefix("attach://"))
            if attached is None:
                raise bad_request(f"file {value!r} is not attached")
            value = attached
        params[name] = _coerce(name, value)
    return params


def jsonable(value: Any) -> Any:
    """Parameters for the JSON log: uploaded files become a short description."""
    if isinstance(value, UploadedFile):
        return {
            "filename": value.filename,
            "size": len(value.data),
            "mime_type": value.content_type,
        }
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def format_text(
    text: str,
    parse_mode: str | None,
    entities: Any,
) -> tuple[str, list[JsonDict], str | None]:
    """Apply parse_mode or explicit entities: (visible text, entities, normalised parse_mode)."""
    mode = (parse_mode or "").strip() or None
    if mode is None:
        return text, _validate_entities(text, entities), None
    if entities is not None:
        # Telegram ignores parse_mode when entities are given; keep it simple and strict here.
        raise bad_request("entities and parse_mode can't be used together")
    if mode.lower() == "html":
        try:
            plain, parsed = parse_html(text)
        except EntityParseError as error:
            raise bad_request(f"can't parse entities: {error}") from None
        return plain, parsed, "HTML"
    if mode.lower() in ("markdown", "markdownv2"):
        # Markdown is not parsed by the emulator (the project uses HTML); text is kept as sent.
        return text, [], mode
    raise bad_request(f"unsupported parse_mode {mode!r}")


def _validate_entities(text: str, entities: Any) -> list[JsonDict]:
    if entities is None:
        return []
    if not isinstance(entities, list):
        raise bad_request("can't parse entities JSON object")
    size = utf16_len(text)
    checked: list[JsonDict] = []
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            raise bad_request("can't parse MessageEntity: type is missing")
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or offset < 0 or length < 1:
            raise bad_request("can't parse MessageEntity: wrong offset or length")
        if offset + length > size:
            raise bad_request("entity beyond the end of the text")
        checked.append(dict(entity))
    return checked


def validate_reply_markup(markup: Any) -> JsonDict | None:
    """Check the shape of a reply_markup object; returns it (None when absent)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _validate_inline_keyboard(markup["inline_keyboard"])
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request('field "keyboard" must be an Array of Array')
        for row in rows:
            for button in row:
                label = button.get("text") if isinstance(button, dict) else button
                if not isinstance(label, str) or not label:
                    raise bad_request("keyboard button text is empty")
    elif not (markup.get("remove_keyboard") is True or markup.get("force_reply") is True):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _validate_inline_keyboard(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" must be an Array of Array')
    count = 0
    for row in rows:
        for button in row:
            count += 1
            if not isinstance(button, dict):
                raise bad_request("can't parse inline keyboard button: Object expected")
            label = button.get("text")
            if not isinstance(label, str) or not label.strip():
                raise bad_request("inline keyboard button text must be non-empty")
            actions = [name for name in INLINE_BUTTON_ACTIONS if name in button]
            if not actions:
                raise bad_request("text buttons are unallowed in the inline keyboard")
            if len(actions) > 1:
                raise bad_request(f"inline keyboard button has several actions: {actions}")
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not re.match(r"(https?|tg)://\S+$", url):
                    raise bad_request("BUTTON_URL_INVALID")
    if count > 100:
        raise bad_request("reply markup is too long")
