"""One process at a time per connector poll or outbox send: file locks on SQLite, advisory on PG."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import Engine, text


def _lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_try_advisory_lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _lock_dir(engine: Engine) -> Path:
    database = engine.url.database or "repmon.db"
    if database == ":memory:":
        database = "repmon-memory.db"
    path = Path(database)
    return path.with_name(path.name + ".locks")


@contextmanager
def try_lock(engine: Engine, name: str) -> Iterator[bool]:
    """Yield True if this process now holds `name`, False if another one does (never waits)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            key = _lock_key(name)
            got = bool(
                connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
            )
            connection.commit()
            try:
                yield got
            finally:
                if got:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    connection.commit()
        return
    directory = _lock_dir(engine)
    directory.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
    lock = FileLock(directory / f"{safe}.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
