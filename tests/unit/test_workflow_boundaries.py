"""The advice and dispute workflow stays Telegram- and database-free (read from the source, so a
lazy import inside a function counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = [
    *sorted((ROOT / "bot" / "advice").glob("*.py")),
    *sorted((ROOT / "bot" / "dispute").glob("*.py")),
    ROOT / "bot" / "intents.py",
    ROOT / "bot" / "parsing.py",
    ROOT / "bot" / "userdata.py",
]
FORBIDDEN = ("telegram", "storage", "handlers", "aiosqlite", "sqlite3")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", DOMAIN, ids=lambda p: str(p.relative_to(ROOT)))
def test_domain_module_imports_no_adapter(path: Path) -> None:
    bad = sorted(n for n in imported(path) if n.split(".")[0] in FORBIDDEN)
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_check_sees_imports(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from storage import Parcel\n    import telegram.ext\n")
    assert imported(sample) == {"storage", "telegram.ext"}
