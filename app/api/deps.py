"""Dependencies: the application context and the authenticated caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.context import AppContext
from app.services import tokens
from app.services.access import Principal

_bearer = HTTPBearer(auto_error=False, description="API token: Authorization: Bearer vt_…")


def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


Ctx = Annotated[AppContext, Depends(get_context)]


def get_principal(
    ctx: Ctx, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    return tokens.authenticate(ctx, None if credentials is None else credentials.credentials)


Caller = Annotated[Principal, Depends(get_principal)]
