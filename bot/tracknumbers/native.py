"""Which build of the explainer runs: compiled by mypyc (``make native``) or the plain sources.

The explainer's hot path (finding numbers, matching formats, check digits, building readings)
is ordinary typed Python. ``make native`` compiles these modules with mypyc, a part of mypy, into
C extensions that sit next to the sources; Python then imports the ``.so`` files instead, about
three times as fast on the explain benchmark. Nothing else changes: same source, same behaviour
(a test compares both builds).

A compiled module is only trusted while its source is unchanged: the build records each source's
SHA-256 in ``_native_build.json``. If a source was edited since (or ``PARCEL_SCOUT_PURE=1`` is
set), the package loads every module below from its ``.py`` file instead, so an edit is never
hidden behind a stale binary. ``BUILD`` tells which build is running (the benchmark prints it,
and the bot logs it at start).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

log = logging.getLogger(__name__)

# The compiled modules, in import order (each only imports the ones before it).
MODULES = ("model", "checksums", "normalize", "s10", "formats", "core")
PACKAGE = "bot.tracknumbers"
MANIFEST = "_native_build.json"
_HERE = Path(__file__).resolve().parent


def source_digests() -> dict[str, str]:
    return {
        name: hashlib.sha256((_HERE / f"{name}.py").read_bytes()).hexdigest() for name in MODULES
    }


def _compiled_present() -> bool:
    return any((_HERE / f"core{suffix}").exists() for suffix in EXTENSION_SUFFIXES)


def _fresh() -> bool:
    try:
        recorded = json.loads((_HERE / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(recorded, dict) and recorded.get("sources") == source_digests()


def _load_sources() -> None:
    """Import the modules from their ``.py`` files, before anything imports the ``.so`` ones."""
    for name in MODULES:
        full = f"{PACKAGE}.{name}"
        if full in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(full, _HERE / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)


def select() -> str:
    """Pick the build for this process; returns ``native``, ``pure`` or ``pure (stale native)``."""
    if not _compiled_present():
        return "pure"
    if os.environ.get("PARCEL_SCOUT_PURE") == "1":
        _load_sources()
        return "pure"
    if not _fresh():
        log.warning(
            "compiled explainer is older than its sources; using the sources (run `make native`)"
        )
        _load_sources()
        return "pure (stale native)"
    return "native"
