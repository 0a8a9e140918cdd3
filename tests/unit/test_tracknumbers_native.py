"""The mypyc-compiled explainer says exactly what the plain sources say, and is never stale.

``make native`` compiles ``bot.tracknumbers`` (see ``bot/tracknumbers/native.py``). These tests
run the other build in a subprocess (``PARCEL_SCOUT_PURE=1``) and compare the JSON of every
answer; without a compiled build there is nothing to compare, and they skip saying so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot.tracknumbers as tracknumbers
from benchmarks.explain_bench import make_inputs
from bot.i18n import use_language
from bot.tracknumbers import find_numbers, native
from bot.tracknumbers import normalize as normalize_module

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "bot" / "tracknumbers"
COMPILED = any((PACKAGE / f"core{suffix}").exists() for suffix in EXTENSION_SUFFIXES)
needs_compiled = pytest.mark.skipif(
    not COMPILED, reason="explainer not compiled here (run `make native`, needs a C compiler)"
)
needs_fresh = pytest.mark.skipif(
    tracknumbers.BUILD != "native",
    reason=f"explainer build here: {tracknumbers.BUILD} (sources edited since `make native`, "
    "or PARCEL_SCOUT_PURE=1)",
)

# Odd inputs on top of the benchmark's mix: look-alikes, full-width digits, URLs, lists, noise.
EXTRA = [
    "",
    "   ",
    "LХ123456785СN",  # Cyrillic look-alikes
    "ＬＸ１２３４５６７８５ＣＮ",
    "lx 123-456 785 cn, RB123456785SG; 1Z999AA10123456784 and 80012345672",
    "https://global.cainiao.com/newDetail.htm?mailNoList=LP00123456789012&x=1",
    "order 8181234567891234 — tracking UA671580905RU (paid 4.99 USD)",
    " ".join(f"RB{n:08d}0SG" for n in range(30)),
    "9" * 4000,
    "🙂 LX 123 456 785 CN 🙂 00000000000000 4PX1234567890123456",
]

SCRIPT = """
import json, sys
from bot.i18n import use_language
from bot.tracknumbers import BUILD, find_numbers
texts = json.load(sys.stdin)
with use_language("en"):
    out = [[a.to_json() for a in find_numbers(t).items] for t in texts]
json.dump({"build": BUILD, "answers": out}, sys.stdout)
"""


def _python(code: str, root: Path, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """``python -c code`` in a fresh process with ``root`` importable (no build chosen yet)."""
    environ = {k: v for k, v in os.environ.items() if k != "PARCEL_SCOUT_PURE"}
    environ.update(env, PYTHONPATH=str(root))
    return subprocess.run(
        [sys.executable, "-c", code],
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        cwd=root,
        timeout=300,
        check=True,
    )


def _run_pure(texts: list[str]) -> dict[str, object]:
    done = _python(SCRIPT, ROOT, json.dumps(texts), PARCEL_SCOUT_PURE="1")
    result: dict[str, object] = json.loads(done.stdout)
    return result


@needs_compiled
@needs_fresh
def test_compiled_build_is_the_one_running() -> None:
    assert tracknumbers.BUILD == "native"
    assert tracknumbers.core.__file__ is not None
    assert not tracknumbers.core.__file__.endswith(".py")


@needs_compiled
@needs_fresh
def test_compiled_and_pure_builds_give_identical_answers() -> None:
    texts = make_inputs(3000, seed=7) + EXTRA
    pure = _run_pure(texts)
    assert pure["build"] == "pure"
    with use_language("en"):
        ours = [[a.to_json() for a in find_numbers(t).items] for t in texts]
    theirs = pure["answers"]
    assert isinstance(theirs, list) and len(theirs) == len(ours)
    for text, a, b in zip(texts, ours, theirs, strict=True):
        assert a == b, text


@needs_compiled
def test_an_edited_source_is_never_hidden_by_a_stale_binary(tmp_path: Path) -> None:
    """A source edited after ``make native`` runs as Python (with a warning), not the old .so."""
    shutil.copytree(ROOT / "bot", tmp_path / "bot", ignore=shutil.ignore_patterns("__pycache__"))
    core = tmp_path / "bot" / "tracknumbers" / "core.py"
    core.write_text(core.read_text(encoding="utf-8") + "\nEDITED = True\n", encoding="utf-8")
    probe = (
        "import bot.tracknumbers as t, bot.tracknumbers.core as c;"
        "print(t.BUILD, c.__file__.endswith('.py'), getattr(c, 'EDITED', False))"
    )
    done = _python(probe, tmp_path)
    assert done.stdout.split() == ["pure", "(stale", "native)", "True", "True"]
    assert "make native" in done.stderr


def test_manifest_lists_every_compiled_module() -> None:
    """Every module named for compilation exists as a source (the build and the loader agree)."""
    for name in native.MODULES:
        assert (PACKAGE / f"{name}.py").is_file()
    assert set(native.source_digests()) == set(native.MODULES)


@given(st.text(max_size=80))
def test_both_normalisations_agree(text: str) -> None:
    """The compiled build normalises by stretches, the plain one with ``str.translate``."""
    assert normalize_module._normalize_stretches(text) == text.translate(normalize_module._TABLE)
    assert normalize_module.normalize(text) == normalize_module.normalize(text).upper()
