"""The backend's Google OAuth client: authorization code flow, then a fully checked ID token.

Talks to whatever GOOGLE_* URLs say: Google in production, the stand-in in development
and tests. Nothing here knows which.
"""

import base64
import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional
from urllib.error import URLError
from urllib.parse import urlencode

import httpx
import jwt

from .settings import Settings

SCOPE = "openid email profile"
STATE_TTL_SECONDS = 600
# About 50 MB of states at most (each up to 256 characters, with its nonce).
MAX_PENDING_STATES = 100_000
JWKS_TIMEOUT_SECONDS = 10


class SignInRefused(Exception):
    """The code, state or ID token is not good: the client gets a 400."""


class ProviderFailed(Exception):
    """Google could not be asked (network, 5xx), or served no usable keys: a 502."""


class ProviderBusy(ProviderFailed):
    """Google limits how often it is asked (429): a 502 too, in words that say to try again soon."""


class ClientRefused(ProviderFailed):
    """Google refused our client (GOOGLE_CLIENT_ID, its secret, the redirect URI, the token or keys URL): a 502 that says no retry will help."""


# How Google's APIs name a rate limit in a 403's body.
RATE_LIMIT = re.compile(r"rate_?limit", re.IGNORECASE)

# The token endpoint's 400s that are about our client, not the user's code (RFC 6749 §5.2, and Google's own).
CLIENT_ERRORS = ("invalid_client", "unauthorized_client", "redirect_uri_mismatch")


@dataclass(frozen=True)
class GoogleIdentity:
    sub: str
    email: str
    name: str


def code_challenge_of(code_verifier: str) -> str:
    """RFC 7636's S256: the unpadded base64url of the verifier's SHA-256."""
    digest = hashlib.sha256(code_verifier.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class PendingStates:
    """The `state` of each sign-in started at `/auth/google/login`: known, short-lived, one use.

    The SPA's own nonce is the OAuth state, verbatim (the SPA checks it on its side too);
    each remembers the OIDC `nonce` sent with it, which binds the ID token to this sign-in,
    and the SPA's PKCE `code_challenge`: only the SPA's `code_verifier` takes the state.
    In memory, so it works with ONE worker process: with several workers or hosts, keep it
    in shared storage (Redis with a TTL, a database table), or a callback may reach a
    worker that never saw the state.
    """

    def __init__(self, ttl_seconds: int = STATE_TTL_SECONDS, max_pending: int = MAX_PENDING_STATES) -> None:
        self._ttl = ttl_seconds
        self._max = max_pending
        self._lock = threading.Lock()
        # Oldest first: one TTL on a monotonic clock makes insertion order the order of expiry.
        # Each entry: (nonce, code_challenge, expires).
        self._nonces: "OrderedDict[str, tuple]" = OrderedDict()

    def remember(self, state: str, code_challenge: Optional[str]) -> str:
        """Stores `state` with its S256 `code_challenge` (None: a browser that could keep no verifier); returns the nonce to send to Google with it.

        A state already pending keeps its nonce (its time starts again): the SPA's Try again
        opens the popup anew with the same state while the first window, cut off by COOP,
        may still be open at Google, and the user may finish in either. It keeps its challenge
        too: another one is refused (SignInRefused), or whoever read the state in a log could
        start it again with a challenge of their own.
        """
        now = time.monotonic()
        with self._lock:
            # Only the oldest can have expired: a login costs the same however many are pending
            # (anyone may start sign-ins, no account needed).
            while self._nonces and next(iter(self._nonces.values()))[2] <= now:
                self._nonces.popitem(last=False)
            pending = self._nonces.get(state)
            if pending and not secrets.compare_digest(pending[1] or "", code_challenge or ""):
                raise SignInRefused("This sign-in state was started with another code_challenge")
            self._nonces.pop(state, None)
            nonce = pending[0] if pending else secrets.token_urlsafe(24)
            self._nonces[state] = (nonce, code_challenge, now + self._ttl)
            # Memory stays bounded under a flood of logins; the oldest sign-in is the one given up.
            if len(self._nonces) > self._max:
                self._nonces.popitem(last=False)
        return nonce

    def __len__(self) -> int:
        with self._lock:
            return len(self._nonces)

    def take(self, state: str, code_verifier: Optional[str]) -> Optional[str]:
        """The nonce of a known, unexpired state whose challenge, if it had one, `code_verifier` answers; None otherwise.

        The state is forgotten once taken. A wrong verifier leaves it pending: it can only
        come from someone who read the code and state but is not the SPA, and the SPA's own
        callback may still follow.
        """
        with self._lock:
            entry = self._nonces.get(state)
            if entry is None:
                return None
            if entry[1] is not None and (code_verifier is None or not secrets.compare_digest(entry[1], code_challenge_of(code_verifier))):
                return None
            del self._nonces[state]
        if entry[2] <= time.monotonic():
            return None
        return entry[0]


class GoogleKeys(jwt.PyJWKClient):
    """PyJWKClient with a time limit on fetching the keys, and ProviderFailed when they do not come.

    PyJWT 2.6 fetches them with no timeout: a provider that takes the connection and never
    answers would hold the callback's thread for good, and enough such callbacks would use
    up the thread pool every plain-`def` route runs in.
    """

    def fetch_data(self):
        jwk_set = None
        try:
            response = httpx.get(self.uri, timeout=JWKS_TIMEOUT_SECONDS)
            if _rate_limited(response):
                raise ProviderBusy(f"Google's signing keys: it limits our rate ({response.status_code})")
            if _refuses_us(response):
                raise ClientRefused(f"Google's signing keys: GOOGLE_JWKS_URL answered {response.status_code}")
            response.raise_for_status()
            fetched = response.json()
            _check_signing_keys(fetched)
            jwk_set = fetched
            return jwk_set
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as error:
            raise ProviderFailed(f"Google's signing keys could not be fetched: {error}") from error
        finally:
            # As PyJWKClient does: a failed fetch empties the cache. Unusable keys are not kept either.
            if self.jwk_set_cache is not None:
                self.jwk_set_cache.put(jwk_set)


def _check_signing_keys(fetched) -> None:
    """Raises unless `fetched` is a JWK set with a signing key: anything else is Google's failure, not the token's."""
    if not isinstance(fetched, dict):
        raise ValueError("the answer is not a JWK set")
    keys = jwt.PyJWKSet.from_dict(fetched).keys
    if not any(key.public_key_use in ("sig", None) and key.key_id for key in keys):
        raise ValueError("the JWK set has no signing key")


def authorize_url(settings: Settings, state: str, nonce: str, code_challenge: Optional[str]) -> str:
    """Where `/auth/google/login` sends the browser: Google binds the code to the challenge too."""
    query = {
        "client_id": settings.google_client_id,
        "redirect_uri": settings.google_redirect_uri,
        "response_type": "code",
        "scope": SCOPE,
        "state": state,
        "nonce": nonce,
        **({"code_challenge": code_challenge, "code_challenge_method": "S256"} if code_challenge else {}),
    }
    return f"{settings.google_auth_url}?{urlencode(query)}"


def exchange_code(settings: Settings, code: str, code_verifier: Optional[str]) -> str:
    """Trades the authorization code and its PKCE verifier for Google's ID token (client_secret_post)."""
    form = {
        "code": code,
        **({"code_verifier": code_verifier} if code_verifier else {}),
        "client_id": settings.google_client_id,
        "client_secret": settings.google_client_secret,
        "redirect_uri": settings.google_redirect_uri,
        "grant_type": "authorization_code",
    }
    try:
        response = httpx.post(settings.google_token_url, data=form, timeout=10)
    except httpx.HTTPError as error:
        raise ProviderFailed(f"Google's token endpoint could not be reached: {error}") from error
    if _rate_limited(response):
        raise ProviderBusy(f"Google's token endpoint limits our rate ({response.status_code})")
    if _refuses_us(response) or (response.status_code == 400 and _oauth_error(response) in CLIENT_ERRORS):
        raise ClientRefused(f"Google's token endpoint refused our client ({response.status_code} {_oauth_error(response)})")
    if response.status_code == 400:
        # invalid_grant: an unknown, expired or already used code.
        raise SignInRefused("Invalid or expired Google authorization code")
    if response.status_code != 200:
        # 5xx is Google's trouble: it does not say the code is bad.
        raise ProviderFailed(f"Google's token endpoint answered {response.status_code}")
    try:
        id_token = response.json().get("id_token")
    except (ValueError, AttributeError) as error:
        raise ProviderFailed("Google's token endpoint answered something that is not a token response") from error
    if not isinstance(id_token, str):
        raise SignInRefused("Google answered without an ID token")
    return id_token


def _rate_limited(response: httpx.Response) -> bool:
    """A 429, or a 403 that names a rate limit (`rateLimitExceeded`, `rate_limit_exceeded`), as Google's APIs say it too."""
    return response.status_code == 429 or (response.status_code == 403 and RATE_LIMIT.search(response.text) is not None)


def _refuses_us(response: httpx.Response) -> bool:
    """A 3xx (the URL moved) or a 4xx other than 400, 408 and 429: Google is there and refuses the request as we send it."""
    status = response.status_code
    return 300 <= status < 400 or (400 < status < 500 and status not in (408, 429))


def _oauth_error(response: httpx.Response) -> Optional[str]:
    """The `error` of an OAuth error answer, None when its body is no such JSON."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return None
    return error if isinstance(error, str) else None


def verify_id_token(
    id_token: str, *, jwks: jwt.PyJWKClient, client_id: str, issuer: str, nonce: Optional[str]
) -> GoogleIdentity:
    """Checks everything an ID token claims before anyone is signed in with it.

    RS256 signature by a key of the provider's JWKS (by `kid`), issuer (with or without
    `https://`, as Google writes it either way), audience (our client id), expiry and
    issue time (30 s of leeway for clock skew), the nonce of this sign-in, and a verified
    email. PyJWKClient caches the JWKS for 5 minutes, refetching
    when it meets an unknown `kid`; GoogleKeys gives its fetch a time limit.
    """
    try:
        key = jwks.get_signing_key_from_jwt(id_token).key
        claims = jwt.decode(
            id_token,
            key,
            algorithms=["RS256"],
            audience=client_id,
            leeway=30,
            options={"require": ["iss", "aud", "sub", "iat", "exp"]},
        )
        # Google writes its issuer with or without https://, as GOOGLE_ISSUER may be; PyJWT 2.6 compares one string.
        bare = issuer.removeprefix("https://")
        if claims["iss"] not in (bare, f"https://{bare}"):
            raise jwt.InvalidIssuerError("Invalid issuer")
    except jwt.PyJWKClientError as error:
        if isinstance(error.__context__, URLError):
            raise ProviderFailed("Google's signing keys could not be fetched") from error
        raise SignInRefused("The Google ID token is not signed by a Google key") from error
    except jwt.PyJWTError as error:
        raise SignInRefused(f"The Google ID token is not valid: {error}") from error
    if nonce is not None and claims.get("nonce") != nonce:
        raise SignInRefused("The Google ID token belongs to another sign-in")
    email = claims.get("email")
    # Verified only when the token says so: an absent claim is no verification. Google has
    # sent email_verified as a string ("true"/"false") in the past.
    if not isinstance(email, str) or claims.get("email_verified") not in (True, "true"):
        raise SignInRefused("The Google account has no verified email")
    return GoogleIdentity(sub=str(claims["sub"]), email=email, name=str(claims.get("name") or email))
