"""Covering indexes for the set-based status query.

Status aggregates attendance per round, results per round and continuing education per year; with
these indexes each aggregate reads one index range and never touches the table rows.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_INDEXES = {
    "ix_attendance_round_person_hours": ("attendance", ["round_id", "person_id", "hours"]),
    "ix_results_round_person_outcome": ("assessment_results",
                                        ["round_id", "person_id", "passed", "score", "max_score"]),
    "ix_ce_date_person_hours": ("continuing_education", ["date", "person_id", "hours"]),
    "ix_people_role_enterprise": ("people", ["role", "enterprise_uscc"]),
}


def upgrade() -> None:
    for name, (table, columns) in _INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in _INDEXES.items():
        op.drop_index(name, table_name=table)
