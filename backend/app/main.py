"""The FastAPI app: `uvicorn app.main:app` from the `backend/` directory."""

import jwt
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from . import routes_admin, routes_auth, routes_studio
from .google_oauth import PendingStates
from .routes_studio import Credits
from .settings import load_settings
from .users import UserStore


def create_app() -> FastAPI:
    """Builds the app from the environment (see settings.py)."""
    settings = load_settings()
    app = FastAPI(title="Quiet Session reference backend")
    app.state.settings = settings
    app.state.users = UserStore()
    app.state.credits = Credits()
    app.state.pending_states = PendingStates()
    app.state.google_jwks = jwt.PyJWKClient(settings.google_jwks_url)
    # The SPA's origin only. Bearer tokens, no cookies: no credentials mode. A 401 carries
    # these headers like any answer, or the browser would hide it from authFetch as a network error.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[settings.app_origin],
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        expose_headers=["Date", "WWW-Authenticate"],
    )
    app.include_router(routes_auth.router)
    app.include_router(routes_studio.router)
    app.include_router(routes_admin.router)
    return app


app = create_app()
