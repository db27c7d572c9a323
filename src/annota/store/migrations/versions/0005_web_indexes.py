"""web indexes: item browser sorts and full-text search

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

The item browser pages by keyset on (sort key, id) within a project; these indexes make
each page an index range scan at any project size. Full-text search over item data:
SQLite gets an FTS5 table over ``items.data`` kept in step by triggers; PostgreSQL a GIN
index on ``to_tsvector('simple', data::text)``, the exact expression the service queries.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE items_fts USING fts5(data, content='items', content_rowid='id')",
    """CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
        INSERT INTO items_fts(rowid, data) VALUES (new.id, new.data);
    END""",
    """CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, data) VALUES ('delete', old.id, old.data);
    END""",
    """CREATE TRIGGER items_fts_update AFTER UPDATE OF data ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, data) VALUES ('delete', old.id, old.data);
        INSERT INTO items_fts(rowid, data) VALUES (new.id, new.data);
    END""",
    "INSERT INTO items_fts(items_fts) VALUES ('rebuild')",
]


def upgrade() -> None:
    op.create_index("ix_items_project_priority", "items", ["project_id", "priority", "id"])
    op.create_index("ix_items_project_done", "items", ["project_id", "done", "id"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)
    else:
        op.execute(
            "CREATE INDEX ix_items_fts ON items "
            "USING gin (to_tsvector('simple'::regconfig, data::text))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("items_fts_update", "items_fts_delete", "items_fts_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS items_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_items_fts")
    op.drop_index("ix_items_project_done", table_name="items")
    op.drop_index("ix_items_project_priority", table_name="items")
