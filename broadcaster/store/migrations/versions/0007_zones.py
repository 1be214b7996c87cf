"""Zones: an airing row says which zone it aired in and which IP loudspeaker clusters received
it (row format 3); a queued item names its zones (empty: all).

Revision ID: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    with op.batch_alter_table("airing") as batch:
        batch.add_column(sa.Column("zone", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("received", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("queue") as batch:
        batch.add_column(sa.Column("zones", sa.String(500), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("queue") as batch:
        batch.drop_column("zones")
    with op.batch_alter_table("airing") as batch:
        batch.drop_column("received")
        batch.drop_column("zone")
