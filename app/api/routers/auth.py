"""/auth/token: a person signs in with a login and a password and gets a session token."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import Ctx
from app.api.problems import errors
from app.api.schemas.orgs import SignInIn, TokenOut
from app.services import sign_in

router = APIRouter(tags=["service"])


@router.post("/auth/token", response_model=TokenOut, responses=errors(401, 403),
             summary="Sign in (đăng nhập): a token for 12 hours; no Authorization needed")
def sign_in_token(body: SignInIn, ctx: Ctx) -> TokenOut:
    """Exchange a user name and password for an API token that lives 12 hours (a one-time password
    must be changed first). Programs keep using long-lived tokens made by an admin (`POST
    /users/{user_id}/tokens`)."""
    row, token = sign_in.sign_in(ctx, body.login, body.password, body.new_password)
    return TokenOut.model_validate(row).model_copy(update={"token": token})
