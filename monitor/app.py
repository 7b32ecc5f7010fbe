"""Wiring shared by CLI commands: config → engine → schema check → pipeline."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.session import describe_failure, make_engine, session_factory
from monitor.config import AppConfig
from monitor.errors import StorageError
from monitor.pipeline import Clock, Pipeline, utcnow


@dataclass
class App:
    config: AppConfig
    engine: Engine
    factory: sessionmaker[Session]
    clock: Clock = utcnow

    @classmethod
    def open(cls, config: AppConfig, *, clock: Clock = utcnow, upgrade: bool | None = None) -> App:
        """Connect and make sure the schema is current.

        SQLite is upgraded automatically (it is the zero-setup default); PostgreSQL must be
        upgraded deliberately with `repmon db upgrade`, usually from a deploy step.
        """
        engine = make_engine(config.database.url)
        auto = engine.dialect.name == "sqlite" if upgrade is None else upgrade
        try:
            if auto:
                migrate.upgrade(engine)
            else:
                current = migrate.current_revision(engine)
                if current != migrate.head_revision():
                    raise StorageError(
                        f"database is at revision {current or 'none'}, expected "
                        f"{migrate.head_revision()}: run `repmon db upgrade`"
                    )
        except SQLAlchemyError as exc:
            raise StorageError(f"cannot use {describe_failure(engine, exc)}") from exc
        return cls(config, engine, session_factory(engine), clock)

    @cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.config, self.factory, clock=self.clock)

    def close(self) -> None:
        self.engine.dispose()
