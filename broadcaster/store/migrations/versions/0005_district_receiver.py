"""The district's receiver: every key a ward has had (one key per ward, the old ones kept so
their checkpoints still verify), the nonces of the signed requests it took (a replay is refused),
each checkpoint as signed, and wards removed from the registry (kept for the record).

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    op.create_table(
        "district_key",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("station_id", sa.String(40), nullable=False, index=True),
        sa.Column("public_key", sa.String(100), nullable=False, unique=True),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.Column("retired_at", sa.DateTime, nullable=True),
    )
    op.create_table(  # each checkpoint exactly as the ward signed it
        "district_checkpoint",
        sa.Column("signature", sa.String(200), primary_key=True),
        sa.Column("station_id", sa.String(40), nullable=False, index=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "district_nonce",
        sa.Column("nonce", sa.String(100), primary_key=True),
        sa.Column("station_id", sa.String(40), nullable=False),
        sa.Column("seen_at", sa.DateTime, nullable=False),
    )
    with op.batch_alter_table("planned_airing") as table:  # each item's topic and campaign then
        table.add_column(sa.Column("items", sa.Text, nullable=False, server_default="[]"))
    with op.batch_alter_table("district_ward") as table:
        table.add_column(sa.Column("removed_at", sa.DateTime, nullable=True))
        table.add_column(
            sa.Column("timezone", sa.String(64), nullable=False, server_default="Asia/Ho_Chi_Minh")
        )


def downgrade() -> None:
    with op.batch_alter_table("planned_airing") as table:
        table.drop_column("items")
    with op.batch_alter_table("district_ward") as table:
        table.drop_column("timezone")
        table.drop_column("removed_at")
    op.drop_table("district_nonce")
    op.drop_table("district_checkpoint")
    op.drop_table("district_key")
