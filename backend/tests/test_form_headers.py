"""The linear header regex reads every header a browser or a common client sends as the original did.

Run from backend/: /usr/bin/python3 -m unittest discover -s tests -t .
"""

import random
import re
import unittest
from unittest import mock

import multipart.multipart as multipart

from app import form_headers

ORIGINAL = re.compile(form_headers._VULNERABLE)
LINEAR = re.compile(form_headers._LINEAR)

# What Chromium sends for FormData: quotes become %22, CR and LF %0D and %0A, a backslash stays as it is.
CHROMIUM = [
    b"multipart/form-data; boundary=----WebKitFormBoundaryAbC123",
    b"multipart/form-data; boundary=----WebKitFormBoundary7MA4YWxkTrZu0gW",
    b'form-data; name="image"',
    b'form-data; name="image"; filename="ring.png"',
    b'form-data; name="image"; filename=""',
    b'form-data; name="prompt"',
    b'form-data; name="image"; filename="my ring; final=2.png"',
    b'form-data; name="image"; filename="say %22hi%22.png"',
    b'form-data; name="image"; filename="bague \xc3\xa9t\xc3\xa9.png"',
    b'form-data; name="image"; filename="back\\slash.png"',
    b'form-data; name="image"; filename="ring\\"',
    b'form-data; name="ring\\"',
    b'form-data; name="ring\\"; filename="ring.png"',
]

# Common clients: curl and urllib3 escape a backslash, RFC 2231/5987 names, spacing and case of hand-written ones.
CLIENTS = [
    b'form-data; name="image"; filename="ring\\\\"',
    b'form-data; name="image"; filename="say \\"hi\\".png"',
    b"form-data; name=\"image\"; filename*=UTF-8''bague%20%C3%A9t%C3%A9.png",
    b"form-data; name=\"image\"; filename=\"bague.png\"; filename*=UTF-8''bague%20%C3%A9t%C3%A9.png",
    b"multipart/form-data; boundary=\"simple boundary\"; charset=utf-8",
    b"Multipart/Form-Data; BOUNDARY=abc ;  CHARSET = UTF-8",
    b"form-data;\tname\t=\t\"image\"\t;\tfilename =  \"ring.png\"",
    b'form-data; name=""',
]

TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~"
QUOTED = TOKEN + " ;=,:/?()<>@[]{}\t" + "éü日本💍"
KEYS = ["name", "filename", "boundary", "charset", "Name", "FILENAME", "Boundary", "CharSet"]


def quoted(rng: random.Random, escape: str) -> str:
    """A quoted value as a client writes it: `rfc` escapes quote and backslash, `html` only turns a quote into %22."""
    chars = [rng.choice(QUOTED + '"\\') for _ in range(rng.randrange(0, 12))]
    if escape == "rfc":
        body = "".join("\\" + c if c in '"\\' else c for c in chars)
    else:
        body = "".join("%22" if c == '"' else c for c in chars)
    return '"' + body + '"'


def header(rng: random.Random) -> bytes:
    def space() -> str:
        return rng.choice(["", "", " ", "  ", "\t", " \t"])

    escape = rng.choice(["rfc", "html"])
    params = []
    for _ in range(rng.randrange(1, 4)):
        kind = rng.randrange(3)
        if kind == 0:
            value = "".join(rng.choice(TOKEN) for _ in range(rng.randrange(1, 40)))
        elif kind == 1:
            value = quoted(rng, escape)
        else:
            value = "UTF-8''" + "".join(rng.choice(["%C3%A9", "%20", "a", "Z", "9", "-", "%22"]) for _ in range(rng.randrange(1, 10)))
            params.append(space() + "filename*" + space() + "=" + space() + value)
            continue
        params.append(space() + rng.choice(KEYS) + space() + "=" + space() + value)
    kind = rng.choice(["form-data", "multipart/form-data", "Multipart/Form-Data", "attachment"])
    return (kind + ";" + ";".join(params) + space()).encode()


def parse(option_re: re.Pattern, value: bytes) -> tuple:
    with mock.patch.object(multipart, "OPTION_RE", option_re):
        return multipart.parse_options_header(value)


class LinearHeaderRegexTest(unittest.TestCase):
    def assert_same(self, value: bytes) -> None:
        self.assertEqual(parse(LINEAR, value), parse(ORIGINAL, value), value)

    def test_reads_what_chromium_sends_as_before(self):
        for value in CHROMIUM:
            with self.subTest(value=value):
                self.assert_same(value)

    def test_reads_what_common_clients_send_as_before(self):
        for value in CLIENTS:
            with self.subTest(value=value):
                self.assert_same(value)

    def test_reads_generated_valid_headers_as_before(self):
        rng = random.Random(24762)
        for _ in range(3000):
            self.assert_same(header(rng))

    def test_a_file_whose_name_ends_in_a_backslash_keeps_it(self):
        self.assertEqual(parse(LINEAR, b'form-data; name="image"; filename="ring\\"'), (b"form-data", {b"name": b"image", b"filename": b"ring\\"}))


if __name__ == "__main__":
    unittest.main()
