"""Evidence v2: rows carry their format and the time they were written; airings handed to
the air worker survive a crash; signed checkpoints; the plan of record and the timetable
versions it was made from.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table("airing") as batch:
        batch.add_column(sa.Column("format", sa.Integer, nullable=False, server_default="1"))
        batch.add_column(sa.Column("written_at", sa.DateTime, nullable=True))
    op.create_table(
        "open_airing",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("queue_id", sa.Integer, nullable=True),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "checkpoint",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("head", sa.String(64), nullable=False),
        sa.Column("plan_count", sa.Integer, nullable=False),
        sa.Column("plan_digest", sa.String(64), nullable=False),
        sa.Column("made_at", sa.DateTime, nullable=False),
        sa.Column("reason", sa.String(32), nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("signature", sa.String(200), nullable=False),
    )
    op.create_table(
        "timetable_version",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("first_used_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "plan_day",
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("timetable_sha256", sa.String(64), nullable=False),
        sa.Column("written_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "planned_airing",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("day", sa.String(10), nullable=False, index=True),
        sa.Column("program_id", sa.String(200), nullable=False),
        sa.Column("program_name", sa.String(300), nullable=False),
        sa.Column("start", sa.DateTime, nullable=False, index=True),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("scripts", sa.Text, nullable=False),
        sa.Column("cancelled", sa.Boolean, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("timetable_sha256", sa.String(64), nullable=False),
        sa.Column("written_at", sa.DateTime, nullable=False),
    )
