"""Live announcements: a request from `broadcaster live` (or the console) that the daemon airs
from the microphone until it is asked to stop.

Revision ID: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"


def upgrade() -> None:
    op.create_table(
        "live_request",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("zones", sa.String(500), nullable=False, server_default=""),
        sa.Column("speaker", sa.String(200), nullable=False),
        sa.Column("requested_at", sa.DateTime, nullable=False),
        sa.Column("stop", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("started_at", sa.DateTime, nullable=True),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        sa.Column("status", sa.String(16), nullable=False, server_default="waiting"),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("live_request")
