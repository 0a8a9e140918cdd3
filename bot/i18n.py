"""Per-user translations through gettext catalogs compiled from ``locales/``.

The current language lives in a context variable, never in a module global: concurrent updates
for users with different languages cannot leak into each other. Every feature keeps its own
catalog file (``locales/<lang>/LC_MESSAGES/<feature>.po``) so that features can be written in
parallel; at load time all catalogs of a language are merged into one ``Translations``.
"""

from __future__ import annotations

import contextvars
import copy
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel import Locale
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from babel.numbers import format_percent as babel_percent
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


@cache
def _money_patterns(language: str) -> tuple[Locale, NumberPattern, NumberPattern]:
    locale = Locale.parse(language)
    pattern = parse_pattern(locale.currency_formats["standard"])
    whole = copy.copy(pattern)
    whole.frac_prec = (0, 0)
    return locale, pattern, whole


# Babel leaves out CLDR's currency spacing: "RUB1,890" needs a space between code and digits.
_CODE_NEXT_TO_DIGIT = re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])")


def format_money(amount: float, currency: str | None) -> str:
    """Money the way the current language writes it: "$1.99", "1,99 $", "1 890 ₽", "$5".

    Whole amounts lose their ",00" (prices are typed that way); without a currency the amount
    is a plain number. The domain's own texts and the screens both use this one rule.
    """
    language = current_language()
    if not currency:
        return format_number(amount)
    locale, pattern, whole = _money_patterns(language)
    chosen = whole if float(amount).is_integer() else pattern
    text = chosen.apply(amount, locale, currency=currency.upper(), currency_digits=False)
    return _CODE_NEXT_TO_DIGIT.sub("\u00a0", text)


def format_number(value: float) -> str:
    """A number in the current language's digits: "7.5" / "7,5", "1,890" / "1 890"."""
    return format_decimal(value, locale=current_language())


def format_percent(share: float) -> str:
    """A share as a whole percentage: "38%" in both languages.

    CLDR's Russian pattern puts a space before "%"; AliExpress and Russian chat write "38%",
    so the sign stays attached (the digits still follow the language).
    """
    return babel_percent(round(share, 2), format="#,##0%", locale=current_language())
