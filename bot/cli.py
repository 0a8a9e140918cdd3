"""``parcel-scout``: run the bot, explain a track number, ask the advisor, back up the data."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.config import ConfigError, Settings, load_settings
from storage.db import DatabaseUnusable


def _settings_or_exit() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(f"parcel-scout: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _database_unusable(exc: DatabaseUnusable) -> int:
    """One line and exit code 2, like a bad setting: the operator fixes the file, not the code."""
    print(f"parcel-scout: database error: {exc}", file=sys.stderr)
    return 2


def cmd_run(_args: argparse.Namespace) -> int:
    from bot.logs import setup_logging
    from bot.runner import run

    settings = _settings_or_exit()
    setup_logging(settings.log_level, settings.log_format, settings.secrets)
    try:
        return asyncio.run(run(settings))
    except DatabaseUnusable as exc:
        return _database_unusable(exc)


def cmd_backup(args: argparse.Namespace) -> int:
    from storage import Storage

    settings = _settings_or_exit()
    if not settings.db_path.exists():
        print(f"parcel-scout: no database at {settings.db_path}", file=sys.stderr)
        return 1

    async def backup() -> None:
        storage = await Storage.open(settings.db_path)
        try:
            await storage.db.backup_to(Path(args.path))
        finally:
            await storage.close()

    try:
        asyncio.run(backup())
    except DatabaseUnusable as exc:
        return _database_unusable(exc)
    print(f"backed up {settings.db_path} to {args.path}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # explain and advise own their flags; hand them the rest of the line untouched.
    if argv and argv[0] == "explain":
        from bot.core.tracknumbers.render import explain_main

        return explain_main(argv[1:])
    if argv and argv[0] == "advise":
        from bot.core.advice.cli import advise_main

        return advise_main(argv[1:])

    parser = argparse.ArgumentParser(
        prog="parcel-scout",
        description="Telegram bot for parcels from China that are untracked, stuck or lost.",
    )
    parser.add_argument("--version", action="version", version=f"parcel-scout {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run", help="run the bot (polling with BOT_TOKEN, local chat without it)"
    ).set_defaults(func=cmd_run)
    sub.add_parser("explain", help='explain track numbers: explain "<text>" [--lang] [--json]')
    sub.add_parser("advise", help="what to do now, from facts given as flags (--json)")
    backup = sub.add_parser("backup", help="online, consistent copy of the database")
    backup.add_argument("path", help="where to write the copy")
    backup.set_defaults(func=cmd_backup)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
