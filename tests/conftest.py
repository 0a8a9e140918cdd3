"""Fixtures shared by every test: the Bot API emulator and the whole bot around it."""

from __future__ import annotations

pytest_plugins = ["tests.support.telegram", "tests.support.app", "tests.support.tracking"]
