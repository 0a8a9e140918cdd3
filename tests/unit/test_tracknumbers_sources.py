"""The explainer runs from its sources: no compiled module left over from the retired mypyc build.

Python imports an extension module (``core.cpython-311-x86_64-linux-gnu.so``) in preference to
``core.py`` beside it, so a checkout that once ran ``make native`` would silently keep running the
old compiled code after every edit. Nothing checks for stale binaries any more; this test does.
"""

from __future__ import annotations

import importlib
import pkgutil
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import bot.core.tracknumbers

PACKAGE = Path(bot.core.tracknumbers.__file__).resolve().parent


def test_no_compiled_module_shadows_a_source() -> None:
    leftovers = sorted(
        {path.name for suffix in EXTENSION_SUFFIXES for path in PACKAGE.glob(f"*{suffix}")}
    )
    assert not leftovers, f"delete the old mypyc build: rm {PACKAGE}/*.so ({leftovers})"


def test_every_module_is_imported_from_its_source() -> None:
    for info in pkgutil.iter_modules([str(PACKAGE)]):
        module = importlib.import_module(f"bot.core.tracknumbers.{info.name}")
        assert module.__file__ is not None and module.__file__.endswith(".py"), module.__file__
