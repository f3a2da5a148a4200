"""Initial schema: every registry table, plus triggers that make audit_log append-only.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_key', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=32), nullable=False),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_entity'), ['entity'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_entity_key'), ['entity_key'], unique=False)

    op.create_table('enterprises',
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('enterprise_type', sa.String(length=8), nullable=False),
    sa.Column('construction_kind', sa.String(length=16), nullable=True),
    sa.Column('qualification_grade', sa.String(length=32), nullable=True),
    sa.Column('district', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=6), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('legal_rep_id', sa.String(length=18), nullable=True),
    sa.Column('licence_no', sa.String(length=64), nullable=True),
    sa.Column('licence_expiry', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('uscc', name=op.f('pk_enterprises'))
    )
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enterprises_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_enterprises_enterprise_type'), ['enterprise_type'], unique=False)

    op.create_table('training_rounds',
    sa.Column('round_id', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('required_hours', sa.Float(), nullable=False),
    sa.Column('pass_mark', sa.Float(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_training_rounds'))
    )
    with op.batch_alter_table('training_rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_rounds_year'), ['year'], unique=False)

    op.create_table('assessments',
    sa.Column('round_id', sa.String(length=32), nullable=False),
    sa.Column('paper', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['training_rounds.round_id'],
                            name=op.f('fk_assessments_round_id_training_rounds')),
    sa.PrimaryKeyConstraint('round_id', 'paper', name=op.f('pk_assessments'))
    )
    op.create_table('people',
    sa.Column('person_id', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('sex', sa.String(length=2), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('district', sa.String(length=16), nullable=True),
    sa.Column('enterprise_uscc', sa.String(length=18), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('operation_type', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_uscc'], ['enterprises.uscc'],
                            name=op.f('fk_people_enterprise_uscc_enterprises')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_enterprise_uscc'), ['enterprise_uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_role'), ['role'], unique=False)

    op.create_table('sites',
    sa.Column('site_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('contractor_uscc', sa.String(length=18), nullable=True),
    sa.Column('supervisor_uscc', sa.String(length=18), nullable=True),
    sa.Column('district', sa.String(length=16), nullable=True),
    sa.Column('project_type', sa.String(length=32), nullable=True),
    sa.Column('floor_area_m2', sa.Float(), nullable=True),
    sa.Column('contract_value_wan', sa.Float(), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('label_major_hazard_ids', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['contractor_uscc'], ['enterprises.uscc'],
                            name=op.f('fk_sites_contractor_uscc_enterprises')),
    sa.ForeignKeyConstraint(['supervisor_uscc'], ['enterprises.uscc'],
                            name=op.f('fk_sites_supervisor_uscc_enterprises')),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_sites'))
    )
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sites_contractor_uscc'), ['contractor_uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_sites_district'), ['district'], unique=False)

    op.create_table('training_sessions',
    sa.Column('round_id', sa.String(length=32), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['training_rounds.round_id'],
                            name=op.f('fk_training_sessions_round_id_training_rounds')),
    sa.PrimaryKeyConstraint('round_id', 'session_date', name=op.f('pk_training_sessions'))
    )
    op.create_table('assessment_results',
    sa.Column('person_id', sa.String(length=18), nullable=False),
    sa.Column('round_id', sa.String(length=32), nullable=False),
    sa.Column('paper', sa.String(length=8), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('max_score', sa.Float(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.Column('taken_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'],
                            name=op.f('fk_assessment_results_person_id_people')),
    sa.ForeignKeyConstraint(['round_id', 'paper'], ['assessments.round_id', 'assessments.paper'],
                            name='fk_result_assessment'),
    sa.PrimaryKeyConstraint('person_id', 'round_id', 'paper', name=op.f('pk_assessment_results'))
    )
    with op.batch_alter_table('assessment_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_results_round_id'), ['round_id'], unique=False)

    op.create_table('attendance',
    sa.Column('person_id', sa.String(length=18), nullable=False),
    sa.Column('round_id', sa.String(length=32), nullable=False),
    sa.Column('session_date', sa.Date(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_attendance_person_id_people')),
    sa.ForeignKeyConstraint(['round_id', 'session_date'],
                            ['training_sessions.round_id', 'training_sessions.session_date'],
                            name='fk_attendance_session'),
    sa.PrimaryKeyConstraint('person_id', 'round_id', 'session_date', name=op.f('pk_attendance'))
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_round_id'), ['round_id'], unique=False)

    op.create_table('certificates',
    sa.Column('cert_no', sa.String(length=64), nullable=False),
    sa.Column('person_id', sa.String(length=18), nullable=False),
    sa.Column('cert_type', sa.String(length=8), nullable=False),
    sa.Column('operation_type', sa.String(length=32), nullable=True),
    sa.Column('issue_date', sa.Date(), nullable=False),
    sa.Column('expiry_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'],
                            name=op.f('fk_certificates_person_id_people')),
    sa.PrimaryKeyConstraint('cert_no', name=op.f('pk_certificates'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_cert_type'), ['cert_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_expiry_date'), ['expiry_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_person_id'), ['person_id'], unique=False)

    op.create_table('continuing_education',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=18), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('hours', sa.Float(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('provider', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'],
                            name=op.f('fk_continuing_education_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_continuing_education')),
    sa.UniqueConstraint('person_id', 'date', 'topic', name='uq_ce_person_date_topic')
    )
    with op.batch_alter_table('continuing_education', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_continuing_education_person_id'), ['person_id'], unique=False)

    op.create_table('findings',
    sa.Column('finding_id', sa.String(length=32), nullable=False),
    sa.Column('site_id', sa.String(length=32), nullable=False),
    sa.Column('district', sa.String(length=16), nullable=True),
    sa.Column('found_date', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=True),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('item_id', sa.String(length=16), nullable=True),
    sa.Column('description', sa.String(length=1000), nullable=True),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('rectified_date', sa.Date(), nullable=True),
    sa.Column('closed_date', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['site_id'], ['sites.site_id'], name=op.f('fk_findings_site_id_sites')),
    sa.PrimaryKeyConstraint('finding_id', name=op.f('pk_findings'))
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_findings_found_date'), ['found_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_findings_site_id'), ['site_id'], unique=False)

    op.create_table('sanctions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('person_id', sa.String(length=18), nullable=True),
    sa.Column('enterprise_uscc', sa.String(length=18), nullable=True),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['enterprise_uscc'], ['enterprises.uscc'],
                            name=op.f('fk_sanctions_enterprise_uscc_enterprises')),
    sa.ForeignKeyConstraint(['person_id'], ['people.person_id'], name=op.f('fk_sanctions_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sanctions'))
    )
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sanctions_enterprise_uscc'), ['enterprise_uscc'], unique=False)
        batch_op.create_index(batch_op.f('ix_sanctions_person_id'), ['person_id'], unique=False)

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('sanctions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sanctions_person_id'))
        batch_op.drop_index(batch_op.f('ix_sanctions_enterprise_uscc'))

    op.drop_table('sanctions')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_findings_site_id'))
        batch_op.drop_index(batch_op.f('ix_findings_found_date'))
        batch_op.drop_index(batch_op.f('ix_findings_district'))

    op.drop_table('findings')
    with op.batch_alter_table('continuing_education', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_continuing_education_person_id'))

    op.drop_table('continuing_education')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_person_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_expiry_date'))
        batch_op.drop_index(batch_op.f('ix_certificates_cert_type'))

    op.drop_table('certificates')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_round_id'))

    op.drop_table('attendance')
    with op.batch_alter_table('assessment_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_results_round_id'))

    op.drop_table('assessment_results')
    op.drop_table('training_sessions')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sites_district'))
        batch_op.drop_index(batch_op.f('ix_sites_contractor_uscc'))

    op.drop_table('sites')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_role'))
        batch_op.drop_index(batch_op.f('ix_people_enterprise_uscc'))
        batch_op.drop_index(batch_op.f('ix_people_district'))

    op.drop_table('people')
    op.drop_table('assessments')
    with op.batch_alter_table('training_rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_rounds_year'))

    op.drop_table('training_rounds')
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enterprises_enterprise_type'))
        batch_op.drop_index(batch_op.f('ix_enterprises_district'))

    op.drop_table('enterprises')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_entity_key'))
        batch_op.drop_index(batch_op.f('ix_audit_log_entity'))
        batch_op.drop_index(batch_op.f('ix_audit_log_at'))

    op.drop_table('audit_log')


_MESSAGE = "audit_log is append-only"


def _create_append_only_triggers() -> None:
    """Reject UPDATE and DELETE on audit_log in the database itself, whatever client writes."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
            )
    else:
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN RAISE EXCEPTION '{_MESSAGE}'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
        )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
