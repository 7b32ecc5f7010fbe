"""What every SQLite connection of repmon is set up with (db.session.make_engine)."""

from __future__ import annotations

from db.session import make_engine


def test_sqlite_connections_get_wal_foreign_keys_a_busy_timeout_and_a_16_mib_page_cache(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'repmon.db'}")
    try:
        with engine.connect() as connection:

            def pragma(name: str) -> object:
                return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

            assert pragma("journal_mode") == "wal"
            assert pragma("synchronous") == 1  # NORMAL: no fsync per commit in WAL mode
            assert pragma("foreign_keys") == 1
            assert pragma("busy_timeout") == 30_000
            assert pragma("cache_size") == -16 * 1024  # KiB: 16 MiB, not SQLite's 2 MiB
    finally:
        engine.dispose()
