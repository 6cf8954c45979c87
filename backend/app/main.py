"""The FastAPI app: `uvicorn app.main:app` from the `backend/` directory."""

import json
import logging
from email.utils import formatdate
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from . import form_headers, multipart_data, routes_admin, routes_auth, routes_studio, validation_errors
from .google_oauth import GoogleKeys, PendingStates
from .routes_studio import Credits
from .settings import load_settings
from .users import UserStore

log = logging.getLogger("quiet_session")


class EscapedJSONResponse(JSONResponse):
    """JSON with what is not ASCII escaped, as JSON.stringify escapes a lone surrogate.

    A prompt may hold half an emoji (`"\\ud83d"` in the JSON the SPA sends). Starlette's JSONResponse
    encodes it as UTF-8, which cannot carry it: a 500 after the credit was spent.
    """

    def render(self, content: Any) -> bytes:
        return json.dumps(content, allow_nan=False, indent=None, separators=(",", ":")).encode("ascii")


class ServerErrorsAsJson:
    """A route's unhandled exception as a 500 `{"detail": ...}`, answered inside CORS.

    Starlette answers it in its outermost layer, outside CORSMiddleware: a 500 without
    Access-Control-Allow-Origin, which the browser hides as a network error, and which
    authFetch then takes for "offline" instead of a server error.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception:
            if started:
                raise
            log.exception("Unhandled error in %s %s", scope.get("method"), scope.get("path"))
            await JSONResponse({"detail": "Internal Server Error"}, status_code=500)(scope, receive, send)


# A request body is read whole before its route runs, its token unchecked: anyone could send gigabytes.
MAX_BODY_BYTES = 1024 * 1024
# Above 5 MB an image still gets its "larger than 5 MB" answer, up to a photo's size.
MAX_UPLOAD_BODY_BYTES = 20 * 1024 * 1024
UPLOAD_PATHS = ("/api/images/validate",)
# Only an upload's form carries an image: python-multipart 0.0.5 walked 19 MB of urlencoded `&` for seconds.
UPLOAD_TYPE = b"multipart/form-data"
FORM_TYPE = b"application/x-www-form-urlencoded"
# Starlette's limit, which it checks only once a whole chunk is parsed: 0.0.5 walks each & and ; byte by byte.
MAX_FORM_FIELDS = 1000


class LimitBodySize:
    """A 413 for a body over its limit, declared or streamed, or a 400 for a form of too many fields, before more of it is read."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        upload = scope["path"] in UPLOAD_PATHS and headers.get(b"content-type", b"").lower().startswith(UPLOAD_TYPE)
        limit = MAX_UPLOAD_BODY_BYTES if upload else MAX_BODY_BYTES
        too_large = JSONResponse({"detail": f"The request is larger than {limit // (1024 * 1024)} MB."}, status_code=413)
        # Only the upload route parses a form, by the media type as python-multipart reads it, as Starlette does.
        form = scope["path"] in UPLOAD_PATHS and headers.get(b"content-type", b"").split(b";", 1)[0].strip().lower() == FORM_TYPE
        too_many = JSONResponse({"detail": f"Too many fields. Maximum number of fields is {MAX_FORM_FIELDS}."}, status_code=400)
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await too_large(scope, receive, send)
            return
        received = 0
        separators = 0
        over = None
        started = False

        async def counted():
            nonlocal received, separators, over
            if over is not None:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                body = message.get("body", b"")
                received += len(body)
                if form:
                    separators += body.count(b"&") + body.count(b";")
                if received > limit or separators > MAX_FORM_FIELDS:
                    # The route sees a client that went away; its answer is replaced by the refusal.
                    over = too_large if received > limit else too_many
                    return {"type": "http.disconnect"}
            return message

        async def unless_over(message) -> None:
            nonlocal started
            if not over:
                started = started or message["type"] == "http.response.start"
                await send(message)

        await self.app(scope, counted, unless_over)
        if over is not None and not started:
            await over(scope, receive, send)


class DateOfEachAnswer:
    """A fresh `Date` on each answer: the SPA reads the backend's clock from it.

    Debian's uvicorn 0.17 dates every answer on a kept-alive connection with the time it opened.
    Run uvicorn with `--no-date-header`; without it there are two `Date` headers, read as none.
    """

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def dated(message) -> None:
            if message["type"] == "http.response.start":
                headers = [(name, value) for name, value in message.get("headers", []) if name.lower() != b"date"]
                headers.append((b"date", formatdate(usegmt=True).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, dated)


def create_app() -> FastAPI:
    """Builds the app from the environment (see settings.py)."""
    settings = load_settings()
    # Before any form is parsed: Debian's python-multipart would let one crafted header stall every request.
    form_headers.make_linear()
    # And its body parser, which a crafted upload kept busy for minutes, token or not.
    multipart_data.make_fast()
    app = FastAPI(title="Quiet Session reference backend", default_response_class=EscapedJSONResponse)
    app.add_exception_handler(RequestValidationError, validation_errors.without_body)
    app.state.settings = settings
    app.state.users = UserStore()
    app.state.credits = Credits()
    app.state.pending_states = PendingStates()
    app.state.google_jwks = GoogleKeys(settings.google_jwks_url)
    # Innermost: a 413 is answered inside CORS, the app's origin can read it.
    app.add_middleware(LimitBodySize)
    # Inside CORS (added first, so it runs after it): a server error carries CORS headers too.
    app.add_middleware(ServerErrorsAsJson)
    # The SPA's origin only. Bearer tokens, no cookies: no credentials mode. A 401 carries
    # these headers like any answer, or the browser would hide it from authFetch as a network error.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=[settings.app_origin],
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        # Age: set by a CDN in front, unreadable cross-origin unless listed; it dates a cached answer's Date.
        expose_headers=["Date", "Age", "WWW-Authenticate", "Retry-After"],
    )
    # Outermost: preflights and server errors are dated too.
    app.add_middleware(DateOfEachAnswer)

    @app.get("/health")
    def health() -> dict:
        """200 without a token: the app asks it beside the sign-in popup, whose first page is this backend's."""
        return {"status": "ok"}

    app.include_router(routes_auth.router)
    app.include_router(routes_studio.router)
    app.include_router(routes_admin.router)
    return app


app = create_app()
