"""Alembic environment: always run programmatically with a connection handed over by ``store.upgrade``."""

from __future__ import annotations

from alembic import context

from zhiben_training.registry.models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - offline/CLI use is not supported
    raise RuntimeError("run migrations through zhiben_training.registry.store.upgrade()")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
