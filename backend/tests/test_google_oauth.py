"""The backend's checks of a Google sign-in, without Google: a JWKS served here, tokens made here.

Run from backend/: /usr/bin/python3 -m unittest discover -s tests -t .
"""

import hashlib
import hmac
import json
import os
import socket
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from jwt.utils import base64url_encode

from app.google_oauth import GoogleKeys, PendingStates, ProviderFailed, SignInRefused, code_challenge_of, verify_id_token

ISSUER = "https://accounts.example"
CLIENT_ID = "client-123"
KID = "key-1"
NONCE = "nonce-of-this-sign-in"
# RFC 7636 Appendix B: a code_verifier and its S256 code_challenge.
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def serve_jwks(public_key) -> ThreadingHTTPServer:
    jwk = {**json.loads(RSAAlgorithm.to_jwk(public_key)), "kid": KID, "use": "sig", "alg": "RS256"}
    body = json.dumps({"keys": [jwk]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class VerifyIdTokenTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cls.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        cls.server = serve_jwks(cls.key.public_key())
        cls.jwks = jwt.PyJWKClient(f"http://127.0.0.1:{cls.server.server_address[1]}/certs")

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def token(self, key=None, kid=KID, **changes):
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "1042", "email": "ada@quiet.studio", "email_verified": True,
                  "name": "Ada Lovelace", "nonce": NONCE, "iat": now, "exp": now + 3600}
        claims.update(changes)
        claims = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid})

    def verify(self, token, jwks=None):
        return verify_id_token(token, jwks=jwks or self.jwks, client_id=CLIENT_ID, issuer=ISSUER, nonce=NONCE)

    def test_accepts_a_token_from_the_provider_for_this_client_and_sign_in(self):
        identity = self.verify(self.token())
        self.assertEqual((identity.sub, identity.email, identity.name), ("1042", "ada@quiet.studio", "Ada Lovelace"))

    def test_refuses_a_token_for_another_client(self):
        with self.assertRaises(SignInRefused):
            self.verify(self.token(aud="another-client"))

    def test_refuses_a_token_from_another_issuer(self):
        with self.assertRaises(SignInRefused):
            self.verify(self.token(iss="https://accounts.elsewhere.example"))

    def test_accepts_the_issuer_written_without_its_scheme_as_google_also_writes_it(self):
        identity = self.verify(self.token(iss=ISSUER.removeprefix("https://")))
        self.assertEqual(identity.sub, "1042")

    def test_accepts_the_issuer_with_its_scheme_when_it_is_configured_without(self):
        token = self.token()  # iss: https://accounts.example
        identity = verify_id_token(token, jwks=self.jwks, client_id=CLIENT_ID, issuer="accounts.example", nonce=NONCE)
        self.assertEqual(identity.sub, "1042")

    def test_refuses_another_issuer_written_without_a_scheme(self):
        with self.assertRaises(SignInRefused):
            self.verify(self.token(iss="accounts.elsewhere.example"))

    def test_refuses_an_expired_token(self):
        now = int(time.time())
        with self.assertRaises(SignInRefused):
            self.verify(self.token(iat=now - 7200, exp=now - 3600))

    def test_refuses_a_token_signed_by_another_key_under_the_providers_kid(self):
        with self.assertRaises(SignInRefused):
            self.verify(self.token(key=self.other_key))

    def test_refuses_a_token_whose_kid_the_jwks_does_not_have(self):
        with self.assertRaises(SignInRefused):
            self.verify(self.token(key=self.other_key, kid="key-2"))

    def test_refuses_a_token_of_another_sign_in(self):
        for nonce in ("someone-elses-nonce", None):
            with self.subTest(nonce=nonce), self.assertRaises(SignInRefused):
                self.verify(self.token(nonce=nonce))

    def test_refuses_an_unverified_email(self):
        # No claim is no verification (OIDC Core 5.1): linking by that email would hand over its account.
        for verified in (False, "false", None, "", 0):
            with self.subTest(email_verified=verified), self.assertRaises(SignInRefused):
                self.verify(self.token(email_verified=verified))

    def test_refuses_a_token_without_sub_or_expiry(self):
        for missing in ("sub", "exp"):
            with self.subTest(missing=missing), self.assertRaises(SignInRefused):
                self.verify(self.token(**{missing: None}))

    def test_refuses_hs256_signed_with_the_public_key(self):
        pem = self.key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        header = base64url_encode(json.dumps({"alg": "HS256", "kid": KID}).encode())
        payload = base64url_encode(json.dumps(jwt.decode(self.token(), options={"verify_signature": False})).encode())
        signature = base64url_encode(hmac.new(pem, header + b"." + payload, hashlib.sha256).digest())
        with self.assertRaises(SignInRefused):
            self.verify((header + b"." + payload + b"." + signature).decode())

    def test_refuses_an_unsigned_token(self):
        claims = jwt.decode(self.token(), options={"verify_signature": False})
        with self.assertRaises(SignInRefused):
            self.verify(jwt.encode(claims, None, algorithm="none", headers={"kid": KID}))

    def test_says_the_provider_is_unreachable_when_its_keys_cannot_be_fetched(self):
        closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
        port = closed.server_address[1]
        closed.server_close()
        with self.assertRaises(ProviderFailed):
            self.verify(self.token(), jwks=jwt.PyJWKClient(f"http://127.0.0.1:{port}/certs"))

    def test_says_the_provider_is_unreachable_when_its_keys_never_come(self):
        # A JWKS endpoint that takes the connection and never answers: without a time limit
        # the callback's thread waits for good, and enough of them stall every route.
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        self.addCleanup(silent.close)
        with mock.patch.dict(os.environ, {"GOOGLE_JWKS_URL": f"http://127.0.0.1:{silent.getsockname()[1]}/certs",
                                          "JWT_SECRET": "test-secret-of-at-least-32-bytes!!", "GOOGLE_CLIENT_ID": CLIENT_ID}):
            from app.main import create_app

            jwks = create_app().state.google_jwks
        outcome = []

        def verify():
            try:
                self.verify(self.token(), jwks=jwks)
                outcome.append("signed in")
            except Exception as error:
                outcome.append(error)

        with mock.patch("app.google_oauth.JWKS_TIMEOUT_SECONDS", 1, create=True):
            waiting = threading.Thread(target=verify, daemon=True)
            waiting.start()
            waiting.join(timeout=10)
        self.assertFalse(waiting.is_alive(), "still waiting for the signing keys after 10 s")
        self.assertIsInstance(outcome[0], ProviderFailed)


class PendingStatesTest(unittest.TestCase):
    def test_knows_a_started_state_once(self):
        states = PendingStates()
        nonce = states.remember("state-1", CHALLENGE)
        self.assertEqual(states.take("state-1", VERIFIER), nonce)
        self.assertIsNone(states.take("state-1", VERIFIER))

    def test_a_state_started_again_keeps_its_nonce(self):
        # Try again reopens the popup with the same state; the first window may still finish.
        states = PendingStates()
        nonce = states.remember("state-1", CHALLENGE)
        self.assertEqual(states.remember("state-1", CHALLENGE), nonce)
        self.assertEqual(states.take("state-1", VERIFIER), nonce)
        self.assertNotEqual(states.remember("state-1", CHALLENGE), nonce)

    def test_computes_the_s256_code_challenge_of_rfc_7636(self):
        self.assertEqual(code_challenge_of(VERIFIER), CHALLENGE)

    def test_gives_a_state_only_to_the_code_verifier_of_its_challenge(self):
        # The code and state are in the callback page's URL, hence in a host's log: without the verifier they are no good.
        states = PendingStates()
        nonce = states.remember("state-1", CHALLENGE)
        self.assertIsNone(states.take("state-1", ""))
        self.assertIsNone(states.take("state-1", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj"))
        self.assertIsNone(states.take("state-1", CHALLENGE))
        # A wrong verifier does not use the sign-in up: its own callback page may still come.
        self.assertEqual(states.take("state-1", VERIFIER), nonce)

    def test_a_state_started_again_keeps_its_challenge(self):
        # Whoever read a pending state in a log cannot start it again with a challenge of their own.
        states = PendingStates()
        states.remember("state-1", CHALLENGE)
        with self.assertRaises(SignInRefused):
            states.remember("state-1", code_challenge_of("a-verifier-of-someone-else-43-characters-long"))
        self.assertIsNotNone(states.take("state-1", VERIFIER))

    def test_a_flood_of_started_sign_ins_does_not_slow_the_next_one(self):
        # /auth/google/login needs no account: anyone can start sign-ins by the thousand.
        states = PendingStates()

        def remember_a_thousand(first: int) -> float:
            started = time.perf_counter()
            for n in range(first, first + 1000):
                states.remember(f"state-{n}", CHALLENGE)
            return time.perf_counter() - started

        early = remember_a_thousand(0)
        for first in range(1000, 14000, 1000):
            remember_a_thousand(first)
        late = remember_a_thousand(14000)
        self.assertLess(late, max(early, 0.01) * 8, f"the first thousand took {early:.3f} s, the fifteenth {late:.3f} s")

    def test_does_not_know_a_state_nobody_started(self):
        self.assertIsNone(PendingStates().take("never-started", VERIFIER))

    def test_keeps_at_most_its_limit_of_states_forgetting_the_oldest(self):
        states = PendingStates(max_pending=3)
        for n in range(5):
            states.remember(f"state-{n}", CHALLENGE)
        # A flood of logins (anyone may start one) cannot grow the store past its limit.
        self.assertEqual(len(states), 3)
        self.assertIsNone(states.take("state-0", VERIFIER))
        self.assertIsNotNone(states.take("state-4", VERIFIER))

    def test_forgets_a_state_once_its_time_is_up(self):
        states = PendingStates(ttl_seconds=0)
        states.remember("state-1", CHALLENGE)
        self.assertIsNone(states.take("state-1", VERIFIER))


class PkceRouteTest(unittest.TestCase):
    """The routes' half of PKCE: the challenge goes to Google, and no exchange without its verifier."""

    def setUp(self):
        with mock.patch.dict(os.environ, {"JWT_SECRET": "test-secret-of-at-least-32-bytes!!", "GOOGLE_CLIENT_ID": CLIENT_ID}):
            from app.main import create_app

            self.app = create_app()
        from fastapi.testclient import TestClient

        self.client = TestClient(self.app)

    def login(self, **query):
        return self.client.get("/auth/google/login", params={"state": "state-1", **query}, allow_redirects=False)

    def test_login_sends_the_s256_challenge_to_google(self):
        response = self.login(code_challenge=CHALLENGE, code_challenge_method="S256")
        self.assertEqual(response.status_code, 302)
        query = parse_qs(urlsplit(response.headers["location"]).query)
        self.assertEqual((query["code_challenge"], query["code_challenge_method"]), ([CHALLENGE], ["S256"]))

    def test_login_refuses_a_challenge_that_is_not_s256(self):
        self.assertEqual(self.login(code_challenge=CHALLENGE).status_code, 400)
        self.assertEqual(self.login(code_challenge=VERIFIER, code_challenge_method="plain").status_code, 400)
        self.assertEqual(self.login(code_challenge="short", code_challenge_method="S256").status_code, 422)
        self.assertEqual(len(self.app.state.pending_states), 0)

    def test_refuses_an_exchange_without_the_verifier_of_its_challenge_before_asking_google(self):
        self.login(code_challenge=CHALLENGE, code_challenge_method="S256")
        with mock.patch("app.routes_auth.exchange_code") as exchange:
            missing = self.client.post("/auth/google/callback", json={"code": "code-1", "state": "state-1"})
            wrong = self.client.post(
                "/auth/google/callback",
                json={"code": "code-1", "state": "state-1", "code_verifier": "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXj"},
            )
        self.assertEqual((missing.status_code, wrong.status_code), (400, 400))
        exchange.assert_not_called()

    def test_takes_a_sign_in_without_a_challenge_from_a_browser_that_can_keep_no_verifier(self):
        # Storage blocked (cookies off): no verifier to keep, so no challenge; such a sign-in is as before PKCE.
        response = self.login()
        self.assertEqual(response.status_code, 302)
        self.assertNotIn("code_challenge", parse_qs(urlsplit(response.headers["location"]).query))
        # Its state cannot be started again with a challenge of someone else's.
        self.assertEqual(self.login(code_challenge=CHALLENGE, code_challenge_method="S256").status_code, 400)
        with mock.patch("app.google_oauth.httpx.post", side_effect=httpx.ConnectError("down")) as post, self.assertLogs("quiet_session"):
            response = self.client.post("/auth/google/callback", json={"code": "code-1", "state": "state-1"})
        self.assertEqual(response.status_code, 502)  # past the state's check: Google was asked, without a verifier
        self.assertNotIn("code_verifier", post.call_args.kwargs["data"])

    def test_sends_the_verifier_to_googles_token_endpoint(self):
        self.login(code_challenge=CHALLENGE, code_challenge_method="S256")
        with mock.patch("app.google_oauth.httpx.post", side_effect=httpx.ConnectError("down")) as post, self.assertLogs("quiet_session"):
            response = self.client.post("/auth/google/callback", json={"code": "code-1", "state": "state-1", "code_verifier": VERIFIER})
        self.assertEqual(response.status_code, 502)
        self.assertEqual(post.call_args.kwargs["data"]["code_verifier"], VERIFIER)


class ProviderFailedAnswerTest(unittest.TestCase):
    def test_a_provider_failure_answers_502_without_the_backends_internals(self):
        # httpx's message names the URL the backend called; the client gets a plain 502, the log the cause.
        class Failing(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(500)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Failing)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        jwks_url = f"http://127.0.0.1:{server.server_address[1]}/internal/certs"
        with mock.patch.dict(os.environ, {"GOOGLE_JWKS_URL": jwks_url, "JWT_SECRET": "test-secret-of-at-least-32-bytes!!", "GOOGLE_CLIENT_ID": CLIENT_ID}):
            from app.main import create_app

            app = create_app()
        from fastapi.testclient import TestClient

        app.state.pending_states.remember("state-1", CHALLENGE)
        token = jwt.encode({"sub": "1"}, rsa.generate_private_key(public_exponent=65537, key_size=2048), algorithm="RS256", headers={"kid": KID})
        with mock.patch("app.routes_auth.exchange_code", return_value=token), self.assertLogs("quiet_session", level="WARNING") as logs:
            response = TestClient(app).post("/auth/google/callback", json={"code": "code-1", "state": "state-1", "code_verifier": VERIFIER})
            self.assertEqual(response.status_code, 502)
            self.assertNotIn("127.0.0.1", response.text)
            self.assertNotIn("/internal/certs", response.text)
        self.assertIn("/internal/certs", "\n".join(logs.output))


class GoogleAnswerTest(unittest.TestCase):
    """What Google's token endpoint and keys answer, through the callback route: a failure on Google's side is a 502."""

    def setUp(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        jwk = {**json.loads(RSAAlgorithm.to_jwk(self.key.public_key())), "kid": KID, "use": "sig", "alg": "RS256"}
        # The token endpoint's None: the ID token of the sign-in under way.
        self.answers = {"/token": None, "/certs": (200, {"keys": [jwk]})}
        answers, test = self.answers, self

        class Google(BaseHTTPRequestHandler):
            def answer(self):
                status, body = answers[self.path] or (200, {"id_token": test.id_token})
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body if isinstance(body, bytes) else json.dumps(body).encode())

            do_GET = do_POST = answer

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Google)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        google = f"http://127.0.0.1:{server.server_address[1]}"
        env = {"GOOGLE_TOKEN_URL": f"{google}/token", "GOOGLE_JWKS_URL": f"{google}/certs", "GOOGLE_ISSUER": ISSUER,
               "JWT_SECRET": "test-secret-of-at-least-32-bytes!!", "GOOGLE_CLIENT_ID": CLIENT_ID}
        with mock.patch.dict(os.environ, env):
            from app.main import create_app

            self.app = create_app()
        from fastapi.testclient import TestClient

        self.client = TestClient(self.app)
        self.good_keys = self.answers["/certs"]

    def sign_in(self):
        """The callback's answer to a sign-in whose ID token Google would make."""
        nonce = self.app.state.pending_states.remember("state-1", CHALLENGE)
        now = int(time.time())
        claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": "1042", "email": "ada@quiet.studio", "email_verified": True,
                  "nonce": nonce, "iat": now, "exp": now + 3600}
        self.id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})
        return self.client.post("/auth/google/callback", json={"code": "code-1", "state": "state-1", "code_verifier": VERIFIER})

    def assertGoogleFailed(self, response):
        self.assertEqual((response.status_code, response.json()),
                         (502, {"detail": "Google could not be reached. Try again.", "code": "provider_unreachable"}))

    def test_signs_in_when_google_answers(self):
        self.assertEqual(self.sign_in().status_code, 200)

    def test_a_code_google_refuses_is_a_refused_sign_in(self):
        self.answers["/token"] = (400, {"error": "invalid_grant"})
        self.assertEqual(self.sign_in().status_code, 400)

    def assertGoogleBusy(self, response):
        # Google answered: "could not be reached" would send the user looking at their network.
        self.assertEqual((response.status_code, response.json()),
                         (502, {"detail": "Google is busy. Try again in a moment.", "code": "provider_busy"}))

    def test_google_limiting_the_rate_of_its_token_endpoint_is_a_502_that_says_it_is_busy(self):
        # Too many requests says nothing of the user's code: trying again later is the way out.
        self.answers["/token"] = (429, {"error": "rate_limit_exceeded"})
        with self.assertLogs("quiet_session", level="WARNING"):
            self.assertGoogleBusy(self.sign_in())

    def test_a_403_that_says_rate_limit_is_busy_not_a_refusal(self):
        # Google's APIs say a rate limit with a 403 too: trying again soon is the way out, not the site's team.
        for body in ({"error": "rate_limit_exceeded"},
                     {"error": {"code": 403, "errors": [{"reason": "userRateLimitExceeded"}]}}):
            with self.subTest(body=body):
                self.answers["/token"] = (403, body)
                with self.assertLogs("quiet_session", level="WARNING"):
                    self.assertGoogleBusy(self.sign_in())
        self.app.state.google_jwks = GoogleKeys(self.app.state.settings.google_jwks_url)
        self.answers["/token"] = None
        self.answers["/certs"] = (403, {"error": {"errors": [{"reason": "rateLimitExceeded"}]}})
        with self.assertLogs("quiet_session", level="WARNING"):
            self.assertGoogleBusy(self.sign_in())

    def test_google_limiting_the_rate_of_its_keys_is_a_502_that_says_it_is_busy(self):
        self.app.state.google_jwks = GoogleKeys(self.app.state.settings.google_jwks_url)
        self.answers["/certs"] = (429, {"error": "rate_limit_exceeded"})
        with self.assertLogs("quiet_session", level="WARNING"):
            self.assertGoogleBusy(self.sign_in())
        self.answers["/certs"] = self.good_keys
        self.assertEqual(self.sign_in().status_code, 200)

    def test_google_failing_on_its_side_still_says_it_could_not_be_reached(self):
        self.answers["/token"] = (500, {"error": "server_error"})
        with self.assertLogs("quiet_session", level="WARNING"):
            self.assertGoogleFailed(self.sign_in())

    def test_google_refusing_our_client_is_a_502_that_says_the_server_is_not_set_up_right(self):
        # GOOGLE_CLIENT_ID/SECRET or the redirect URI wrong: no user can fix it, and trying again changes nothing.
        for answer in ((401, {"error": "invalid_client", "error_description": "Unauthorized"}),
                       (400, {"error": "invalid_client", "error_description": "The OAuth client was not found."}),
                       (400, {"error": "unauthorized_client"}),
                       (400, {"error": "redirect_uri_mismatch", "error_description": "Bad Request"}),
                       # GOOGLE_TOKEN_URL names no token endpoint, one that moved, or one that takes no POST.
                       (404, b"<html>Not Found</html>"),
                       (301, b""),
                       (405, b"<html>Method Not Allowed</html>"),
                       # The project disabled, or a proxy that forbids it: Google is there, and says no.
                       (403, {"error": "access_denied"})):
            with self.subTest(answer=answer):
                self.answers["/token"] = answer
                # An error in the log: the site's operators have something to fix.
                with self.assertLogs("quiet_session", level="ERROR"):
                    response = self.sign_in()
                self.assertEqual((response.status_code, response.json()), (502, {
                    "detail": "Sign-in with Google is not set up right on this server. Trying again will not help.",
                    "code": "server_misconfigured",
                }))

    def test_keys_google_refuses_to_serve_say_the_server_is_not_set_up_right(self):
        # GOOGLE_JWKS_URL wrong (no such page, moved) or forbidden: no retry helps.
        for answer in ((404, b"<html>Not Found</html>"), (301, b""), (403, b"<html>Forbidden</html>")):
            with self.subTest(answer=answer):
                self.app.state.google_jwks = GoogleKeys(self.app.state.settings.google_jwks_url)
                self.answers["/certs"] = answer
                with self.assertLogs("quiet_session", level="ERROR"):
                    response = self.sign_in()
                self.assertEqual(response.json().get("code"), "server_misconfigured")
        self.answers["/certs"] = self.good_keys
        self.app.state.google_jwks = GoogleKeys(self.app.state.settings.google_jwks_url)
        self.assertEqual(self.sign_in().status_code, 200)

    def test_a_400_that_is_not_json_is_still_a_refused_code(self):
        self.answers["/token"] = (400, b"<html>Bad Request</html>")
        self.assertEqual(self.sign_in().status_code, 400)

    def test_keys_google_serves_unreadable_or_unusable_are_a_502_and_not_kept(self):
        jwk = self.good_keys[1]["keys"][0]
        for keys in (b"<html>busy</html>", [], {}, {"keys": []}, {"keys": "x"}, {"keys": [{"kty": "none"}]},
                     {"keys": [{key: value for key, value in jwk.items() if key != "kid"}]}):
            with self.subTest(keys=keys):
                # As the backend starts, or its 5 minutes of keys are up: none kept yet.
                self.app.state.google_jwks = GoogleKeys(self.app.state.settings.google_jwks_url)
                self.answers["/certs"] = (200, keys)
                with self.assertLogs("quiet_session", level="WARNING"):
                    self.assertGoogleFailed(self.sign_in())
                # Once Google serves its keys again, the next sign-in goes through.
                self.answers["/certs"] = self.good_keys
                self.assertEqual(self.sign_in().status_code, 200)


if __name__ == "__main__":
    unittest.main()
