"""Per-user translations through gettext catalogs compiled from ``locales/``.

The current language lives in a context variable, never in a module global: concurrent updates
for users with different languages cannot leak into each other. Every feature keeps its own
catalog file (``locales/<lang>/LC_MESSAGES/<feature>.po``) so that features can be written in
parallel; at load time all catalogs of a language are merged into one ``Translations``.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations

# A source checkout keeps the catalogs beside the packages; an installed copy can point elsewhere.
LOCALES_DIR = Path(
    os.environ.get("PARCEL_SCOUT_LOCALES") or Path(__file__).resolve().parent.parent / "locales"
)
SUPPORTED: tuple[str, ...] = ("en", "ru")
DEFAULT_LANGUAGE = "en"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=DEFAULT_LANGUAGE)


def normalize_language(code: str | None, default: str = DEFAULT_LANGUAGE) -> str:
    """Map a Telegram ``language_code`` (``ru``, ``ru-RU``, ``en-GB`` ...) to a shipped language."""
    if not code:
        return default
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in SUPPORTED else default


@cache
def translations(language: str) -> NullTranslations:
    """All compiled catalogs of ``language`` merged into one; English falls back to msgids."""
    merged: NullTranslations | None = None
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    for mo in sorted(folder.glob("*.mo")) if folder.is_dir() else []:
        with mo.open("rb") as fp:
            catalog = Translations(fp=fp, domain=mo.stem)
        if merged is None:
            merged = catalog
        else:
            assert isinstance(merged, Translations)
            merged.merge(catalog)
    return merged if merged is not None else NullTranslations()


def current_language() -> str:
    return _current.get()


def set_language(language: str) -> contextvars.Token[str]:
    return _current.set(normalize_language(language))


@contextmanager
def use_language(language: str) -> Iterator[str]:
    """Run a block with ``language`` as the current one (restored afterwards)."""
    token = _current.set(normalize_language(language))
    try:
        yield token.var.get()
    finally:
        _current.reset(token)


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return translations(_current.get()).ugettext(message)


def gettext(message: str) -> str:
    return _(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Plural-aware translation (Russian has three forms: 1 день, 2 дня, 5 дней)."""
    return translations(_current.get()).ungettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(_current.get()).upgettext(context, message)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now (tables of labels)."""
    return message


def translate(message: str, language: str) -> str:
    """Translate in an explicit language, e.g. for command menus registered per language."""
    with use_language(language):
        return _(message)
