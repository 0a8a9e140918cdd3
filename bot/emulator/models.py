"""Plain data kept by the emulator: messages, files, recorded requests, injected failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "ApiError",
    "CallbackAnswer",
    "FailureRule",
    "RecordedRequest",
    "StoredFile",
    "StoredMessage",
    "UploadedFile",
]

JsonDict = dict[str, Any]


class ApiError(Exception):
    """An error answer of the Bot API: {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, status: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, before it becomes a StoredFile."""

    filename: str
    data: bytes
    content_type: str


PHOTO_MAX_SIDE = 2560


@dataclass
class StoredFile:
    """A file the bot uploaded (sendDocument); downloadable under base_file_url."""

    file_id: str
    file_unique_id: str
    filename: str
    data: bytes
    mime_type: str
    width: int = 0  # photos only: the uploaded image's size
    height: int = 0

    @property
    def file_path(self) -> str:
        folder = "photos" if self.width else "documents"
        return f"{folder}/{self.file_unique_id}/{self.filename}"

    def photo_sizes(self) -> list[JsonDict]:
        """The PhotoSize list: Telegram keeps a copy whose longer side is at most 2560 px."""
        scale = min(1.0, PHOTO_MAX_SIDE / max(self.width, self.height, 1))
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": round(self.width * scale),
                "height": round(self.height * scale),
                "file_size": len(self.data),
            }
        ]

    def document(self) -> JsonDict:
        return {
            "file_name": self.filename,
            "mime_type": self.mime_type,
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }


@dataclass
class StoredMessage:
    """One message in a chat, as it is now (after edits). Bot replies in tests are these."""

    chat: JsonDict
    message_id: int
    date: int
    sender: JsonDict
    from_bot: bool
    text: str = ""
    entities: list[JsonDict] = field(default_factory=list)
    parse_mode: str | None = None
    reply_markup: JsonDict | None = None
    document: StoredFile | None = None
    photo: StoredFile | None = None
    edit_date: int | None = None
    deleted: bool = False
    reply_to: StoredMessage | None = None
    history: list[str] = field(default_factory=list)
    """Earlier texts of this message, oldest first (one per editMessageText)."""

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    @property
    def inline_keyboard(self) -> list[list[JsonDict]]:
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard")
        return rows if isinstance(rows, list) else []

    @property
    def buttons(self) -> list[list[str]]:
        """Labels of the inline keyboard, row by row ([] when there is none)."""
        return [[str(button.get("text", "")) for button in row] for row in self.inline_keyboard]

    def button(self, label: str) -> JsonDict:
        for row in self.inline_keyboard:
            for button in row:
                if button.get("text") == label:
                    return button
        raise KeyError(f"no button {label!r} on message {self.message_id}: {self.buttons}")

    def button_data(self, label: str) -> str | None:
        """callback_data of the button with exactly this label (None for URL buttons)."""
        data = self.button(label).get("callback_data")
        return None if data is None else str(data)

    @property
    def raw(self) -> JsonDict:
        """The Message object as the Bot API returns it."""
        message: JsonDict = {
            "message_id": self.message_id,
            "from": dict(self.sender),
            "chat": dict(self.chat),
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.reply_to is not None:
            message["reply_to_message"] = self.reply_to.raw
        if self.document is not None or self.photo is not None:
            if self.document is not None:
                message["document"] = self.document.document()
            if self.photo is not None:
                message["photo"] = self.photo.photo_sizes()
            if self.text:
                message["caption"] = self.text
                if self.entities:
                    message["caption_entities"] = [dict(e) for e in self.entities]
        else:
            message["text"] = self.text
            if self.entities:
                message["entities"] = [dict(e) for e in self.entities]
        # Only inline keyboards are part of a Message; reply keyboards live on the client.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = self.reply_markup
        return message

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class RecordedRequest:
    """One request the bot made, with its parameters decoded (nested JSON parsed)."""

    method: str
    params: JsonDict
    time: float
    """time.monotonic() when the request arrived."""
    http_method: str = "POST"


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot passed to answerCallbackQuery."""

    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int


@dataclass
class FailureRule:
    """An injected failure or delay; see BotApiEmulator.fail_next."""

    method: str
    """Lower-case method name, or "*" for every method."""
    status: int | None
    description: str
    retry_after: int | None = None
    chat_id: int | str | None = None
    times: int = 1
    delay: float = 0.0

    def matches(self, method: str, params: JsonDict) -> bool:
        if self.times <= 0:
            return False
        if self.method not in ("*", method.lower()):
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)
