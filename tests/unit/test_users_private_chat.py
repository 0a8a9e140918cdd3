"""A user's stored chat is their private chat, never a group (issue 14: pushes leaked to groups)."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from storage import Database, Storage, migrations


async def test_a_group_is_never_stored_as_a_users_chat(tmp_path: Path) -> None:
    storage = await Storage.open(tmp_path / "db.sqlite")
    try:
        await storage.users.upsert_seen(1001, 1001, "en")
        with pytest.raises(ValueError, match="group"):
            await storage.users.upsert_seen(1001, -1001234567890, "en")
        user = await storage.users.get(1001)
        assert user is not None and user.chat_id == 1001
    finally:
        await storage.close()


async def test_migration_points_leaked_group_chats_back_to_the_private_chat(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    conn = await aiosqlite.connect(path, isolation_level=None)
    try:
        await migrations.apply(conn, target=1)
        await conn.execute(
            "INSERT INTO users (id, chat_id, language, created_at, updated_at, last_seen_at) "
            "VALUES (7, -1005, 'en', 0, 0, 0), (8, 8, 'ru', 0, 0, 0)"
        )
    finally:
        await conn.close()
    db = await Database.open(path)
    try:
        rows = await db.fetchall("SELECT id, chat_id FROM users ORDER BY id")
        assert [tuple(row) for row in rows] == [(7, 7), (8, 8)]
    finally:
        await db.close()
