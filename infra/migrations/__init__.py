"""The schema's migrations: Alembic, run from code (`infra.migrations.runner`), no alembic.ini.

``versions/`` holds two branches, ``store`` and ``read_models`` (`schema` says which table
belongs where), recorded in one ``alembic_version`` table: a database holding both gets
both rows, a read-model database of its own only the second. docs/read-models.md,
*Schema migrations*, says how to run them and how to add a revision.
"""
