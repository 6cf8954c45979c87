"""The app as the browser meets it: CORS on every answer, a server error included.

Run from backend/: /usr/bin/python3 -m unittest discover -s tests -t .
"""

import asyncio
import os
import unittest
from unittest import mock

from fastapi.testclient import TestClient
from multipart.multipart import QuerystringParser

from .upload_process import answer_within

APP_ORIGIN = "http://app.example"
FORM = "application/x-www-form-urlencoded"
TOO_MANY_FIELDS = "Too many fields. Maximum number of fields is 1000."


class ServerErrorTest(unittest.TestCase):
    def setUp(self):
        with mock.patch.dict(os.environ, {"APP_ORIGIN": APP_ORIGIN, "JWT_SECRET": "test-secret-of-at-least-32-bytes!!", "GOOGLE_CLIENT_ID": "client-123"}):
            from app.main import create_app

            self.app = create_app()

        @self.app.get("/api/broken")
        def broken() -> dict:
            raise RuntimeError("a bug in a route")

        self.client = TestClient(self.app, raise_server_exceptions=False)

    def test_a_server_error_is_readable_by_the_apps_origin(self):
        # Without CORS headers the browser hides the 500 as a network error, and authFetch reads "offline".
        with self.assertLogs("quiet_session", level="ERROR"):
            response = self.client.get("/api/broken", headers={"Origin": APP_ORIGIN})
        self.assertEqual(response.status_code, 500)
        self.assertEqual(response.headers.get("access-control-allow-origin"), APP_ORIGIN)
        self.assertIn("date", response.headers.get("access-control-expose-headers", "").lower())
        self.assertEqual(response.json(), {"detail": "Internal Server Error"})

    def test_another_origin_gets_no_cors_header_on_a_server_error(self):
        with self.assertLogs("quiet_session", level="ERROR"):
            response = self.client.get("/api/broken", headers={"Origin": "https://elsewhere.example"})
        self.assertEqual(response.status_code, 500)
        self.assertIsNone(response.headers.get("access-control-allow-origin"))


class RequestBodyLimitTest(unittest.TestCase):
    """Bodies are read before a route runs, before its token is even checked: they must stop at a limit."""

    def setUp(self):
        with mock.patch.dict(os.environ, {"APP_ORIGIN": APP_ORIGIN, "JWT_SECRET": "test-secret-of-at-least-32-bytes!!", "GOOGLE_CLIENT_ID": "client-123"}):
            from app.main import create_app

            self.app = create_app()

    def post(self, path: str, chunks, content_type: str, content_length=None):
        """Drives the ASGI app by hand, as a client streaming its body: how much it read, and its answer."""
        headers = [(b"origin", APP_ORIGIN.encode()), (b"content-type", content_type.encode())]
        if content_length is not None:
            headers.append((b"content-length", str(content_length).encode()))
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
                 "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": headers, "client": ("127.0.0.1", 1), "server": ("testserver", 80)}
        chunks = iter(chunks)
        read = 0
        sent = []

        async def receive():
            nonlocal read
            chunk = next(chunks, None)
            if chunk is None:
                return {"type": "http.disconnect"}
            read += len(chunk[0])
            return {"type": "http.request", "body": chunk[0], "more_body": chunk[1]}

        async def send(message):
            sent.append(message)

        asyncio.run(self.app(scope, receive, send))
        start = next(message for message in sent if message["type"] == "http.response.start")
        return read, start["status"], dict(start["headers"])

    def huge_upload(self, megabytes: int):
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="huge.png"\r\nContent-Type: image/png\r\n\r\n', True
        for _ in range(megabytes):
            yield bytes(1024 * 1024), True
        yield b"\r\n--b--\r\n", False

    def test_a_huge_upload_is_refused_before_it_is_all_read(self):
        # Without a limit, anyone (no token needed) spools the whole body to disk before the 401.
        read, status, headers = self.post("/api/images/validate", self.huge_upload(200), "multipart/form-data; boundary=b")
        self.assertLess(read, 30 * 1024 * 1024)
        self.assertEqual(status, 413)
        self.assertEqual(headers.get(b"access-control-allow-origin"), APP_ORIGIN.encode())

    def test_a_declared_huge_upload_is_refused_unread(self):
        read, status, _ = self.post("/api/images/validate", self.huge_upload(200), "multipart/form-data; boundary=b",
                                    content_length=200 * 1024 * 1024)
        self.assertEqual(status, 413)
        self.assertEqual(read, 0)

    def test_a_huge_urlencoded_form_to_the_upload_route_is_refused_before_it_is_all_read(self):
        # Its 20 MB are for an image; Starlette holds a form's field in memory, 1 MB at most, only once it is all read.
        body = ((b"f=" if n == 0 else b"x" * 1024 * 1024, True) for n in range(19))
        read, status, _ = self.post("/api/images/validate", body, "application/x-www-form-urlencoded")
        self.assertLess(read, 3 * 1024 * 1024)
        self.assertEqual(status, 413)

    def test_a_form_of_a_megabyte_of_separators_is_refused_before_it_is_parsed(self):
        # python-multipart 0.0.5 walks each & and ; byte by byte, and Starlette counts fields once a whole chunk is
        # parsed: 0.3 s of CPU for 1 MB of `&`, 1.6 s of `a&`, token or not.
        walked = []
        with mock.patch.object(QuerystringParser, "write", self.counted(walked)):
            for body in (b"&" * 1_000_000, b";" * 1_000_000, b"a&" * 500_000, b"a=b;" * 1001):
                with self.subTest(body=body[:4]):
                    response = TestClient(self.app).post("/api/images/validate", content=body, headers={"content-type": FORM})
                    self.assertEqual((response.status_code, response.json()), (400, {"detail": TOO_MANY_FIELDS}))
        self.assertEqual(walked, [])

    def test_a_form_of_a_thousand_fields_is_parsed_as_before(self):
        walked = []
        body = b"&".join(b"f%d=x" % n for n in range(1000))
        with mock.patch.object(QuerystringParser, "write", self.counted(walked)):
            self.assertEqual(TestClient(self.app).post("/api/images/validate", content=body, headers={"content-type": FORM}).status_code, 401)
            response = TestClient(self.app).post("/api/images/validate", content=body + b"&f=x", headers={"content-type": FORM})
            self.assertEqual((response.status_code, response.json()), (400, {"detail": TOO_MANY_FIELDS}))
        self.assertEqual(walked, [len(body), len(body) + 4])

    @staticmethod
    def counted(walked):
        original = QuerystringParser.write

        def write(parser, data):
            walked.append(len(data))
            return original(parser, data)

        return write

    def test_a_huge_json_body_is_refused_before_it_is_all_read(self):
        # The sign-in exchange needs no token either: FastAPI would hold the whole body in memory.
        body = ((b'{"code": "' if n == 0 else b"x" * 1024 * 1024, True) for n in range(200))
        read, status, _ = self.post("/auth/google/callback", body, "application/json")
        self.assertLess(read, 10 * 1024 * 1024)
        self.assertEqual(status, 413)


class FormHeaderTest(unittest.TestCase):
    """A form's headers are parsed before its route checks the token: a crafted one must not freeze the backend."""

    def test_a_content_type_with_an_open_quote_of_backslashes_is_answered_at_once(self):
        # CVE-2024-24762: 48 backslashes were minutes of the event loop's time, every other request waiting.
        answer = answer_within(10, b"x", 'multipart/form-data; boundary="' + "\\" * 48)
        self.assertEqual(answer and answer[0], 400)

    def test_a_part_header_of_vertical_tabs_is_answered_at_once(self):
        body = b"--b\r\nContent-Disposition: form-data; " + b"\x0b" * 15_000 + b"\r\n\r\nx\r\n--b--\r\n"
        answer = answer_within(10, body, "multipart/form-data; boundary=b")
        self.assertEqual(answer and answer[0], 400)

if __name__ == "__main__":
    unittest.main()
