"""The conversation's state, read from the database so every client and process agrees: the
current project is the one named with the message, else the one most recently made, opened or
talked about (by the chat, or through the projects and upload endpoints)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from musia.db.models import ChatMessage, Project
from musia.db.repos.projects import Projects


def current_project(session: Session, owner_id: str, project_id: str | None) -> Project | None:
    projects = Projects(session)
    if project_id is not None:
        return projects.get(owner_id, project_id)  # someone else's id answers 404
    talked = session.execute(
        select(ChatMessage.project_id, ChatMessage.created_at)
        .where(ChatMessage.owner_id == owner_id, ChatMessage.project_id.is_not(None))
        .order_by(ChatMessage.id.desc())
        .limit(1)
    ).first()
    made = session.scalar(
        select(Project)
        .where(Project.owner_id == owner_id)
        .order_by(Project.created_at.desc(), Project.id.desc())
        .limit(1)
    )
    if talked is None or talked.project_id is None:
        return made
    if made is not None and made.id != talked.project_id and made.created_at > talked.created_at:
        return made
    return session.get(Project, talked.project_id)
