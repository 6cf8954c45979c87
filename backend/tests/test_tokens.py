"""The access tokens as another host's backend checks them.

Run from backend/: /usr/bin/python3 -m unittest discover -s tests -t .
"""

import os
import time
import unittest
from unittest import mock

import jwt
from fastapi.testclient import TestClient

SECRET = "test-secret-of-at-least-32-bytes!!"


class AccessTokenTest(unittest.TestCase):
    def setUp(self):
        with mock.patch.dict(os.environ, {"APP_ORIGIN": "http://app.example", "JWT_SECRET": SECRET, "GOOGLE_CLIENT_ID": "client-123"}):
            from app.main import create_app

            self.client = TestClient(create_app())

    def me(self, **times):
        claims = {"iss": "quiet-session", "aud": "quiet-session-api", "sub": "user-ada", "email": "ada@quiet.studio",
                  "name": "Ada Lovelace", "role": "admin", **times}
        return self.client.get("/auth/me", headers={"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"})

    def test_accepts_a_token_just_issued_by_a_host_whose_clock_is_ahead(self):
        # Behind a load balancer the next call may reach a host a second behind: a fresh sign-in must not read as expired.
        now = int(time.time())
        self.assertEqual(self.me(iat=now + 2, exp=now + 60).status_code, 200)

    def test_still_refuses_a_token_past_its_exp(self):
        now = int(time.time())
        response = self.me(iat=now - 60, exp=now - 1)
        self.assertEqual((response.status_code, response.headers["www-authenticate"]), (401, 'Bearer error="invalid_token"'))


class IssuedTokenTest(unittest.TestCase):
    def test_two_sign_ins_in_one_second_get_tokens_of_their_own(self):
        # A client remembers the tokens its backend refused: a new sign-in must not bring one back byte for byte.
        with mock.patch.dict(os.environ, {"JWT_SECRET": SECRET, "GOOGLE_CLIENT_ID": "client-123"}):
            from app.settings import load_settings
            from app.tokens import issue_access_token
            from app.users import User

            settings = load_settings()
        ada = User(id="user-ada", email="ada@quiet.studio", name="Ada Lovelace", role="admin")
        with mock.patch("time.time", return_value=1_800_000_000.25):
            first, second = (issue_access_token(ada, settings)["access_token"] for _ in range(2))
        self.assertNotEqual(first, second)
        claims = [jwt.decode(token, options={"verify_signature": False}) for token in (first, second)]
        # The same sign-in otherwise: one user, one second.
        self.assertEqual([(c["sub"], c["iat"]) for c in claims], [("user-ada", 1_800_000_000)] * 2)


if __name__ == "__main__":
    unittest.main()
