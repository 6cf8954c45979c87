"""An upload's body is parsed before its route checks the token: a crafted one must not keep the backend busy.

Run from backend/: /usr/bin/python3 -m unittest discover -s tests -t .
"""

import logging
import random
import unittest

import multipart.multipart as _multipart

from app import multipart_data

from .upload_process import answer_within

FORM = "multipart/form-data; boundary=b"
HEAD = b'--b\r\nContent-Disposition: form-data; name="file"; filename="ring.png"\r\nContent-Type: image/png\r\n\r\n'


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
            for cut in (chunks, []):
                with self.subTest(body=body, chunks=cut):
                    told = events(_multipart.MultipartParser, body, cut)
                    # Nothing after the end: 0.0.5, cut finely, told some of what follows as the last part's data.
                    self.assertEqual(told, until_end(events(Original, body, cut)))
                    self.assertEqual(told, until_end(told))

    def test_newer_releases_and_a_second_call_are_left_alone(self):
        self.assertFalse(multipart_data.make_fast())


if __name__ == "__main__":
    unittest.main()
