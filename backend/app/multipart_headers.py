"""A part's headers in python-multipart 0.0.5's body parser (Debian 12's): passed at once, and limited.

0.0.5 walks a part's headers byte by byte, and took them as long as the body: 19 MB of one header
value, one header name or short header lines cost 10 to 19 s of CPU, token or not. Here a whole
header line, or what of one a chunk ends in (a name's letters, the spaces after its colon, its
value), is found with one search and told at once, as 0.0.5 tells it; 0.0.5 walks the rest. A
part with headers over 16 KB or with more than 8 of them is refused with a 400 in words, as
python-multipart 0.0.27 and later refuse a part's ninth header or one of over 4 KB, and uvicorn's
h11 and Node refuse request headers over 16 KB. A browser sends two short ones.
"""

import re

import multipart.multipart as _multipart

from .multipart_refused import FormRefused

MAX_BYTES = 16 * 1024
MAX_HEADERS = 8
STATES = frozenset(
    (
        _multipart.STATE_HEADER_FIELD_START,
        _multipart.STATE_HEADER_FIELD,
        _multipart.STATE_HEADER_VALUE_START,
        _multipart.STATE_HEADER_VALUE,
        _multipart.STATE_HEADER_VALUE_ALMOST_DONE,
        _multipart.STATE_HEADERS_ALMOST_DONE,
    )
)
# What 0.0.5 takes for a header line: a name of letters and hyphens, a colon, spaces, a value up to its \r, then \n.
# The value begins past the spaces, or the two would share them: a line cut short was retried at every split.
_LINE = re.compile(rb"([A-Za-z-]+): *((?:[^ \r][^\r]*)?)\r\n")
_NAME = re.compile(rb"[A-Za-z-]*")
_SPACES = re.compile(rb" *")


def on_callback(self, name: str) -> None:
    """Counts a part's headers as 0.0.5 tells them; a new part starts its counts again."""
    if name == "part_begin":
        self._header_bytes = 0
        self._headers = 0
    elif name == "header_end":
        self._headers = getattr(self, "_headers", 0) + 1
        if self._headers > MAX_HEADERS:
            raise FormRefused(f"A part of the form has more than {MAX_HEADERS} headers.")


def pass_headers(self, data, at: int) -> int:
    """Past what of the headers 0.0.5 would walk without a decision, told at once: where it must walk again."""
    state = self.state
    limit = _limit(self, at)
    if state == _multipart.STATE_HEADER_FIELD_START:
        while line := _LINE.match(data, at, limit - 1):
            _count(self, line.end() - at)
            self.callback("header_field", data, line.start(1), line.end(1))
            self.callback("header_value", data, line.start(2), line.end(2))
            self.callback("header_end")
            self._current_size += line.end() - at
            at = line.end()
        if _NAME.match(data, at, limit).end() == at:
            return at
        # A name the chunk cuts, or one whose line is not whole: begun as 0.0.5 begins it.
        self.state = state = _multipart.STATE_HEADER_FIELD
        self.index = 0
        self.marks["header_field"] = 0
    if state == _multipart.STATE_HEADER_FIELD:
        end = _NAME.match(data, at, limit).end()
        # Letters that end in a \r or another byte: 0.0.5 refuses that line, walked in one piece below.
        if data[end : end + 1] not in (b":", b"") and end < limit:
            return at
        told = "header_field"
    elif state == _multipart.STATE_HEADER_VALUE_START:
        end = _SPACES.match(data, at, limit).end()
        told = None
    elif state == _multipart.STATE_HEADER_VALUE:
        end = data.find(b"\r", at, limit)
        end = min(len(data), limit) if end == -1 else end
        told = "header_value"
    else:
        return at
    _count(self, end - at)
    self._current_size += end - at
    if told:
        self.callback(told, data, at, end)
    if state == _multipart.STATE_HEADER_FIELD:
        self.index += end - at
    return end


def walk_end(self, data, at: int) -> int:
    """How far 0.0.5 walks the headers next: a byte, or a name's letters that end its line and the byte after them."""
    name = self.state in (_multipart.STATE_HEADER_FIELD_START, _multipart.STATE_HEADER_FIELD)
    end = (_NAME.match(data, at, _limit(self, at)).end() if name else at) + 1
    _count(self, min(end, len(data)) - at)
    return end


def _limit(self, at: int) -> int:
    """One byte past what is left of the part's headers: what reaches it is refused, searched no further."""
    return at + MAX_BYTES - getattr(self, "_header_bytes", 0) + 1


def _count(self, size: int) -> None:
    self._header_bytes = getattr(self, "_header_bytes", 0) + size
    if self._header_bytes > MAX_BYTES:
        raise FormRefused(f"A part of the form has headers larger than {MAX_BYTES // 1024} KB.")
