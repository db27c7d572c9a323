"""quality workflow: gold, qualification, consensus, reviews, choice votes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import annota.store.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "annotator_confusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("control", sa.String(length=100), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "classes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "matrix",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "prior",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("fitted_at", annota.store.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_annotator_confusions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_annotator_confusions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotator_confusions")),
        sa.UniqueConstraint(
            "project_id", "control", "user_id", name=op.f("uq_annotator_confusions_project_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "annotator_quality",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("served", sa.Integer(), nullable=False),
        sa.Column("gold_served", sa.Integer(), nullable=False),
        sa.Column("gold_answered", sa.Integer(), nullable=False),
        sa.Column("gold_score_sum", sa.Float(), nullable=False),
        sa.Column("qualification", sa.String(length=20), nullable=False),
        sa.Column("qual_attempt", sa.Integer(), nullable=False),
        sa.Column("qual_answered", sa.Integer(), nullable=False),
        sa.Column("qual_score_sum", sa.Float(), nullable=False),
        sa.Column("updated_at", annota.store.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_annotator_quality_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_annotator_quality_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotator_quality")),
        sa.UniqueConstraint("project_id", "user_id", name=op.f("uq_annotator_quality_project_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "gold_items",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "regions",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", annota.store.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_gold_items_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_gold_items_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_gold_items_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", name=op.f("pk_gold_items")),
    )
    op.create_index("ix_gold_items_project", "gold_items", ["project_id", "item_id"], unique=False)
    op.create_table(
        "choice_votes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("is_consensus", sa.Boolean(), nullable=False),
        sa.Column("control", sa.String(length=100), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotations.id"],
            name=op.f("fk_choice_votes_annotation_id_annotations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_choice_votes_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_choice_votes_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_choice_votes_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_choice_votes")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_choice_votes_annotation", "choice_votes", ["annotation_id"], unique=False)
    op.create_index("ix_choice_votes_item", "choice_votes", ["item_id"], unique=False)
    op.create_index(
        "ix_choice_votes_project",
        "choice_votes",
        ["project_id", "control", "item_id"],
        unique=False,
    )
    op.create_table(
        "consensus_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=30), nullable=False),
        sa.Column("agreement", sa.Float(), nullable=False),
        sa.Column("n_sources", sa.Integer(), nullable=False),
        sa.Column("review_status", sa.String(length=20), nullable=False),
        sa.Column("labels", sa.Text(), nullable=False),
        sa.Column("suspect", sa.Boolean(), nullable=False),
        sa.Column("updated_at", annota.store.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotations.id"],
            name=op.f("fk_consensus_records_annotation_id_annotations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_consensus_records_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_consensus_records_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consensus_records")),
        sa.UniqueConstraint("item_id", name=op.f("uq_consensus_records_item_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_consensus_review",
        "consensus_records",
        ["project_id", "review_status", "agreement"],
        unique=False,
    )
    op.create_table(
        "consensus_sources",
        sa.Column("consensus_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["consensus_id"],
            ["annotations.id"],
            name=op.f("fk_consensus_sources_consensus_id_annotations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["annotations.id"],
            name=op.f("fk_consensus_sources_source_id_annotations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("consensus_id", "source_id", name=op.f("pk_consensus_sources")),
    )
    op.create_index("ix_consensus_sources_source", "consensus_sources", ["source_id"], unique=False)
    op.create_table(
        "gold_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("created_at", annota.store.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotations.id"],
            name=op.f("fk_gold_scores_annotation_id_annotations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_gold_scores_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_gold_scores_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_gold_scores_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gold_scores")),
        sa.UniqueConstraint("annotation_id", name=op.f("uq_gold_scores_annotation_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_gold_scores_user", "gold_scores", ["project_id", "user_id", "id"], unique=False
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("annotation_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_name", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("correction_id", sa.Integer(), nullable=True),
        sa.Column("created_at", annota.store.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["annotation_id"],
            ["annotations.id"],
            name=op.f("fk_reviews_annotation_id_annotations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["users.id"],
            name=op.f("fk_reviews_annotator_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["correction_id"],
            ["annotations.id"],
            name=op.f("fk_reviews_correction_id_annotations"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_reviews_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_reviews_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["users.id"],
            name=op.f("fk_reviews_reviewer_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_reviews_annotation", "reviews", ["annotation_id"], unique=False)
    op.create_index(
        "ix_reviews_annotator", "reviews", ["project_id", "annotator_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_reviews_annotator", table_name="reviews")
    op.drop_index("ix_reviews_annotation", table_name="reviews")
    op.drop_table("reviews")
    op.drop_index("ix_gold_scores_user", table_name="gold_scores")
    op.drop_table("gold_scores")
    op.drop_index("ix_consensus_sources_source", table_name="consensus_sources")
    op.drop_table("consensus_sources")
    op.drop_index("ix_consensus_review", table_name="consensus_records")
    op.drop_table("consensus_records")
    op.drop_index("ix_choice_votes_project", table_name="choice_votes")
    op.drop_index("ix_choice_votes_item", table_name="choice_votes")
    op.drop_index("ix_choice_votes_annotation", table_name="choice_votes")
    op.drop_table("choice_votes")
    op.drop_index("ix_gold_items_project", table_name="gold_items")
    op.drop_table("gold_items")
    op.drop_table("annotator_quality")
    op.drop_table("annotator_confusions")
