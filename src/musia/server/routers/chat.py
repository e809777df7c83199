"""Chat: a message in, an answer out (and maybe a job); the history, newest last."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from musia.db.repos.projects import Chat
from musia.server import schemas
from musia.server.deps import CurrentUser, Work
from musia.services import chat as service

router = APIRouter(prefix="/chat", tags=["chat"])


@router.post("/message", response_model=schemas.ChatReply)
def message(body: schemas.ChatIn, user: CurrentUser, uow: Work) -> schemas.ChatReply:
    answer = service.answer(uow, user.id, body.message, body.project_id, body.audio)
    return schemas.ChatReply(
        message=schemas.ChatMessageOut.model_validate(answer.message),
        reply=schemas.ChatMessageOut.model_validate(answer.reply),
        plan=answer.plan,
        job=schemas.JobOut.model_validate(answer.job) if answer.job else None,
    )


@router.get("/history", response_model=list[schemas.ChatMessageOut])
def history(
    user: CurrentUser,
    uow: Work,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    before: Annotated[int | None, Query(ge=1, le=2**62, description="a message id")] = None,
) -> list[schemas.ChatMessageOut]:
    rows = Chat(uow.session).history(user.id, limit, before)
    return [schemas.ChatMessageOut.model_validate(m) for m in rows]
