"""Bulletins over HTTP: the offices allowed to send them (a token each, kept as its sha256),
and each bulletin's sha256 so a replayed one is refused.

Revision ID: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    op.create_table(
        "bulletin_sender",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String(300), nullable=False, unique=True),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    with op.batch_alter_table("bulletin") as batch:
        batch.add_column(sa.Column("sha256", sa.String(64), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("bulletin") as batch:
        batch.drop_column("sha256")
    op.drop_table("bulletin_sender")
