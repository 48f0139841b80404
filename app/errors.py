"""Errors a user can cause, each with an HTTP status and a clear reason (RFC 9457 problem details)."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """An error shown to the client as problem+json."""

    status = 400
    title = "Bad request"
    type_slug = "bad-request"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra


class NotFound(AppError):
    status = 404
    title = "Not found"
    type_slug = "not-found"


class Conflict(AppError):
    """A duplicate or a state conflict; `extra` may carry a link to the holder (``existing``)."""

    status = 409
    title = "Conflict"
    type_slug = "conflict"


class Invalid(AppError):
    status = 422
    title = "Invalid input"
    type_slug = "invalid"


class Unauthenticated(AppError):
    status = 401
    title = "Authentication required"
    type_slug = "unauthenticated"


class Forbidden(AppError):
    status = 403
    title = "Forbidden"
    type_slug = "forbidden"


class TooManyAttempts(AppError):
    status = 429
    title = "Too many attempts"
    type_slug = "too-many-attempts"


class PayloadTooLarge(AppError):
    status = 413
    title = "Payload too large"
    type_slug = "payload-too-large"


class UnsupportedMedia(AppError):
    status = 415
    title = "Unsupported media type"
    type_slug = "unsupported-media-type"


class Unavailable(AppError):
    status = 503
    title = "Service unavailable"
    type_slug = "unavailable"
