"""`/api/*` of the studio: credits, generation, workflow status, services health, image checks.

Generation stands in for a Temporal workflow: the workflow id carries its start time,
so its status is computed from the id, as the mock does. The id also carries a tag, an HMAC
of its start and its user: only the user who started it can read it, and no id is made up.
"""

import hashlib
import hmac
import re
import secrets
import threading
import time
from datetime import datetime, timezone
from typing import Dict, Optional

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StrictStr, validator

from .data import DEFAULT_CREDITS, SERVICES, WORKFLOW_DURATION_MS, iso, ring_image
from .settings import Settings
from .tokens import current_user
from .users import User

router = APIRouter(prefix="/api")

ACCEPTED_IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp")
MAX_IMAGE_BYTES = 5 * 1024 * 1024
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
# JavaScript's trim(), the app's test of a blank prompt: str.strip() also takes \x1c-\x1f and \x85, and keeps \ufeff.
JS_WHITESPACE = "\t\n\v\f\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


class Credits:
    """Each user's credits, in memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._balance: Dict[str, int] = {}

    def balance(self, user_id: str) -> int:
        return self._balance.get(user_id, DEFAULT_CREDITS)

    def spend_one(self, user_id: str) -> Optional[int]:
        """The credits left once one is spent, read under the same lock (another generation may spend the next); None when none is left."""
        with self._lock:
            left = self.balance(user_id)
            if left < 1:
                return None
            self._balance[user_id] = left - 1
            return left - 1


def base36(number: int) -> str:
    out = ""
    while True:
        number, digit = divmod(number, 36)
        out = _DIGITS[digit] + out
        if number == 0:
            return out


def workflow_tag(settings: Settings, user_id: str, started: str, nonce: str) -> str:
    """What binds a workflow id to its user: 16 hex digits of an HMAC the client cannot forge."""
    message = f"workflow:{user_id}:{started}:{nonce}".encode()
    return hmac.new(settings.jwt_secret.encode(), message, hashlib.sha256).hexdigest()[:16]


def image_type(content: bytes) -> Optional[str]:
    """The type the bytes start as (PNG, JPEG or WebP), as the mock reads them; None for anything else."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


class GenerateBody(BaseModel):
    prompt: StrictStr

    @validator("prompt")
    def prompt_not_blank(cls, prompt: str) -> str:
        prompt = prompt.strip(JS_WHITESPACE)
        if not prompt:
            raise ValueError("prompt must not be empty")
        return prompt


@router.get("/credits")
def get_credits(request: Request, user: User = Depends(current_user)) -> dict:
    return {"balance": request.app.state.credits.balance(user.id)}


@router.post("/jewelry/generate", status_code=202)
def generate(body: GenerateBody, request: Request, user: User = Depends(current_user)):
    """Starts a generation for one credit: 202 with its workflow, 402 when out of credits."""
    credits: Credits = request.app.state.credits
    remaining = credits.spend_one(user.id)
    if remaining is None:
        return JSONResponse({"detail": "Out of credits"}, status_code=402)
    started = base36(int(time.time() * 1000))
    nonce = "".join(secrets.choice(_DIGITS) for _ in range(6))
    workflow_id = f"wf_{started}_{nonce}{workflow_tag(request.app.state.settings, user.id, started, nonce)}"
    return {
        "generation_id": f"gen_{workflow_id[3:]}",
        "workflow_id": workflow_id,
        "prompt": body.prompt,
        "credits_remaining": remaining,
    }


@router.get("/workflows/{workflow_id}/status")
def workflow_status(workflow_id: str, request: Request, user: User = Depends(current_user)) -> dict:
    """A workflow the user started; another user's, or an id nobody issued, is as unknown."""
    match = re.fullmatch(r"wf_([0-9a-z]+)_([0-9a-z]{6})([0-9a-f]{16})", workflow_id)
    if match and not hmac.compare_digest(match.group(3), workflow_tag(request.app.state.settings, user.id, match.group(1), match.group(2))):
        match = None
    try:
        # A start no float can hold (OverflowError), or too many digits to read (ValueError): as the mock's Infinity.
        started = float(int(match.group(1), 36)) if match else None
    except (OverflowError, ValueError):
        started = None
    if started is None:
        raise HTTPException(status_code=404, detail="Workflow not found")
    # Not below 0: the start may be ahead of this clock (another host's, or before a step back).
    progress = max(0, min(1, (time.time() * 1000 - started) / WORKFLOW_DURATION_MS))
    if progress < 1:
        return {"workflow_id": workflow_id, "status": "RUNNING", "progress": progress}
    return {"workflow_id": workflow_id, "status": "COMPLETED", "progress": 1, "result": {"image_url": ring_image(workflow_id)}}


@router.get("/microservices/health")
def services_health(user: User = Depends(current_user)) -> dict:
    return {
        "checked_at": iso(datetime.now(timezone.utc)),
        "services": [
            {"name": name, "version": version, "status": "up", "latency_ms": 12 + index * 9}
            for index, (name, version) in enumerate(SERVICES)
        ],
    }


@router.post("/images/validate")
async def validate_image(file: UploadFile = File(...), user: User = Depends(current_user)) -> dict:
    """Checks a reference image: 200 with `valid` and the `issues` found (a bad image is not a bad request)."""
    content = await file.read()
    size = len(content)
    declared = file.content_type or ""
    # The declared type is the client's word (none, for an extension the system does not know): the bytes say.
    sniffed = image_type(content)
    issues = []
    if sniffed is None and declared not in ACCEPTED_IMAGE_TYPES:
        issues.append(f"Unsupported type {declared or 'unknown'}: use PNG, JPEG or WebP.")
    elif sniffed is None and size > 0:
        issues.append("The file is not a PNG, JPEG or WebP image.")
    if size == 0:
        issues.append("The file is empty.")
    if size > MAX_IMAGE_BYTES:
        issues.append("The file is larger than 5 MB.")
    return {
        "valid": not issues,
        "filename": file.filename or "upload",
        "content_type": sniffed or declared,
        "size_bytes": size,
        "issues": issues,
    }
