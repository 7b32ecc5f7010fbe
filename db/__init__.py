"""Storage: SQLAlchemy 2 models, engine/session set-up, Alembic migrations and repositories."""

from __future__ import annotations
