"""The app as the browser meets it: CORS on every answer, a server error included.

Run from backend/: /usr/bin/python3 -m unittest discover -s tests -t .
"""

import os
import unittest
from unittest import mock

from fastapi.testclient import TestClient

APP_ORIGIN = "http://app.example"


class ServerErrorTest(unittest.TestCase):
    def setUp(self):
        with mock.patch.dict(os.environ, {"APP_ORIGIN": APP_ORIGIN, "JWT_SECRET": "test-secret", "GOOGLE_CLIENT_ID": "client-123"}):
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


if __name__ == "__main__":
    unittest.main()
