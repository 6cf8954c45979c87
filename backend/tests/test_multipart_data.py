"""An upload's body is parsed before its route checks the token: a crafted one must not keep the backend busy.

Run from backend/: /usr/bin/python3 -m unittest discover -s tests -t .
"""

import logging
import os
import random
import unittest
from unittest import mock

import multipart.multipart as _multipart
from fastapi.testclient import TestClient

from app import multipart_data

from .upload_process import answer_within, detail_within

FORM = "multipart/form-data; boundary=b"
HEAD = b'--b\r\nContent-Disposition: form-data; name="file"; filename="ring.png"\r\nContent-Type: image/png\r\n\r\n'
DISPOSITION = b'Content-Disposition: form-data; name="file"; filename="ring.png"\r\n'
TOO_LARGE = (400, "A part of the form has headers larger than 16 KB.")


class CraftedUploadTest(unittest.TestCase):
    def test_a_file_of_carriage_returns_is_answered_at_once(self):
        # Each \r was handed on alone, and written alone to the spooled file: minutes for a few MB.
        self.assertEqual(answer_within(20, HEAD + b"\r" * (3 * 1024 * 1024) + b"\r\n--b--\r\n", FORM), (401, 0))

    def test_what_follows_the_last_boundary_is_skipped_at_once_and_not_logged_byte_by_byte(self):
        # CVE-2024-53981: a warning per byte after the end, a log line each.
        answer = answer_within(20, HEAD + b"x\r\n--b--\r\n" + b"x" * (3 * 1024 * 1024), FORM)
        self.assertIsNotNone(answer)
        self.assertEqual(answer[0], 401)
        self.assertLess(answer[1], 10_000)

    def test_an_upload_near_its_size_limit_of_carriage_returns_is_answered_in_seconds(self):
        # Each \r was still walked byte by byte: half a minute of CPU for 19 MB, however it ends.
        run = b"\r" * (19 * 1024 * 1024)
        for body in (HEAD + run + b"\r\n--b--\r\n", HEAD + b"x\r\n--b" + run, HEAD + b"x\r\n--b-" + run):
            with self.subTest(ending=body[-12:]):
                self.assertEqual(answer_within(8, body, FORM), (401, 0))

    def test_an_upload_of_near_boundaries_is_answered_in_seconds(self):
        # A boundary followed by neither \r\n nor --: part data, which only the walk byte by byte told apart.
        body = HEAD + b"\r\n--b\rx\r\n--b-x\r\n--bx" * (900 * 1024) + b"\r\n--b--\r\n"
        self.assertEqual(answer_within(8, body, FORM), (401, 0))

    def test_an_upload_of_many_parts_with_a_long_boundary_is_refused_at_once(self):
        # 0.0.5 walks each boundary byte by byte: 15 KB ones (a request's headers may be 16 KB) cost seconds a body.
        boundary = b"q" * 15_000
        part = b"--" + boundary + b'\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n'
        body = part * 999 + b"--" + boundary + b"--\r\n"
        refused = (400, "The form's boundary is longer than 256 characters.")
        self.assertEqual(detail_within(8, body, "multipart/form-data; boundary=" + boundary.decode()), refused)

    def test_a_boundary_of_256_characters_is_taken_and_one_of_257_refused(self):
        for length, answer in ((256, (401, "Not authenticated")), (257, (400, "The form's boundary is longer than 256 characters."))):
            boundary = b"q" * length
            body = b"--" + boundary + b'\r\nContent-Disposition: form-data; name="f"\r\n\r\nx\r\n--' + boundary + b"--\r\n"
            with self.subTest(length=length):
                self.assertEqual(detail_within(10, body, "multipart/form-data; boundary=" + boundary.decode()), answer)


class CraftedPartHeadersTest(unittest.TestCase):
    """0.0.5 walked a part's headers byte by byte, however long: 10 to 19 s of CPU for 19 MB, token or not."""

    def test_a_huge_header_value_is_refused_at_once(self):
        body = b"--b\r\n" + DISPOSITION + b"X-Note: " + b"x" * (19 * 1024 * 1024) + b"\r\n\r\nx\r\n--b--\r\n"
        self.assertEqual(detail_within(8, body, FORM), TOO_LARGE)

    def test_a_huge_header_name_is_refused_at_once(self):
        body = b"--b\r\n" + DISPOSITION + b"X" * (19 * 1024 * 1024) + b": x\r\n\r\nx\r\n--b--\r\n"
        self.assertEqual(detail_within(8, body, FORM), TOO_LARGE)

    def test_headers_after_the_colon_of_spaces_are_refused_at_once(self):
        body = b"--b\r\n" + DISPOSITION + b"X-Note:" + b" " * (19 * 1024 * 1024) + b"x\r\n\r\nx\r\n--b--\r\n"
        self.assertEqual(detail_within(8, body, FORM), TOO_LARGE)

    def test_many_short_header_lines_are_refused_at_once(self):
        body = b"--b\r\n" + DISPOSITION + b"a:b\r\n" * (19 * 1024 * 1024 // 5) + b"\r\nx\r\n--b--\r\n"
        self.assertEqual(detail_within(8, body, FORM), (400, "A part of the form has more than 8 headers."))

    def test_a_part_with_headers_of_16_kb_is_taken(self):
        note = b"X-Note: " + b"x" * (16 * 1024 - len(DISPOSITION) - 12) + b"\r\n"
        head = b"--b\r\n" + DISPOSITION + note + b"\r\n"
        self.assertEqual(len(head) - len(b"--b\r\n"), 16 * 1024)
        self.assertEqual(answer_within(10, head + b"x\r\n--b--\r\n", FORM), (401, 0))
        self.assertEqual(detail_within(10, head.replace(b"X-Note: ", b"X-Note:  ") + b"x\r\n--b--\r\n", FORM), TOO_LARGE)

    def test_many_parts_with_headers_near_their_limit_are_not_walked_byte_by_byte(self):
        # Under the limits, 16 KB a part, 18 MB of headers still cost 0.0.5 seconds of CPU: a walk of a few bytes a part.
        notes = (b"X-Note: " + b"x" * 2250 + b"\r\n") * 7
        part = b"--b\r\n" + DISPOSITION.replace(b'; filename="ring.png"', b"") + notes + b"\r\nx\r\n"
        body = part * 999 + (b"--b\r\n" + DISPOSITION + notes + b"\r\nx\r\n") * 200 + b"--b--\r\n"
        self.assertGreater(len(body), 18 * 1024 * 1024)
        walked = 0

        def counted(parser, data):
            nonlocal walked
            walked += len(data)
            return original_write(parser, data)

        original_write = multipart_data._ORIGINAL_WRITE
        env = {"APP_ORIGIN": "http://app.example", "JWT_SECRET": "test-secret-of-at-least-32-bytes!!", "GOOGLE_CLIENT_ID": "client-123"}
        with mock.patch.dict(os.environ, env), mock.patch.object(multipart_data, "_ORIGINAL_WRITE", counted):
            from app.main import create_app

            answer = TestClient(create_app()).post("/api/images/validate", content=body, headers={"content-type": FORM})
        self.assertEqual(answer.status_code, 401)
        self.assertLess(walked, len(body) // 256)

class MalformedFormTest(unittest.TestCase):
    def test_a_form_that_does_not_begin_with_its_boundary_is_refused_in_words(self):
        refused = (400, "The form does not begin with its boundary.")
        for body, content_type in ((b"--x\r\n" + DISPOSITION + b"\r\nx\r\n--x--\r\n", FORM), (b"--b--\r\n", FORM), (b"--bx\r\n", FORM),
                                   (b"x", FORM), (HEAD + b"x\r\n--b--\r\n", 'multipart/form-data; boundary=""')):
            with self.subTest(body=body[:8], content_type=content_type):
                self.assertEqual(detail_within(10, body, content_type), refused)

    def test_a_part_header_line_that_is_not_a_name_a_colon_and_a_value_is_refused_in_words(self):
        # Not "There was an error parsing the body": the client is told what of its form is wrong.
        refused = (400, "A part of the form has a header line that is not a name, a colon and a value.")
        for line in (b"Junk\r\n", b'Content-Disposition form-data; name="file"\r\n', b"Content Type: image/png\r\n", b": x\r\n", b"X-Note: v\rx\r\n"):
            with self.subTest(line=line):
                self.assertEqual(detail_within(10, b"--b\r\n" + line + DISPOSITION + b"\r\nx\r\n--b--\r\n", FORM), refused)


class Original(_multipart.MultipartParser):
    """The parser as 0.0.5 has it, to compare with."""

    write = multipart_data._ORIGINAL_WRITE
    callback = multipart_data._ORIGINAL_CALLBACK


def events(parser_class, body: bytes, chunks):
    """What the parser tells of `body` fed in `chunks`, consecutive pieces of the same data joined."""
    told = []

    def data(name):
        def on(buffer, start, end):
            piece = bytes(buffer[start:end])
            if told and told[-1][0] == name:
                told[-1] = (name, told[-1][1] + piece)
            else:
                told.append((name, piece))

        return on

    def note(name):
        return lambda: told.append((name, b""))

    callbacks = {f"on_{name}": data(name) for name in ("part_data", "header_field", "header_value")}
    callbacks.update({f"on_{name}": note(name) for name in ("part_begin", "part_end", "header_end", "headers_finished", "end")})
    parser = parser_class(b"b", callbacks)
    at = 0
    try:
        for size in chunks:
            parser.write(body[at : at + size])
            at += size
        parser.write(body[at:])
    except _multipart.MultipartParseError as error:
        told.append(("error", b""))  # its offset is within the chunk: not compared
    return told


def has_header_line_without_colon(body: bytes) -> bool:
    """Whether 0.0.5 ends a part's headers at a line with no colon: walked a byte at a time, its state says."""
    parser = Original(b"b", {})
    for at in range(len(body)):
        try:
            parser.write(body[at : at + 1])
        except _multipart.MultipartParseError:
            return False
        if parser.state == _multipart.STATE_HEADERS_ALMOST_DONE and parser.index != 0:
            return True
    return False


def most_headers_of_a_part(told) -> int:
    """The most headers 0.0.5 told of one part."""
    counts = [0]
    for name, _ in told:
        counts[-1] += name == "header_end"
        if name == "part_begin":
            counts.append(0)
    return max(counts)


def until_end(told):
    return told[: told.index(("end", b"")) + 1] if ("end", b"") in told else told


class SameFormTest(unittest.TestCase):
    """Faster, not different: bodies heavy in what a boundary is made of parse as 0.0.5 parses them."""

    def setUp(self):
        multipart_data.make_fast()
        # 0.0.5 warns of each byte after the end: not this test's subject.
        logging.getLogger("multipart").setLevel(logging.ERROR)
        self.addCleanup(logging.getLogger("multipart").setLevel, logging.NOTSET)

    def test_bodies_parse_to_the_same_parts_however_they_are_cut(self):
        pieces = [b"\r", b"\n", b"-", b"b", b"x", b"\r\n--", b"\r\n--b", b"\r\n--b-", b"\r\n--bx", b"\r\n\r\n"]
        rng = random.Random(7)
        for _ in range(400):
            parts = []
            for n in range(rng.randint(0, 3)):
                data = b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
                parts.append(b'--b\r\nContent-Disposition: form-data; name="f%d"\r\n\r\n' % n + data + b"\r\n")
            body = rng.choice([b"", b"\r\n", b"\r\n\r\n"]) + b"".join(parts) + b"--b--\r\n" + rng.choice([b"", b"\r\n", b"xyz", b"--b\r\n"])
            if rng.random() < 0.1:
                body = body[: rng.randint(0, len(body))]
            chunks = [rng.randint(1, 9) for _ in range(rng.randint(0, len(body)))]
            for cut in (chunks, [rng.randint(1, len(body) + 1)], []):
                with self.subTest(body=body, chunks=cut):
                    self.assert_parsed_as_by_0_0_5(body, cut)

    def test_part_headers_parse_the_same_however_they_are_cut(self):
        pieces = [b"a", b"Z", b"-", b":", b" ", b"  ", b"\r", b"\n", b"\r\n", b"x=1;", b"1", b"\t", b"\xff"]
        rng = random.Random(11)
        for _ in range(400):
            parts = []
            for n in range(rng.randint(1, 3)):
                lines = b"".join(b"".join(rng.choice(pieces) for _ in range(rng.randint(0, 6))) + b"\r\n" for _ in range(rng.randint(0, 4)))
                parts.append(b"--b\r\n" + lines + b'Content-Disposition: form-data; name="f%d"\r\n\r\nx\r\n' % n)
            body = b"".join(parts) + b"--b--\r\n"
            chunks = [rng.randint(1, 9) for _ in range(rng.randint(0, len(body)))]
            for cut in (chunks, [rng.randint(1, len(body) + 1)], []):
                with self.subTest(body=body, chunks=cut):
                    self.assert_parsed_as_by_0_0_5(body, cut)

    def test_long_header_names_spaces_and_values_parse_the_same(self):
        lines = [b"X" * 5000 + b": v\r\n", b"X-Note:" + b" " * 5000 + b"v\r\n", b"X-Note: " + b"v \n" * 1700 + b"\r\n", b"X-Note: " + b" " * 3000 + b"\r\n",
                 b"X" * 4000 + b"1: v\r\n", b"X: " + b"v" * 4000 + b"\rv\r\n", (b"X-Note: " + b"v" * 1800 + b"\r\n") * 7]
        for line in lines:
            body = b"--b\r\n" + line + b'Content-Disposition: form-data; name="f"\r\n\r\nx\r\n--b--\r\n'
            for cut in ([], [7], [4096] * 4, [1] * 40, [len(body) - 3], [2500, 1], [1] * len(body)):
                with self.subTest(line=line[:12], chunks=cut[:2]):
                    self.assert_parsed_as_by_0_0_5(body, cut)

    def test_part_headers_past_their_limits_are_refused_however_they_are_cut(self):
        fits = b"X-Note: " + b"v" * (16 * 1024 - 54) + b"\r\n"
        for headers in (fits + b"x\r\n", fits.replace(b"X-Note:", b"X-Note: "), b"X-Note: v\r\n" * 9, b"X" * 17000, b" " * 17000):
            body = b"--b\r\n" + headers + b'Content-Disposition: form-data; name="f"\r\n\r\nx\r\n--b--\r\n'
            for cut in ([], [4096] * 5, [1] * 20, [16 * 1024, 1], [1] * len(body)):
                with self.subTest(headers=headers[:12], chunks=cut[:2]):
                    told = events(_multipart.MultipartParser, body, cut)
                    self.assertEqual(told[-1], ("error", b""))
                    self.assertNotIn(("headers_finished", b""), told)
        body = b"--b\r\n" + fits + b'Content-Disposition: form-data; name="f"\r\n\r\nx\r\n--b--\r\n'
        self.assertEqual(len(body) - len(b"--b\r\n") - len(b"x\r\n--b--\r\n"), 16 * 1024)
        self.assert_parsed_as_by_0_0_5(body, [1] * len(body))

    def assert_parsed_as_by_0_0_5(self, body: bytes, cut) -> None:
        told = events(_multipart.MultipartParser, body, cut)
        original = until_end(events(Original, body, cut))
        if has_header_line_without_colon(body) or most_headers_of_a_part(original) > 8:
            # 0.0.5 told bytes of that line as data, as many as the chunks' cuts made: refused, as later releases do.
            self.assertEqual(told[-1], ("error", b""))
            self.assertEqual(told[:-1], original[: len(told) - 1])
            return
        # Nothing after the end: 0.0.5, cut finely, told some of what follows as the last part's data.
        self.assertEqual(told, original)
        self.assertEqual(told, until_end(told))

    def test_long_runs_of_what_a_boundary_is_made_of_parse_the_same(self):
        head = b'--b\r\nContent-Disposition: form-data; name="f"\r\n\r\n'
        runs = [b"\r" * 5000, b"\r\n--b\r" * 900, b"\r\n--b-x" * 900, b"\r\n--" * 1200, b"x" * 5000]
        endings = [b"\r\n--b--\r\n", b"\r\n--b\r\n\r\n" + b"\r" * 5000 + b"\r\n--b--", b"\r\n--b" + b"\r" * 5000, b""]
        for run in runs:
            for ending in endings:
                body = head + run + ending
                for cut in ([], [len(head) + 7], [4096] * 4, [1] * 40, [len(body) - 3], [len(head) + len(run) + 1]):
                    with self.subTest(run=run[:8], ending=ending[:12], chunks=cut[:2]):
                        self.assertEqual(events(_multipart.MultipartParser, body, cut), until_end(events(Original, body, cut)))

    def test_newer_releases_and_a_second_call_are_left_alone(self):
        self.assertFalse(multipart_data.make_fast())


if __name__ == "__main__":
    unittest.main()
