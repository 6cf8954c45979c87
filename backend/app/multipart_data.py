"""python-multipart 0.0.5's body parser (Debian 12's), made to find a part's end with `bytes.find`.

Starlette parses an upload with it before the route checks the token. 0.0.5 walks the part's
data byte by byte wherever a byte could begin the boundary (`\\r`), and hands it on in pieces
as small as one byte, each written to the upload's spooled file on its own: two MB of `\\r`
kept the backend busy for minutes, every other request waiting. It also logged a warning per
byte after the last boundary, and skipped line breaks before the first one byte by byte
(CVE-2024-53981). Here the part's data between boundaries is found with `bytes.find` and goes
on as one piece; 0.0.5 walks only the boundaries and a few bytes of the part headers, which
`multipart_headers.py` passes and limits. What a form parses to is unchanged, but for a header
line without a colon, which 0.0.5 took for the headers' end and later releases refuse: refused
here too, as 0.0.5 then told bytes of the headers as data. That line, any header line 0.0.5
refuses and a body that does not begin with its boundary are a 400 that says so, not FastAPI's
"There was an error parsing the body".
"""

import multipart
import multipart.multipart as _multipart

from . import multipart_headers
from .multipart_refused import FormRefused

_ORIGINAL_WRITE = _multipart.MultipartParser.write
_ORIGINAL_CALLBACK = _multipart.MultipartParser.callback
# As python-multipart 0.0.28 and later: 0.0.5 walks each boundary byte by byte, as long as a request's headers let it be.
MAX_BOUNDARY = 256
BAD_HEADER_LINE = "A part of the form has a header line that is not a name, a colon and a value."
BAD_START = "The form does not begin with its boundary."


def _callback(self, name, data=None, start=None, end=None) -> None:
    """Part data gathered, until another callback or the end of the chunk passes it on; none after the end."""
    if name == "end":
        self._ended = True
    multipart_headers.on_callback(self, name)
    gathering = getattr(self, "_gathering", None)
    if name == "part_data" and getattr(self, "_ended", False):
        # 0.0.5 told some bytes after the last boundary as data, which Starlette wrote to the closed part's file.
        return
    if name == "part_data" and gathering is not None:
        gathering += data[start:end]
        return
    _flush(self)
    _ORIGINAL_CALLBACK(self, name, data, start, end)


def _flush(self) -> None:
    gathered = getattr(self, "_gathering", None)
    if gathered:
        self._gathering = bytearray()
        _ORIGINAL_CALLBACK(self, "part_data", bytes(gathered), 0, len(gathered))


def _write(self, data) -> int:
    """`MultipartParser.write`, walking only what is not part data; line breaks before the start and bytes after the end skipped."""
    total = len(data)
    if len(self.boundary) > len(b"\r\n--") + MAX_BOUNDARY:
        raise FormRefused(f"The form's boundary is longer than {MAX_BOUNDARY} characters.")
    if self.state == _multipart.STATE_START:
        data = data.lstrip(b"\r\n")
    self._gathering = bytearray()
    try:
        at = 0
        while at < len(data) and self.state != _multipart.STATE_END:
            at = _pass_part_data(self, data, at)
            at = multipart_headers.pass_headers(self, data, at)
            end = _walk_end(self, data, at)
            _walk(self, data[at:end])
            _refuse_header_line_without_colon(self, end)
            at = end
        _flush(self)
    finally:
        self._gathering = None
    return total


def _pass_part_data(self, data, at: int) -> int:
    """Where 0.0.5 must walk again: the next boundary, or the chunk's end that may cut one; what comes before is data."""
    if self.state == _multipart.STATE_PART_DATA_START:
        self.state = _multipart.STATE_PART_DATA
    if self.state != _multipart.STATE_PART_DATA or not _pass_unfinished_boundary(self, data, at):
        return at
    boundary = self.boundary
    search = at
    while True:
        hit = data.find(boundary, search)
        if hit == -1:
            hit = max(at, len(data) - len(boundary) + 1)
            break
        after = data[hit + len(boundary) : hit + len(boundary) + 2]
        if len(after) < 2 or after in (b"\r\n", b"--"):
            break
        # Followed by neither \r\n nor --: data to 0.0.5. Only a \r begins a boundary, none within this one.
        search = hit + len(boundary)
    if hit > at:
        self.callback("part_data", data, at, hit)
        self._current_size += hit - at
    # 0.0.5 tells the data it walks from this mark.
    self.marks["part_data"] = 0
    return hit


def _pass_unfinished_boundary(self, data, at: int) -> bool:
    """True when no boundary the last chunk began is left; what of it this chunk does not finish passed on as data."""
    if self.index == 0:
        return True
    begun = bytes(self.lookbehind[: self.index])
    ahead = data[at : at + len(self.boundary) + 2 - self.index]
    if len(begun + ahead) < len(self.boundary) + 2 or begun + ahead in (self.boundary + b"\r\n", self.boundary + b"--"):
        return False
    self.callback("part_data", begun, 0, len(begun))
    self.index = 0
    self.flags &= ~_multipart.FLAG_PART_BOUNDARY
    return True


def _walk_end(self, data, at: int) -> int:
    """How far 0.0.5 walks: to the end of the boundary begun and the two bytes after it, of a header's byte, or of the first line."""
    if self.state in (_multipart.STATE_PART_DATA_START, _multipart.STATE_PART_DATA):
        return at + len(self.boundary) + 2 - self.index
    if self.state in multipart_headers.STATES:
        return multipart_headers.walk_end(self, data, at)
    # The first boundary: 0.0.5 refuses it at the first byte that differs.
    end = data.find(b"\n", at)
    return len(data) if end == -1 else end + 1


def _walk(self, data) -> None:
    """0.0.5's walk, what it refuses refused in words: its own message, which FastAPI hides, names a byte."""
    # Outside a part's headers 0.0.5 refuses only a first boundary; after it, what is not one is data.
    words = BAD_HEADER_LINE if self.state in multipart_headers.STATES else BAD_START
    try:
        _ORIGINAL_WRITE(self, data)
    except FormRefused:
        raise
    except _multipart.MultipartParseError as error:
        raise FormRefused(words) from error


def _refuse_header_line_without_colon(self, offset: int) -> None:
    """0.0.5 ends a part's headers at a line's \\r, colon or not: its data then begins with bytes of that line."""
    if self.state in (_multipart.STATE_HEADERS_ALMOST_DONE, _multipart.STATE_PART_DATA_START) and self.index != 0:
        error = FormRefused(BAD_HEADER_LINE)
        error.offset = offset - 1
        raise error


def make_fast() -> bool:
    """Wraps the parser's `write` and `callback`; True when it was 0.0.5's. Newer releases are left alone."""
    if getattr(multipart, "__version__", None) != "0.0.5" or _multipart.MultipartParser.write is _write:
        return False
    _multipart.MultipartParser.write = _write
    _multipart.MultipartParser.callback = _callback
    return True
