"""Alembic's entry point; the work is in `infra.migrations.runner`, so the code and the
``alembic`` command run the same migrations the same way."""

from alembic import context

from infra.migrations.runner import run_migrations

run_migrations(context.config.attributes["connection"])
