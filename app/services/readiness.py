"""Is this installation fit to run in production (VANTHU_ENV=production)? Each problem names
the setting or the record to fix; `vanthu serve` and the ASGI app refuse to start while any is
left, so no office signs with a development key or prints a placeholder e-mail. An office whose
key is on a PKCS#11 token is ready when its module loads, its token is present and its PIN
variable is set (the PIN itself is tried only when signing: a token locks after wrong PINs)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.context import AppContext
from app.db import OfficeKey, Organisation
from app.keys import token_pin
from app.settings import Settings
from signing import TokenError, TokenKey

#: The passphrase the development defaults protect keys with (anyone can read it here).
DEV_PASSPHRASE = Settings.model_fields["key_passphrase"].default
MIN_PASSPHRASE = 16


@dataclass(frozen=True)
class Problem:
    setting: str  # the environment variable, or the record ("organisation TTTU")
    reason: str

    def __str__(self) -> str:
        return f"{self.setting}: {self.reason}"


class NotReady(RuntimeError):
    """Production was asked for, and something is still a development default."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("refusing to start with VANTHU_ENV=production:\n"
                         + "\n".join(f"  - {p}" for p in problems))


def _setting_problems(settings: Settings) -> list[Problem]:
    found: list[Problem] = []
    if settings.key_passphrase == DEV_PASSPHRASE:
        found.append(Problem("VANTHU_KEY_PASSPHRASE", "it is the development passphrase, which "
                             "anyone can read in the source; set a secret of at least "
                             f"{MIN_PASSPHRASE} characters"))
    elif len(settings.key_passphrase) < MIN_PASSPHRASE:
        found.append(Problem("VANTHU_KEY_PASSPHRASE", f"it is shorter than {MIN_PASSPHRASE} "
                             "characters"))
    if settings.dev_keys:
        found.append(Problem("VANTHU_DEV_KEYS", "development keys are on: an office without a "
                             "key would sign with a certificate of the development CA; set "
                             "VANTHU_DEV_KEYS=false and import each office's certificate"))
    return found


def _office_problems(ctx: AppContext) -> list[Problem]:
    try:
        with ctx.reading() as s:
            silent = list(s.scalars(select(Organisation.code).where(
                Organisation.external.is_(False),
                (Organisation.email.is_(None)) | (Organisation.email == ""))
                .order_by(Organisation.code)))
    except SQLAlchemyError as exc:
        return [Problem("VANTHU_DATABASE_URL", "the database cannot be read or is not migrated "
                        f"(run `vanthu migrate`): {type(exc).__name__}")]
    return [Problem(f"organisation {code}", "it signs copies but has no e-mail, so its "
                    "signature box would print a placeholder; set its e-mail (PATCH /orgs/"
                    f"{code})") for code in silent]


def _token_problems(ctx: AppContext) -> list[Problem]:
    try:
        with ctx.reading() as s:
            on_tokens = list(s.execute(select(Organisation.code, OfficeKey.token)
                                       .join(OfficeKey, OfficeKey.organisation_id == Organisation.id)
                                       .where(OfficeKey.active.is_(True),
                                              OfficeKey.token.is_not(None))
                                       .order_by(Organisation.code)))
    except SQLAlchemyError:
        return []  # _office_problems already says the database cannot be read
    found = []
    for code, token in on_tokens:
        if not token:
            continue
        try:
            token_pin(str(token["pin_env"]))
            TokenKey.from_dict(token).locate()
        except TokenError as exc:
            found.append(Problem(f"organisation {code}", f"its signing key is on a token, but {exc}"))
    return found


def problems(ctx: AppContext) -> list[Problem]:
    """Everything that keeps this installation from production (empty: ready)."""
    return _setting_problems(ctx.settings) + _office_problems(ctx) + _token_problems(ctx)


def require_ready(ctx: AppContext) -> None:
    """Raise `NotReady` in production while a problem is left; nothing in development."""
    if ctx.settings.env == "production":
        found = problems(ctx)
        if found:
            raise NotReady(found)
