"""Item scores behind each assessment result, written in the result's own transaction.

They were kept in ``imported/<assignment>.json`` of the course folder, written after the registry's commit,
so the two could disagree (issue #25); the registry now owns them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_item_scores",
        sa.Column("person_id", sa.String(length=18), nullable=False),
        sa.Column("round_id", sa.String(length=32), nullable=False),
        sa.Column("paper", sa.String(length=8), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["person_id", "round_id", "paper"],
                                ["assessment_results.person_id", "assessment_results.round_id",
                                 "assessment_results.paper"], name="fk_item_score_result"),
        sa.PrimaryKeyConstraint("person_id", "round_id", "paper", "item_id",
                                name=op.f("pk_assessment_item_scores")),
    )


def downgrade() -> None:
    op.drop_table("assessment_item_scores")
