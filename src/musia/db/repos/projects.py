"""Projects, their versions and the chat that talks about them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from musia.db.models import ChatMessage, Project, ProjectVersion
from musia.errors import NotFound


class Projects:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, owner_id: str, name: str, source: str = "generated") -> Project:
        project = Project(owner_id=owner_id, name=name, source=source, current_version=1)
        self.session.add(project)
        self.session.flush()
        return project

    def get(self, owner_id: str, project_id: str) -> Project:
        """Someone else's project is as absent as one that never existed."""
        project = self.session.get(Project, project_id)
        if project is None or project.owner_id != owner_id:
            raise NotFound(f"no project {project_id}")
        return project

    def page(self, owner_id: str, offset: int, limit: int) -> tuple[list[Project], int]:
        where = Project.owner_id == owner_id
        total = self.session.scalar(select(func.count()).select_from(Project).where(where)) or 0
        query = select(Project).where(where).order_by(Project.created_at.desc(), Project.id)
        return list(self.session.scalars(query.offset(offset).limit(limit))), total

    def delete(self, project: Project) -> None:
        self.session.delete(project)

    def add_version(
        self,
        project: Project,
        *,
        plan: dict[str, Any] | None,
        instruction: str | None,
        parent: ProjectVersion | None,
        status: str = "pending",
    ) -> ProjectVersion:
        # Two edits of one project at the same moment both read the same last number (the
        # second then hit the unique (project, number) index: a 500). Writing the project row
        # first takes its lock (PostgreSQL: the row; SQLite: the database, waited for with the
        # busy timeout), so the second edit reads the number after the first one's commit.
        self.session.execute(
            update(Project)
            .where(Project.id == project.id)
            .values(current_version=Project.current_version)
            .execution_options(synchronize_session=False)
        )
        number = (
            self.session.scalar(
                select(func.max(ProjectVersion.number)).where(
                    ProjectVersion.project_id == project.id
                )
            )
            or 0
        ) + 1
        version = ProjectVersion(
            project_id=project.id,
            number=number,
            parent_id=parent.id if parent else None,
            plan=plan,
            instruction=instruction,
            status=status,
            files={},
        )
        self.session.add(version)
        project.current_version = number
        self.session.flush()
        return version

    def version(self, project: Project, number: int | None = None) -> ProjectVersion:
        wanted = project.current_version if number is None else number
        version = self.session.scalar(
            select(ProjectVersion).where(
                ProjectVersion.project_id == project.id, ProjectVersion.number == wanted
            )
        )
        if version is None:
            raise NotFound(f"project {project.id} has no version {wanted}", field="version")
        return version

    def version_by_id(self, version_id: str) -> ProjectVersion | None:
        return self.session.get(ProjectVersion, version_id)

    def versions(self, project: Project) -> list[ProjectVersion]:
        query = select(ProjectVersion).where(ProjectVersion.project_id == project.id)
        return list(self.session.scalars(query.order_by(ProjectVersion.number)))


class Chat:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, owner_id: str, role: str, content: str, **extra: Any) -> ChatMessage:
        message = ChatMessage(owner_id=owner_id, role=role, content=content, **extra)
        self.session.add(message)
        self.session.flush()
        return message

    def history(self, owner_id: str, limit: int, before: int | None) -> list[ChatMessage]:
        """The newest `limit` messages older than message `before`, oldest first."""
        query = select(ChatMessage).where(ChatMessage.owner_id == owner_id)
        if before is not None:
            query = query.where(ChatMessage.id < before)
        newest = list(self.session.scalars(query.order_by(ChatMessage.id.desc()).limit(limit)))
        return newest[::-1]
