"""The app's access tokens: HS256 JWTs, no refresh token, and the 401 every protected route gives.

RFC 6750 §3.1: a request with no bearer token gets a plain `WWW-Authenticate: Bearer`
(no error code: the client did not try), a token that is expired, forged, malformed
or otherwise unusable gets `Bearer error="invalid_token"`. Both are 401 with FastAPI's
`{"detail": ...}` body; the msw mock (src/mocks/mock-auth.ts) answers the same way.
"""

import secrets
import time
from typing import Optional

import jwt
from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .settings import Settings
from .users import User

# Who issues the tokens and whom they are for, as the mock's (src/mocks/mock-auth.ts): a token
# signed with the same key for another service or by another issuer is not taken for ours.
ISSUER = "quiet-session"
AUDIENCE = "quiet-session-api"

MISSING = "Not authenticated"
INVALID = "Could not validate credentials"

# auto_error=False: HTTPBearer's own error is a 403; a missing token is a 401 here.
_bearer = HTTPBearer(auto_error=False)


def issue_access_token(user: User, settings: Settings) -> dict:
    """The body of a successful sign-in. The claims carry the profile, so `/auth/me` needs no lookup."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "iat": now,
        "exp": now + settings.token_ttl_seconds,
        # Each sign-in a token of its own: two in one second would otherwise be the same bytes, and a refused one stays refused.
        "jti": secrets.token_urlsafe(12),
    }
    token = jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
    return {"access_token": token, "token_type": "bearer", "expires_in": settings.token_ttl_seconds}


def unauthorized(detail: str, error: Optional[str]) -> HTTPException:
    challenge = f'Bearer error="{error}"' if error else "Bearer"
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": challenge})


def current_user(request: Request, credentials: Optional[HTTPAuthorizationCredentials] = Depends(_bearer)) -> User:
    """FastAPI dependency of every protected route: the token's user, or a 401."""
    if credentials is None:
        raise unauthorized(MISSING, None)
    settings: Settings = request.app.state.settings
    try:
        claims = jwt.decode(
            credentials.credentials,
            settings.jwt_secret,
            algorithms=["HS256"],
            issuer=ISSUER,
            audience=AUDIENCE,
            # No check of iat against this host's clock: another host, a second ahead, may have just issued it.
            options={"require": ["iss", "aud", "sub", "iat", "exp"], "verify_iat": False},
        )
        return User(id=claims["sub"], email=claims["email"], name=claims["name"], role=claims["role"])
    except (jwt.PyJWTError, KeyError, TypeError):
        raise unauthorized(INVALID, "invalid_token") from None
