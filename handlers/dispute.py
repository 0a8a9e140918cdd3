"""Placeholder: filled in by its feature's issue."""

from __future__ import annotations

from telegram.ext import Application

COMMANDS: list[tuple[str, str]] = []


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Nothing yet."""
