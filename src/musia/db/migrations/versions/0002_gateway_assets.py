"""gateway and generated assets: provider auth name, active flags, asset job fields

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ai_provider", schema=None) as batch_op:
        batch_op.add_column(sa.Column("auth_name", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("ai_model", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="COMPLETED", nullable=False)
        )
        batch_op.add_column(sa.Column("prompt_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("ai_model_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("parent_asset_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("job_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("external_task_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("error_message", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_asset_ai_model_id_ai_model"),
            "ai_model",
            ["ai_model_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_asset_parent_asset_id_asset"),
            "asset",
            ["parent_asset_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("asset", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_asset_parent_asset_id_asset"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_asset_ai_model_id_ai_model"), type_="foreignkey")
        for name in (
            "error_message",
            "external_task_id",
            "job_id",
            "parent_asset_id",
            "ai_model_id",
            "prompt_text",
            "status",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("ai_model", schema=None) as batch_op:
        batch_op.drop_column("is_active")
    with op.batch_alter_table("ai_provider", schema=None) as batch_op:
        batch_op.drop_column("is_active")
        batch_op.drop_column("auth_name")
