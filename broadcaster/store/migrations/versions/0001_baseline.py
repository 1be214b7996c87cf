"""The schema as first released: the airing log, the queue, the daemon's state.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    text = lambda n: sa.String(n)  # noqa: E731
    op.create_table(
        "airing",
        sa.Column("id", sa.Integer, primary_key=True),
        *(
            sa.Column(name, text(n), nullable=False)
            for name, n in (
                ("station", 200),
                ("program_id", 200),
                ("program_name", 300),
                ("airing_key", 300),
                ("trigger", 16),
                ("priority", 16),
            )
        ),
        sa.Column("scheduled_at", sa.DateTime, nullable=True),
        sa.Column("started_at", sa.DateTime, nullable=True),
        sa.Column("ended_at", sa.DateTime, nullable=True),
        *(
            sa.Column(name, text(n), nullable=False)
            for name, n in (("script_id", 200), ("title", 500), ("topic", 200), ("campaign", 200))
        ),
        sa.Column("text", sa.Text, nullable=False),
        *(
            sa.Column(name, text(n), nullable=False)
            for name, n in (
                ("text_sha256", 64),
                ("audio_sha256", 64),
                ("engine", 32),
                ("voice", 64),
                ("device", 200),
                ("status", 16),
            )
        ),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=True, unique=True),
        sa.Column("prev_hash", text(64), nullable=False),
        sa.Column("row_hash", text(64), nullable=False),
    )
    op.create_index("ix_airing_airing_key", "airing", ["airing_key"])
    op.create_index("ix_airing_scheduled_at", "airing", ["scheduled_at"])
    op.create_index("ix_airing_status", "airing", ["status"])
    op.create_table(
        "queue",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("script_id", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("forced", sa.Boolean, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_queue_at", "queue", ["at"])
    op.create_table(
        "state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.String(4000), nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
