"""The Bot API methods the emulator implements (see SUPPORTED_METHODS), with Telegram's checks:
commands, messages, callback answers and files; the update methods are in `bot.emulator.updates`."""

from __future__ import annotations

import io
import json
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from functools import cached_property
from typing import Any

from PIL import Image

from bot.emulator.models import ApiError, CallbackAnswer, StoredFile, StoredMessage, UploadedFile
from bot.emulator.params import bad_request, format_text, validate_reply_markup
from bot.emulator.state import ChatState, JsonDict, group_info
from bot.emulator.updates import UpdateDelivery

__all__ = ["PHOTO_MAX_BYTES", "PHOTO_MAX_RATIO", "PHOTO_MAX_SUM", "BotApiMethods", "Handler"]

Handler = Callable[[JsonDict], Awaitable[Any]]


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units: an emoji outside the BMP is two."""
    return len(text.encode("utf-16-le")) // 2


PHOTO_MAX_BYTES = 10 * 1024 * 1024  # sendPhoto: at most 10 MB, width + height at most 10000,
PHOTO_MAX_SUM = 10_000  # and a side ratio of at most 20 (the Bot API's words)
PHOTO_MAX_RATIO = 20
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _describe(message: StoredMessage) -> str:
    label = f"#{message.message_id}"
    body = message.text
    if message.document is not None:
        body = f"[document {message.document.filename}, {len(message.document.data)} bytes] {body}"
    if message.buttons:
        body += "  " + " / ".join(" | ".join(f"[{b}]" for b in row) for row in message.buttons)
    return f"{label}: {body}"


class BotApiMethods(UpdateDelivery):
    """The Bot API side of BotApiEmulator: one coroutine per method, taking decoded params
    (the update methods come from UpdateDelivery)."""

    @cached_property
    def _handlers(self) -> Mapping[str, Handler]:
        return {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "deleteMessage": self._delete_message,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "getFile": self._get_file,
            "close": self._true,
            "logOut": self._true,
        }

    # ----------------------------------------------------------------- chats & messages

    def _resolve_chat(self, chat_id: Any) -> ChatState:
        if isinstance(chat_id, str):
            username = chat_id.removeprefix("@")
            for user in self.users.values():
                if user.username == username:
                    chat_id = user.id
                    break
            else:
                raise bad_request("chat not found")
        chat = self.chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise bad_request("chat not found")
            if chat_id > 0:
                info: JsonDict = {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
            else:
                info = group_info(chat_id)
            chat = self.chats[chat_id] = ChatState(info=info)
        owner = self.users.get(chat.id)
        if owner is not None and owner.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def _message_to_edit(self, params: JsonDict) -> StoredMessage:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the emulator")
        if params.get("chat_id") is None:
            raise bad_request("chat_id is empty")
        if params.get("message_id") is None:
            raise bad_request("message identifier is not specified")
        message = self._resolve_chat(params["chat_id"]).find(params["message_id"])
        if message is None:
            raise bad_request("message to edit not found")
        if not message.from_bot:
            raise bad_request("message can't be edited")
        return message

    def _reply_target(self, chat: ChatState, params: JsonDict) -> StoredMessage | None:
        reply = params.get("reply_parameters")
        target_id = reply.get("message_id") if isinstance(reply, dict) else None
        target_id = target_id or params.get("reply_to_message_id")
        if target_id is None:
            return None
        target = chat.find(int(target_id))
        allow = params.get("allow_sending_without_reply") or (
            isinstance(reply, dict) and reply.get("allow_sending_without_reply")
        )
        if target is None and not allow:
            raise bad_request("message to be replied not found")
        return target

    def _store(self, chat: ChatState, message: StoredMessage) -> JsonDict:
        chat.messages.append(message)
        chat.transcript.append(f"bot {_describe(message)}")
        return message.raw

    @staticmethod
    def _check_text(text: str) -> None:
        if not text.strip():
            raise bad_request("message text is empty")
        if utf16_length(text) > 4096:
            raise bad_request("message is too long")

    # ----------------------------------------------------------------- methods

    async def _true(self, params: JsonDict) -> bool:
        return True

    async def _get_me(self, params: JsonDict) -> JsonDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _set_my_commands(self, params: JsonDict) -> bool:
        commands = params["commands"]
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("commands must be an Array of at most 100 BotCommand")
        checked: list[JsonDict] = []
        for command in commands:
            if not isinstance(command, dict):
                raise bad_request("can't parse BotCommand: Object expected")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not _COMMAND.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad_request("command description is empty or longer than 256 characters")
            checked.append({"command": name, "description": description})
        key = self._commands_key(params)
        if checked:
            self.my_commands[key] = checked
        else:
            self.my_commands.pop(key, None)
        return True

    def _commands_key(self, params: JsonDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _SCOPE_TYPES:
            raise bad_request("can't parse BotCommandScope: wrong type")
        if scope["type"] in ("chat", "chat_administrators", "chat_member"):
            self._resolve_chat(scope.get("chat_id"))
        language = str(params.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language_code specified")
        return json.dumps(scope, sort_keys=True), language

    async def _get_my_commands(self, params: JsonDict) -> list[JsonDict]:
        return list(self.my_commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JsonDict) -> bool:
        self.my_commands.pop(self._commands_key(params), None)
        return True

    async def _send_message(self, params: JsonDict) -> JsonDict:
        chat = self._resolve_chat(params["chat_id"])
        text, entities, mode = format_text(
            str(params["text"]), params.get("parse_mode"), params.get("entities")
        )
        self._check_text(text)
        markup = validate_reply_markup(params.get("reply_markup"))
        message = StoredMessage(
            chat=chat.info,
            message_id=chat.next_message_id(),
            date=int(time.time()),
            sender=self.bot_user,
            from_bot=True,
            text=text,
            entities=entities,
            parse_mode=mode,
            reply_markup=markup,
            reply_to=self._reply_target(chat, params),
        )
        return self._store(chat, message)

    async def _edit_message_text(self, params: JsonDict) -> JsonDict:
        message = self._message_to_edit(params)
        if message.document is not None:
            raise bad_request("there is no text in the message to edit")
        if params.get("rich_message") is not None:
            raise bad_request("rich_message is not supported by the emulator")
        if params.get("text") in (None, ""):
            raise bad_request("message text is empty")
        text, entities, mode = format_text(
            str(params["text"]), params.get("parse_mode"), params.get("entities")
        )
        self._check_text(text)
        markup = self._inline_markup(params)
        if (
            text == message.text
            and entities == message.entities
            and markup == self._inline_of(message)
        ):
            raise bad_request(_NOT_MODIFIED)
        message.history.append(message.text)
        message.text, message.entities, message.parse_mode = text, entities, mode
        # Like Telegram: an edit without reply_markup removes the inline keyboard.
        message.reply_markup = markup
        message.edit_date = int(time.time())
        self.chat(message.chat_id).transcript.append(f"bot edited {_describe(message)}")
        return message.raw

    @staticmethod
    def _inline_markup(params: JsonDict) -> JsonDict | None:
        markup = validate_reply_markup(params.get("reply_markup"))
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return markup

    @staticmethod
    def _inline_of(message: StoredMessage) -> JsonDict | None:
        markup = message.reply_markup
        return markup if markup and "inline_keyboard" in markup else None

    async def _edit_message_reply_markup(self, params: JsonDict) -> JsonDict:
        message = self._message_to_edit(params)
        markup = self._inline_markup(params)
        if markup == self._inline_of(message):
            raise bad_request(_NOT_MODIFIED)
        message.reply_markup = markup
        message.edit_date = int(time.time())
        self.chat(message.chat_id).transcript.append(f"bot edited {_describe(message)}")
        return message.raw

    async def _answer_callback_query(self, params: JsonDict) -> bool:
        query_id = str(params["callback_query_id"])
        user_id = self._callback_queries.pop(query_id, None)
        if user_id is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        answer = CallbackAnswer(
            callback_query_id=query_id,
            text=None if text is None else str(text),
            show_alert=bool(params.get("show_alert")),
            url=params.get("url"),
            cache_time=int(params.get("cache_time") or 0),
        )
        self.callback_answers.append(answer)
        user = self.users.get(user_id)
        if user is not None:
            user.callback_answers.append(answer)
            kind = "alert" if answer.show_alert else "notice"
            self.chat(user.id).transcript.append(f"bot answered callback ({kind}): {text or ''}")
        return True

    async def _send_chat_action(self, params: JsonDict) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        action = str(params["action"])
        if action not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat.id, action))
        return True

    async def _delete_message(self, params: JsonDict) -> bool:
        chat = self._resolve_chat(params["chat_id"])
        message = chat.find(params["message_id"])
        if message is None:
            raise bad_request("message to delete not found")
        message.deleted = True
        chat.transcript.append(f"bot deleted #{message.message_id}")
        return True

    def _new_file_id(self) -> tuple[str, str]:
        self._last_file_id += 1
        return f"BQACAgIAAxkBAAI{self._last_file_id:06d}", f"AgAD{self._last_file_id:06d}"

    def _file(self, value: Any, *, photo: bool) -> StoredFile:
        """The file a document or photo parameter gives: a new upload (checked, then kept in
        `files`) or the file_id of one sent before (for a photo, one sent as a photo)."""
        if isinstance(value, UploadedFile):
            if not value.data:
                raise bad_request("file must be non-empty")
            stored = self._photo(value) if photo else self._document(value)
            self.files[stored.file_id] = stored
            return stored
        known = self.files.get(value) if isinstance(value, str) else None
        if known is None or (photo and not known.width):
            raise bad_request("wrong file identifier/HTTP URL specified")
        return known

    def _document(self, upload: UploadedFile) -> StoredFile:
        file_id, unique_id = self._new_file_id()
        filename = upload.filename or "document"
        mime = (
            upload.content_type
            if upload.content_type not in ("", "application/octet-stream")
            else mimetypes.guess_type(filename)[0] or "application/octet-stream"
        )
        return StoredFile(file_id, unique_id, filename, upload.data, mime)

    def _photo(self, upload: UploadedFile) -> StoredFile:
        if len(upload.data) > PHOTO_MAX_BYTES:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        try:
            with Image.open(io.BytesIO(upload.data)) as image:
                width, height = image.size
        except (OSError, ValueError):  # not an image Pillow can read
            raise bad_request("IMAGE_PROCESS_FAILED") from None
        long, short = max(width, height), max(min(width, height), 1)
        if width + height > PHOTO_MAX_SUM or long / short > PHOTO_MAX_RATIO:
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        file_id, unique_id = self._new_file_id()
        filename = upload.filename or "photo.jpg"
        return StoredFile(file_id, unique_id, filename, upload.data, "image/jpeg", width, height)

    def _send_captioned(
        self,
        chat: ChatState,
        params: JsonDict,
        *,
        document: StoredFile | None = None,
        photo: StoredFile | None = None,
    ) -> JsonDict:
        caption, entities, mode = format_text(
            str(params.get("caption") or ""),
            params.get("parse_mode"),
            params.get("caption_entities"),
        )
        if utf16_length(caption) > 1024:
            raise bad_request("message caption is too long")
        message = StoredMessage(
            chat=chat.info,
            message_id=chat.next_message_id(),
            date=int(time.time()),
            sender=self.bot_user,
            from_bot=True,
            text=caption,
            entities=entities,
            parse_mode=mode,
            reply_markup=validate_reply_markup(params.get("reply_markup")),
            document=document,
            photo=photo,
            reply_to=self._reply_target(chat, params),
        )
        return self._store(chat, message)

    async def _send_document(self, params: JsonDict) -> JsonDict:
        chat = self._resolve_chat(params["chat_id"])
        return self._send_captioned(
            chat, params, document=self._file(params["document"], photo=False)
        )

    async def _send_photo(self, params: JsonDict) -> JsonDict:
        chat = self._resolve_chat(params["chat_id"])
        return self._send_captioned(chat, params, photo=self._file(params["photo"], photo=True))

    async def _get_file(self, params: JsonDict) -> JsonDict:
        stored = self.files.get(str(params["file_id"]))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }
