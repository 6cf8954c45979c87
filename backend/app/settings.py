"""Configuration, read from the environment once, when the app is built."""

import logging
import os
from dataclasses import dataclass
from urllib.parse import urlsplit

import idna

log = logging.getLogger("quiet_session")

DEV_JWT_SECRET = "dev-only-insecure-jwt-secret-set-JWT_SECRET"
# HS256 wants a key of 256 bits (RFC 7518 §3.2): a shorter one can be brute-forced offline from any token.
MIN_JWT_SECRET_BYTES = 32


@dataclass(frozen=True)
class Settings:
    """Everything a deployment sets. Defaults suit local development only."""

    jwt_secret: str
    token_ttl_seconds: int
    app_origin: str
    google_client_id: str
    google_client_secret: str
    google_auth_url: str
    google_token_url: str
    google_jwks_url: str
    google_issuer: str

    @property
    def google_redirect_uri(self) -> str:
        """The one redirect URI registered with Google: the app's callback page."""
        return f"{self.app_origin}/auth/google/callback"


def _is_local(origin: str) -> bool:
    """Whether the app is served from this machine only: the one place the public dev key may sign."""
    host = urlsplit(origin).hostname or ""
    return host in ("localhost", "127.0.0.1", "::1") or host.endswith(".localhost")


def _ascii_host(hostname: str, value: str) -> str:
    """A name of other scripts in the punycode a browser's Origin header carries (UTS #46, as the URL Standard)."""
    if hostname.isascii():
        return hostname
    try:
        return idna.encode(hostname, uts46=True, transitional=False).decode("ascii")
    except idna.IDNAError as error:
        raise RuntimeError(f"APP_ORIGIN ({value}) is no origin: its host name is not one a browser opens ({error}).") from None


def _origin(value: str) -> str:
    """`value` as browsers write an Origin header (lower case, no default port), which CORS compares byte for byte."""
    try:
        parts = urlsplit(value.strip().rstrip("/"))
        port = parts.port
    except ValueError:
        parts, port = None, None
    if not parts or parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise RuntimeError(f"APP_ORIGIN ({value}) is no origin: write it as https://studio.example.com, with a port if not the default, and no path.")
    scheme = parts.scheme.lower()
    host = _ascii_host(parts.hostname, value)
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" + (f":{port}" if port not in (None, default) else "")


def load_settings() -> Settings:
    """Reads the environment. Without JWT_SECRET a local app gets tokens signed with a public dev key (warned); a deployed one does not start, nor one with a JWT_SECRET under 32 bytes."""
    app_origin = _origin(os.environ.get("APP_ORIGIN", "http://localhost:5173"))
    secret = os.environ.get("JWT_SECRET", "")
    if not secret:
        if not _is_local(app_origin):
            # Anyone could sign a token for any user, the admin included, with the key this repository publishes.
            raise RuntimeError(f"JWT_SECRET is not set and APP_ORIGIN ({app_origin}) is not local: set JWT_SECRET to a long random secret.")
        log.warning("JWT_SECRET is not set: signing tokens with a PUBLIC development key. Never deploy like this.")
        secret = DEV_JWT_SECRET
    if len(secret.encode()) < MIN_JWT_SECRET_BYTES:
        raise RuntimeError(f"JWT_SECRET is {len(secret.encode())} bytes long: HS256 needs at least {MIN_JWT_SECRET_BYTES} bytes, set a long random secret.")
    if not os.environ.get("GOOGLE_CLIENT_ID"):
        log.warning("GOOGLE_CLIENT_ID is not set: Google sign-in cannot work.")
    return Settings(
        jwt_secret=secret,
        token_ttl_seconds=int(os.environ.get("TOKEN_TTL_SECONDS", "3600")),
        app_origin=app_origin,
        google_client_id=os.environ.get("GOOGLE_CLIENT_ID", ""),
        google_client_secret=os.environ.get("GOOGLE_CLIENT_SECRET", ""),
        google_auth_url=os.environ.get("GOOGLE_AUTH_URL", "https://accounts.google.com/o/oauth2/v2/auth"),
        google_token_url=os.environ.get("GOOGLE_TOKEN_URL", "https://oauth2.googleapis.com/token"),
        google_jwks_url=os.environ.get("GOOGLE_JWKS_URL", "https://www.googleapis.com/oauth2/v3/certs"),
        google_issuer=os.environ.get("GOOGLE_ISSUER", "https://accounts.google.com"),
    )
