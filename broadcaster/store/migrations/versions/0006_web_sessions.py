"""The web console's sessions, kept on the server so that signing out, a new password or a
disabled account ends them at once; and failed sign-ins counted per client address and name.

Revision ID: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    op.create_table(
        "web_session",
        sa.Column("id", sa.String(64), primary_key=True),  # sha256 of the cookie's token
        sa.Column("user_name", sa.String(64), nullable=False, index=True),
        sa.Column("address", sa.String(64), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("seen_at", sa.DateTime, nullable=False),
        sa.Column("ended_at", sa.DateTime, nullable=True),
    )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(64), primary_key=True),  # sha256 of address and name
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    op.drop_table("web_session")
