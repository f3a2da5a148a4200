"""Certificate renewals: the application date, the decision date and the period each renewal starts.

17号令 第十条 sets the window (有效期届满前3个月内) for the *application* and gives the 考核机关 20 working
days to decide, so a renewal decided after expiry can still be in time; and 第十条第二款 looks at
证书有效期内, the current validity period, which after a renewal starts the day after the previous
expiry.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_renewals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("cert_no", sa.String(length=64), nullable=False),
        sa.Column("applied_date", sa.Date(), nullable=False),
        sa.Column("decided_date", sa.Date(), nullable=False),
        sa.Column("previous_expiry", sa.Date(), nullable=False),
        sa.Column("new_expiry", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["cert_no"], ["certificates.cert_no"],
                                name=op.f("fk_certificate_renewals_cert_no_certificates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_renewals")),
    )
    with op.batch_alter_table("certificate_renewals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_certificate_renewals_cert_no"), ["cert_no"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("certificate_renewals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificate_renewals_cert_no"))
    op.drop_table("certificate_renewals")
