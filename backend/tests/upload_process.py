"""An upload to /api/images/validate in a process of its own, killed at a time limit: a parser stuck on crafted
input holds the GIL, and no thread of the test could give up on it."""

import json
import os
import subprocess
import sys

APP_ORIGIN = "http://app.example"


def answer_within(seconds: float, body: bytes, content_type: str):
    """The upload's status and how many lines the backend logged, or None when it is still at it after `seconds`."""
    done = _upload(seconds, body, content_type)
    return done and (int(done.stdout.splitlines()[0]), done.stderr.count(b"\n"))


def detail_within(seconds: float, body: bytes, content_type: str):
    """The upload's status and the `detail` of its answer, or None when the backend is still at it after `seconds`."""
    done = _upload(seconds, body, content_type)
    return done and (int(done.stdout.splitlines()[0]), json.loads(done.stdout.splitlines()[1]).get("detail"))


def _upload(seconds: float, body: bytes, content_type: str):
    upload = (
        "import sys; from fastapi.testclient import TestClient; from app.main import create_app; "
        "body = sys.stdin.buffer.read(); "
        "answer = TestClient(create_app()).post('/api/images/validate', content=body, headers={'content-type': sys.argv[1]}); "
        "print(answer.status_code); print(answer.text)"
    )
    env = {**os.environ, "APP_ORIGIN": APP_ORIGIN, "JWT_SECRET": "test-secret-of-at-least-32-bytes!!", "GOOGLE_CLIENT_ID": "client-123"}
    backend = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        return subprocess.run([sys.executable, "-c", upload, content_type], input=body, capture_output=True, timeout=seconds, cwd=backend, env=env)
    except subprocess.TimeoutExpired:
        return None
