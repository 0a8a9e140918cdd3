"""The layers, enforced: which package may import which (read from the source, not by running it).

The tree shows the layers (docs/architecture.md):

- ``bot/core/``: the pure domain (track numbers, advice, the dispute script, intents, parsing,
  time zones). Only the standard library, Babel and ``bot.i18n``.
- ``bot/ui/``: what the chat shows, still Telegram-free (the presentation vocabulary, typed
  buttons, screens, message limits, the chat's typed state). The domain, and stored records
  (``storage.models``) as data; never Telegram, SQL or the scheduler.
- ``bot/tracking/``: the vendors' clients (HTTP adapters) and the router; no Telegram, no storage.
- ``bot/watch/``: the scheduler's service (check, diff, outbox, alerts): storage and tracking,
  never Telegram.
- ``storage/``: SQLite. Never handlers; Telegram only in ``storage/persistence.py`` (it *is*
  python-telegram-bot's persistence class).
- ``handlers/``: the Telegram side. Never SQL, never the emulator.
- ``bot/emulator/``: a test double of the Bot API; never Telegram's library or our features.
- The wiring (``bot/app.py``, ``runner.py``, ``cli.py``, ``services.py`` …) may import anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# package prefix -> module prefixes it must not import (with exceptions: module -> allowed)
RULES: dict[str, tuple[str, ...]] = {
    "bot.core": (
        "telegram",
        "storage",
        "handlers",
        "aiohttp",
        "aiosqlite",
        "sqlite3",
        "bot.tracking",
        "bot.watch",
        "bot.emulator",
        "bot.ui",
        "bot.app",
        "bot.services",
        "bot.runner",
    ),
    "bot.ui": (
        "telegram",
        "handlers",
        "aiohttp",
        "aiosqlite",
        "sqlite3",
        "storage",
        "bot.tracking",
        "bot.watch",
        "bot.emulator",
        "bot.app",
        "bot.services",
        "bot.runner",
    ),
    "bot.tracking": ("telegram", "storage", "handlers", "bot.watch", "bot.app", "bot.emulator"),
    "bot.watch": ("telegram", "handlers", "bot.app", "bot.emulator"),
    "storage": ("handlers", "bot.app", "bot.watch", "bot.emulator", "telegram"),
    "handlers": ("aiosqlite", "sqlite3", "bot.emulator"),
    "bot.emulator": ("telegram", "handlers", "storage", "bot.core", "bot.ui", "bot.watch"),
}
# module (or package) -> imports it may make although its layer forbids the wider prefix
ALLOWED: dict[str, tuple[str, ...]] = {
    "storage.persistence": ("telegram",),  # it is python-telegram-bot's persistence class
    # The normalised tracking model (statuses, events) is plain data the domain reasons about.
    "bot.core": ("bot.tracking.model",),
    # Screens render stored records (plain dataclasses), tracking statuses and the vendors' event
    # codes in the reader's language (the code tables live beside the clients that read them).
    "bot.ui": ("storage.models", "bot.tracking.model", "bot.tracking.event_texts"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (function-level imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the package
                name = module_name(path)
                base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                found.add(".".join([*base, node.module] if node.module else base))
            elif node.module:
                found.add(node.module)
    return found


def violations(name: str, imported: set[str]) -> list[str]:
    problems = []
    for layer, forbidden in RULES.items():
        if name != layer and not name.startswith(layer + "."):
            continue
        allowed = [
            target
            for scope, targets in ALLOWED.items()
            if name == scope or name.startswith(scope + ".")
            for target in targets
        ]
        for target in sorted(imported):
            if any(target == ok or target.startswith(ok + ".") for ok in allowed):
                continue
            for prefix in forbidden:
                if target == prefix or target.startswith(prefix + "."):
                    problems.append(
                        f"{name} imports {target} (layer {layer} must not use {prefix})"
                    )
    return problems


def sources() -> list[Path]:
    return sorted(
        path
        for folder in ("bot", "handlers", "storage")
        for path in (ROOT / folder).rglob("*.py")
        if ".venv" not in path.parts
    )


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_layer_boundaries(path: Path) -> None:
    assert violations(module_name(path), imports_of(path)) == []


def test_the_checker_catches_a_domain_module_importing_telegram(tmp_path: Path) -> None:
    # A test that cannot fail is a defect: feed the checker modules that break each rule.
    sample = tmp_path / "sample.py"
    sample.write_text("def later():\n    from storage import Parcel\n    import telegram.ext\n")
    assert imports_of(sample) == {"storage", "telegram.ext"}  # a lazy import counts too
    assert violations("bot.core.advice.rules", {"telegram"})
    assert violations("bot.core.dispute", {"storage.repositories"})
    assert violations("bot.core.intents", {"handlers.common"})
    assert violations("bot.ui.parcel_views", {"storage.db"})
    assert violations("bot.tracking.cainiao", {"telegram.ext"})
    assert violations("storage.repositories", {"handlers"})
    assert violations("handlers.parcels.card", {"aiosqlite"})
    assert violations("storage.persistence", {"telegram.ext"}) == []
    assert violations("bot.ui.parcel_views", {"storage.models"}) == []
    assert violations("bot.app", {"telegram", "handlers", "storage"}) == []
