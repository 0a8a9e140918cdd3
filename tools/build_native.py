"""Compile the track-number explainer with mypyc: ``make native`` (needs a C compiler).

The extensions land next to the sources (``bot/tracknumbers/*.so``), with one shared library
``bot/tracknumbers/_native__mypyc*.so`` and a manifest of the sources' digests, which
``bot.tracknumbers.native`` checks before it trusts them. Without a compiler this exits non-zero
and the explainer simply runs as plain Python.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from mypyc.build import mypycify
from setuptools import setup

ROOT = Path(__file__).resolve().parent.parent
# native.py by its path: importing the package would load the very .so files we overwrite.
_spec = importlib.util.spec_from_file_location(
    "parcel_scout_native", ROOT / "bot" / "tracknumbers" / "native.py"
)
assert _spec is not None and _spec.loader is not None
native = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(native)


def main() -> None:
    package_dir = ROOT / "bot" / "tracknumbers"
    manifest = package_dir / native.MANIFEST
    manifest.unlink(missing_ok=True)  # a failed build must not leave an old manifest behind
    digests = native.source_digests()  # what the compiler is about to read
    sources = [f"bot/tracknumbers/{name}.py" for name in native.MODULES]
    extensions = mypycify(sources, opt_level="3", group_name="bot.tracknumbers._native")
    setup(
        name="parcel-scout-native",
        ext_modules=extensions,
        script_args=["build_ext", "--inplace", "--build-temp", "build/native"],
    )
    manifest.write_text(
        json.dumps({"sources": digests}, indent=1, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    print(f"compiled {len(sources)} explainer modules with mypyc")


if __name__ == "__main__":
    main()
