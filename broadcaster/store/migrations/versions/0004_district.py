"""The district's registry of wards and the flags it raises on what they send. (A ward's own
database gets these two tables too, empty: one set of migrations serves both.)

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    op.create_table(
        "district_ward",
        sa.Column("station_id", sa.String(40), primary_key=True),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("settings", sa.Text, nullable=False, server_default="{}"),
        sa.Column("registered_at", sa.DateTime, nullable=False),
        sa.Column("last_sync_at", sa.DateTime, nullable=True),
        sa.Column("rows", sa.Integer, nullable=False, server_default="0"),
        sa.Column("head_seq", sa.Integer, nullable=False, server_default="0"),
        sa.Column("head_hash", sa.String(64), nullable=False, server_default=""),
        sa.Column("plan_synced_at", sa.DateTime, nullable=True),
        sa.Column("last_checkpoint_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "district_flag",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("station_id", sa.String(40), nullable=False, index=True),
        sa.Column("raised_at", sa.DateTime, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("district_flag")
    op.drop_table("district_ward")
