"""FastAPI's 422, but for the request's body said back.

FastAPI 0.92 answers a body that is not JSON with the whole body in `ctx.doc`: the sign-in's
code and PKCE verifier included, into whatever logs or reports answers (a proxy, an error
reporter). The rest of the answer is FastAPI's own: `{"detail": [{"loc", "msg", "type", ...}]}`.
"""

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


async def without_body(request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's `request_validation_exception_handler`, each issue's `ctx.doc` left out."""
    issues = []
    for issue in error.errors():
        context = issue.get("ctx")
        if isinstance(context, dict) and "doc" in context:
            issue = {**issue, "ctx": {name: value for name, value in context.items() if name != "doc"}}
        issues.append(issue)
    return JSONResponse({"detail": jsonable_encoder(issues)}, status_code=422)
