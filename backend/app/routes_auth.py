"""`/auth/*`: the validation endpoint and Google sign-in."""

import logging
from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, StrictStr

from .google_oauth import (
    ClientRefused,
    ProviderBusy,
    ProviderFailed,
    SignInRefused,
    authorize_url,
    exchange_code,
    verify_id_token,
)
from .tokens import current_user, issue_access_token
from .users import User

log = logging.getLogger("quiet_session")
router = APIRouter()


class GoogleCallbackBody(BaseModel):
    code: StrictStr
    state: StrictStr
    # PKCE (RFC 7636): code and state are in the callback page's URL, hence in logs; the verifier never is.
    code_verifier: Optional[StrictStr] = None


@router.get("/auth/me")
def me(user: User = Depends(current_user)) -> dict:
    """The session's validation endpoint: 200 with the user while the token is good, else 401."""
    return user.as_json()


@router.get("/auth/google/login")
def google_login(
    request: Request,
    state: str = Query(..., min_length=1, max_length=256),
    # An S256 challenge is the base64url of 32 bytes: 43 characters. None only from a browser that can keep no verifier.
    code_challenge: Optional[str] = Query(None, regex=r"^[A-Za-z0-9_-]{43}$"),
    code_challenge_method: str = "plain",
    redirect_uri: Optional[str] = None,
) -> RedirectResponse:
    """Starts sign-in in the popup: 302 to Google's consent page, with the SPA's `state` and PKCE challenge.

    `redirect_uri` is accepted only when it is the app's own callback page, and is never
    followed: anything else is a 400, not an open redirect. Only S256 is taken: `plain`
    would put the verifier itself in the URL. A sign-in without a challenge (the SPA could
    store no verifier: storage blocked) is taken, and its exchange needs none.
    """
    settings = request.app.state.settings
    if redirect_uri is not None and redirect_uri != settings.google_redirect_uri:
        raise HTTPException(status_code=400, detail="redirect_uri is not this app's sign-in callback")
    if code_challenge is not None and code_challenge_method != "S256":
        raise HTTPException(status_code=400, detail="code_challenge_method must be S256")
    try:
        nonce = request.app.state.pending_states.remember(state, code_challenge)
    except SignInRefused as refused:
        raise HTTPException(status_code=400, detail=str(refused)) from None
    return RedirectResponse(authorize_url(settings, state, nonce, code_challenge), status_code=302)


def provider_failed(response: Response, code: str, words: str) -> dict:
    """A 502 for a failure on Google's side or with it, `code` saying which, so that the studio words each its own way.

    A 502 every time, as before there was a code: a studio that reads none takes it for Google's side failing (a 503
    would be this backend's own).
    """
    response.status_code = 502
    return {"detail": words, "code": code}


@router.post("/auth/google/callback")
def google_callback(body: GoogleCallbackBody, request: Request, response: Response) -> dict:
    """The callback page's exchange: `{code, state, code_verifier}` → the app's access token.

    A plain `def`: FastAPI runs it in a thread, so the blocking calls to Google
    do not stall other requests.
    """
    app_state = request.app.state
    settings = app_state.settings
    nonce = app_state.pending_states.take(body.state, body.code_verifier)
    if nonce is None:
        raise HTTPException(status_code=400, detail="Unknown, expired or already used sign-in state, or not its code_verifier")
    try:
        # Google checks the verifier against the code's challenge too.
        id_token = exchange_code(settings, body.code, body.code_verifier)
        identity = verify_id_token(
            id_token,
            jwks=app_state.google_jwks,
            client_id=settings.google_client_id,
            issuer=settings.google_issuer,
            nonce=nonce,
        )
    except SignInRefused as refused:
        raise HTTPException(status_code=400, detail=str(refused)) from None
    except ClientRefused as refused:
        # Nobody signs in until GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET or GOOGLE_REDIRECT_URI is fixed: the operators' error.
        log.error("Google refused this backend's OAuth client: %s", refused)
        words = "Sign-in with Google is not set up right on this server. Trying again will not help."
        return provider_failed(response, "server_misconfigured", words)
    except ProviderBusy as busy:
        log.warning("Google sign-in failed on Google's side: %s", busy)
        return provider_failed(response, "provider_busy", "Google is busy. Try again in a moment.")
    except ProviderFailed as down:
        # The cause names the URLs and hosts the backend calls: for the log, not for the client.
        log.warning("Google sign-in failed on Google's side: %s", down)
        return provider_failed(response, "provider_unreachable", "Google could not be reached. Try again.")
    user = app_state.users.for_google_identity(identity.sub, identity.email, identity.name)
    # RFC 6749 §5.1: an answer carrying a token is kept by no cache, the browser's or a proxy's.
    response.headers["Cache-Control"] = "no-store"
    return issue_access_token(user, settings)
