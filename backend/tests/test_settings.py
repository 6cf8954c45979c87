"""What the backend refuses to start with: a deployment signing tokens with the public development key.

Run from backend/: /usr/bin/python3 -m unittest discover -s tests -t .
"""

import os
import unittest
from unittest import mock

from fastapi.testclient import TestClient

from app.settings import DEV_JWT_SECRET, load_settings


def settings_with(**environment: str):
    with mock.patch.dict(os.environ, {"GOOGLE_CLIENT_ID": "client-123", **environment}, clear=True):
        return load_settings()


class JwtSecretTest(unittest.TestCase):
    def test_a_deployment_without_jwt_secret_refuses_to_start(self):
        # Anyone could sign a token for any user with the key this repository publishes.
        for origin in ("https://studio.example.com", "http://10.0.0.5:5173", "http://studio.internal"):
            with self.subTest(origin=origin), self.assertRaisesRegex(RuntimeError, "JWT_SECRET"):
                settings_with(APP_ORIGIN=origin)

    def test_local_development_signs_with_the_dev_key_and_says_so(self):
        for origin in ("http://localhost:5173", "http://127.0.0.1:4173", "http://[::1]:5173", "http://app.localhost:5173"):
            with self.subTest(origin=origin), self.assertLogs("quiet_session", level="WARNING") as logs:
                self.assertEqual(settings_with(APP_ORIGIN=origin).jwt_secret, DEV_JWT_SECRET)
            self.assertIn("PUBLIC development key", logs.output[0])

    def test_the_default_origin_is_local_development(self):
        with self.assertLogs("quiet_session", level="WARNING"):
            self.assertEqual(settings_with().jwt_secret, DEV_JWT_SECRET)

    def test_a_deployment_with_jwt_secret_starts(self):
        secret = "s3cret-" + "x" * 25
        self.assertEqual(settings_with(APP_ORIGIN="https://studio.example.com", JWT_SECRET=secret).jwt_secret, secret)

    def test_a_jwt_secret_shorter_than_32_bytes_refuses_to_start(self):
        # HS256 wants a 256-bit key: a short one can be brute-forced offline from any token.
        for secret in ("s3cret", "x" * 31, "é" * 15):
            with self.subTest(secret=secret), self.assertRaisesRegex(RuntimeError, "JWT_SECRET .*32 bytes"):
                settings_with(APP_ORIGIN="https://studio.example.com", JWT_SECRET=secret)
        self.assertEqual(len(settings_with(APP_ORIGIN="http://localhost:5173", JWT_SECRET="é" * 16).jwt_secret), 16)


class AppOriginTest(unittest.TestCase):
    secret = "s3cret-" + "x" * 25

    def test_an_origin_is_written_as_the_browser_sends_it(self):
        # CORS compares the Origin header byte for byte: any other spelling refuses every call, which reads as offline.
        for given, origin in (
            ("HTTPS://Studio.Example.com", "https://studio.example.com"),
            ("https://studio.example.com:443", "https://studio.example.com"),
            ("http://studio.example.com:80/", "http://studio.example.com"),
            ("http://localhost:5173", "http://localhost:5173"),
            ("http://[::1]:5173", "http://[::1]:5173"),
            # The browser sends a name of other scripts in its ASCII form, as `new URL(...).origin` writes it.
            ("http://bücher.example:5173", "http://xn--bcher-kva.example:5173"),
            ("https://BÜCHER.example", "https://xn--bcher-kva.example"),
            ("https://straße.example", "https://xn--strae-oqa.example"),
        ):
            with self.subTest(given=given):
                self.assertEqual(settings_with(APP_ORIGIN=given, JWT_SECRET=self.secret).app_origin, origin)

    def test_the_app_on_a_name_of_other_scripts_can_read_the_answers(self):
        with mock.patch.dict(os.environ, {"APP_ORIGIN": "http://bücher.example:5173", "JWT_SECRET": self.secret, "GOOGLE_CLIENT_ID": "client-123"}):
            from app.main import create_app

            client = TestClient(create_app())
        sent = "http://xn--bcher-kva.example:5173"
        response = client.get("/health", headers={"Origin": sent})
        self.assertEqual(response.headers.get("access-control-allow-origin"), sent)
        preflight = client.options("/api/credits", headers={"Origin": sent, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"})
        self.assertEqual((preflight.status_code, preflight.headers.get("access-control-allow-origin")), (200, sent))

    def test_what_is_no_origin_refuses_to_start_and_says_what_an_origin_is(self):
        for given in (
            "studio.example.com",
            "https://studio.example.com/app",
            "ftp://studio.example.com",
            "https://",
            "https://studio.example.com?x=1",
            "https://a@studio.example.com",
            "https://studio.example.com:99999",
        ):
            with self.subTest(given=given), self.assertRaisesRegex(RuntimeError, "APP_ORIGIN .* is no origin: write it as https://studio.example.com"):
                settings_with(APP_ORIGIN=given, JWT_SECRET=self.secret)


if __name__ == "__main__":
    unittest.main()
