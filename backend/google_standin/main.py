"""The stand-in Google: `uvicorn google_standin.main:app` from the `backend/` directory.

Google's endpoints on one origin: the account chooser (`/o/oauth2/v2/auth`), the token
endpoint (`/token`), the signing keys (`/oauth2/v3/certs`) and the discovery document.
One registered client (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET, STANDIN_REDIRECT_URIS);
PKCE (RFC 7636) as Google has it: `code_challenge` optional, `S256` or `plain` (the default),
and then the code is good only with its `code_verifier`. ID tokens are RS256, signed by a key made at start. Every answer carries
`Cross-Origin-Opener-Policy: same-origin`, as the strictest provider's pages would.

Not Google's: `PUT /standin/token-failure` `{"status": 429, "error": "rate_limit_exceeded"}` makes the token endpoint
answer so (busy, or 401 `invalid_client` as for a wrong client secret) until `{}` is put there.
"""

import base64
import hashlib
import json
import os
import re
import secrets
import threading
import time
from typing import Dict, Optional
from urllib.parse import urlencode

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from jwt.algorithms import RSAAlgorithm

from .chooser import chooser_page, error_page

ACCOUNTS = {
    "ada": {"key": "ada", "sub": "104200000000000000001", "email": "ada@quiet.studio", "name": "Ada Lovelace"},
    "grace": {"key": "grace", "sub": "104200000000000000002", "email": "grace@quiet.studio", "name": "Grace Hopper"},
}
CODE_TTL_SECONDS = 120
# RFC 7636 §4.1: 43 to 128 unreserved characters; Google refuses any other verifier.
VERIFIER_PATTERN = re.compile(r"[A-Za-z0-9._~-]{43,128}")


def verifies(grant: dict, verifier: str) -> bool:
    """Whether `verifier` answers the grant's PKCE challenge; a grant without one needs none."""
    challenge = grant.get("code_challenge")
    if not challenge:
        return True
    if not VERIFIER_PATTERN.fullmatch(verifier):
        return False
    if grant.get("code_challenge_method") == "S256":
        verifier = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return secrets.compare_digest(verifier, challenge)
ID_TOKEN_TTL_SECONDS = 3600


def with_query(url: str, params: Dict[str, str]) -> str:
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


def create_app() -> FastAPI:
    client_id = os.environ.get("GOOGLE_CLIENT_ID", "quiet-session-dev-client")
    client_secret = os.environ.get("GOOGLE_CLIENT_SECRET", "quiet-session-dev-secret")
    redirect_uris = os.environ.get("STANDIN_REDIRECT_URIS", "http://localhost:5173/auth/google/callback").split(",")
    fixed_issuer = os.environ.get("STANDIN_ISSUER", "")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = secrets.token_hex(8)
    codes: Dict[str, dict] = {}
    # What the token endpoint answers instead of a token, while set: how tests and demos meet Google failing.
    token_failure: Dict[str, object] = {}
    lock = threading.Lock()
    app = FastAPI(title="Stand-in Google", docs_url=None, redoc_url=None)

    def issuer(request: Request) -> str:
        return fixed_issuer or str(request.base_url).rstrip("/")

    @app.middleware("http")
    async def isolate_opener(request: Request, call_next):
        response = await call_next(request)
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        return response

    def refuse(error: str, description: str) -> HTMLResponse:
        return HTMLResponse(error_page(error, description), status_code=400)

    def checked(params: Dict[str, str]) -> Optional[HTMLResponse]:
        """Never redirect to a client or redirect_uri that is not registered: show an error page."""
        if params.get("client_id") != client_id:
            return refuse("invalid_client", "The OAuth client was not found.")
        if params.get("redirect_uri") not in redirect_uris:
            return refuse("redirect_uri_mismatch", "The redirect_uri is not registered for this client.")
        return None

    @app.get("/o/oauth2/v2/auth", response_class=HTMLResponse)
    def authorize(request: Request):
        params = dict(request.query_params)
        problem = checked(params)
        if problem:
            return problem
        back = {"state": params["state"]} if "state" in params else {}
        if params.get("response_type") != "code":
            return RedirectResponse(with_query(params["redirect_uri"], {"error": "unsupported_response_type", **back}), 302)
        if "openid" not in params.get("scope", "").split():
            return RedirectResponse(with_query(params["redirect_uri"], {"error": "invalid_scope", **back}), 302)
        if "code_challenge" in params and params.get("code_challenge_method", "plain") not in ("S256", "plain"):
            return RedirectResponse(with_query(params["redirect_uri"], {"error": "invalid_request", **back}), 302)
        pkce = ("code_challenge", "code_challenge_method")
        fields = {k: params[k] for k in ("client_id", "redirect_uri", "scope", "state", "nonce", *pkce) if k in params}
        return HTMLResponse(chooser_page(fields, ACCOUNTS.values()))

    @app.post("/o/oauth2/v2/auth")
    async def choose(request: Request):
        """The chooser's form: a code for the chosen account, or `error=access_denied` on Cancel."""
        form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
        problem = checked(form)
        if problem:
            return problem
        back = {"state": form["state"]} if "state" in form else {}
        account = ACCOUNTS.get(form.get("account", ""))
        if form.get("cancel") or account is None:
            return RedirectResponse(with_query(form["redirect_uri"], {"error": "access_denied", **back}), 303)
        code = "4/" + secrets.token_urlsafe(32)
        with lock:
            now = time.time()
            for stale in [c for c, grant in codes.items() if grant["expires"] <= now]:
                del codes[stale]
            codes[code] = {"account": account, "redirect_uri": form["redirect_uri"], "nonce": form.get("nonce"),
                           "scope": form.get("scope", ""), "expires": now + CODE_TTL_SECONDS,
                           "code_challenge": form.get("code_challenge"),
                           "code_challenge_method": form.get("code_challenge_method", "plain")}
        return RedirectResponse(with_query(form["redirect_uri"], {"code": code, **back, "scope": form.get("scope", "")}), 303)

    @app.post("/token")
    def token(
        request: Request,
        grant_type: str = Form(""),
        code: str = Form(""),
        redirect_uri: str = Form(""),
        client_id_: str = Form("", alias="client_id"),
        client_secret_: str = Form("", alias="client_secret"),
        code_verifier: str = Form(""),
    ):
        """The code exchange (client_secret_post): one use per code, bound to its redirect_uri and PKCE challenge."""
        def oauth_error(status: int, error: str, description: str) -> JSONResponse:
            return JSONResponse({"error": error, "error_description": description}, status, headers={"Cache-Control": "no-store"})

        with lock:
            failure = dict(token_failure)
        if failure:
            return oauth_error(int(failure["status"]), str(failure["error"]), "Set at /standin/token-failure")
        if grant_type != "authorization_code":
            return oauth_error(400, "unsupported_grant_type", "Invalid grant_type: " + grant_type)
        if client_id_ != client_id or not secrets.compare_digest(client_secret_, client_secret):
            return oauth_error(401, "invalid_client", "Unauthorized")
        with lock:
            grant = codes.pop(code, None)
        if grant is None or grant["expires"] <= time.time() or grant["redirect_uri"] != redirect_uri:
            return oauth_error(400, "invalid_grant", "Bad Request")
        # One try per code, whatever the outcome: a wrong verifier uses it up too.
        if not verifies(grant, code_verifier):
            return oauth_error(400, "invalid_grant", "Invalid code verifier.")
        account, now = grant["account"], int(time.time())
        claims = {"iss": issuer(request), "azp": client_id, "aud": client_id, "sub": account["sub"],
                  "email": account["email"], "email_verified": True, "name": account["name"],
                  "iat": now, "exp": now + ID_TOKEN_TTL_SECONDS}
        if grant["nonce"]:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})
        body = {"access_token": "ya29." + secrets.token_urlsafe(32), "expires_in": ID_TOKEN_TTL_SECONDS - 1,
                "scope": grant["scope"], "token_type": "Bearer", "id_token": id_token}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    @app.put("/standin/token-failure")
    async def set_token_failure(request: Request):
        """`{status, error}`: the token endpoint fails so from now on (a 4xx or 5xx); `{}`: it trades codes again."""
        body = await request.json()
        status, error = (body.get("status"), body.get("error")) if isinstance(body, dict) else (None, None)
        if body != {} and not (isinstance(status, int) and 400 <= status <= 599 and isinstance(error, str) and error):
            return JSONResponse({"detail": "Put {} or {status: 400-599, error}."}, 422)
        with lock:
            token_failure.clear()
            token_failure.update(body)
        return {"token_failure": body}

    @app.get("/oauth2/v3/certs")
    def certs() -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        return {"keys": [{"kty": jwk["kty"], "n": jwk["n"], "e": jwk["e"], "kid": kid, "use": "sig", "alg": "RS256"}]}

    @app.get("/.well-known/openid-configuration")
    def discovery(request: Request) -> dict:
        base = str(request.base_url).rstrip("/")
        return {
            "issuer": issuer(request),
            "authorization_endpoint": f"{base}/o/oauth2/v2/auth",
            "token_endpoint": f"{base}/token",
            "jwks_uri": f"{base}/oauth2/v3/certs",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
            "code_challenge_methods_supported": ["plain", "S256"],
            "claims_supported": ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "sub", "nonce"],
        }

    return app


app = create_app()
