"""automation: model backends, automation settings, labeling functions, votes, label-model runs

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import annota.store.models.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
UTC = annota.store.models.base.UTCDateTime


def _project_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["project_id"],
        ["projects.id"],
        name=op.f(f"fk_{table}_project_id_projects"),
        ondelete="CASCADE",
    )


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"), ondelete="SET NULL"
    )


def upgrade() -> None:
    op.create_table(
        "model_backends",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("token", sa.String(length=1000), nullable=True),
        sa.Column("timeout_seconds", sa.Float(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        _project_fk("model_backends"),
        _user_fk("model_backends", "created_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_backends")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_model_backends_project_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "automation_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("model", JSON, nullable=False),
        sa.Column("al_strategy", sa.String(length=50), nullable=False),
        sa.Column("al_batch", sa.Integer(), nullable=False),
        sa.Column("al_enabled", sa.Boolean(), nullable=False),
        sa.Column("labels_at_retrain", sa.Integer(), nullable=False),
        sa.Column("retrain_pending", sa.Boolean(), nullable=False),
        sa.Column("retrain_job_id", sa.Integer(), nullable=True),
        sa.Column("last_result", JSON, nullable=False),
        sa.Column("updated_at", UTC(), nullable=False),
        _project_fk("automation_settings"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_automation_settings")),
        sa.UniqueConstraint("project_id", name=op.f("uq_automation_settings_project_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "labeling_functions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("spec", JSON, nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        _project_fk("labeling_functions"),
        _user_fk("labeling_functions", "created_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_labeling_functions")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_labeling_functions_project_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "lf_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("lf_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        _project_fk("lf_votes"),
        sa.ForeignKeyConstraint(
            ["lf_id"],
            ["labeling_functions.id"],
            name=op.f("fk_lf_votes_lf_id_labeling_functions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_lf_votes_item_id_items"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lf_votes")),
        sa.UniqueConstraint("lf_id", "item_id", name=op.f("uq_lf_votes_lf_id")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("lf_votes", schema=None) as batch_op:
        batch_op.create_index("ix_lf_votes_project_item", ["project_id", "item_id"], unique=False)
    op.create_table(
        "label_model_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("control", sa.String(length=200), nullable=False),
        sa.Column("lfs", JSON, nullable=False),
        sa.Column("result", JSON, nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(), nullable=False),
        _project_fk("label_model_runs"),
        _user_fk("label_model_runs", "created_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_label_model_runs")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("label_model_runs", schema=None) as batch_op:
        batch_op.create_index("ix_label_model_runs_project", ["project_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("label_model_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_label_model_runs_project")
    op.drop_table("label_model_runs")
    with op.batch_alter_table("lf_votes", schema=None) as batch_op:
        batch_op.drop_index("ix_lf_votes_project_item")
    op.drop_table("lf_votes")
    op.drop_table("labeling_functions")
    op.drop_table("automation_settings")
    op.drop_table("model_backends")
