"""Bearer-token authentication for the Backpack API (research §2 rows 1-2).

No or an unknown token is 401; a token whose scope does not allow the action is 404 (Badgr maps
PermissionDenied to 404, so a read-only token cannot probe which entities exist).
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from obverify.service.accounts import find_token, profile_of
from obverify.service.envelope import ApiError
from obverify.service.importing import Profile
from obverify.service.state import state_of

bearer = HTTPBearer(auto_error=False, description="a token from `obverify tokens create EMAIL --scope SCOPE`")


@dataclass(frozen=True)
class Caller:
    """The authenticated user of a request."""

    user_id: int
    entity_id: str
    scope: str
    profile: Profile

    @property
    def can_write(self) -> bool:
        """Whether the token allows changes (`rw:backpack`)."""
        return self.scope == "rw:backpack"


def _lookup(request: Request, token: str) -> Caller | None:
    with state_of(request).sessions() as session:
        row = find_token(session, token)
        if row is None:
            return None
        return Caller(row.user.id, row.user.entity_id, row.scope, profile_of(row.user))


async def _caller(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Caller:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise ApiError(401, validation_errors=["Authentication credentials were not provided."],
                       error_code="NOT_AUTHENTICATED", headers={"WWW-Authenticate": "Bearer"})
    caller = await run_in_threadpool(_lookup, request, credentials.credentials)
    if caller is None:
        raise ApiError(401, validation_errors=["Invalid token."], error_code="NOT_AUTHENTICATED",
                       headers={"WWW-Authenticate": "Bearer"})
    return caller


async def reader(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
    """A caller allowed to read the backpack (`r:backpack` or `rw:backpack`)."""
    return await _caller(request, credentials)


async def writer(request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> Caller:
    """A caller allowed to change the backpack (`rw:backpack`); a read-only token gets 404."""
    caller = await _caller(request, credentials)
    if not caller.can_write:
        raise ApiError(404, error_code="NOT_FOUND")
    return caller
