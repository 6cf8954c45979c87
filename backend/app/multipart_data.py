"""python-multipart 0.0.5's body parser (Debian 12's), made to pass on a chunk's data at once.

Starlette parses an upload with it before the route checks the token. Wherever a byte could
begin the boundary (`\\r`), 0.0.5 hands the part's data on in pieces as small as one byte,
and Starlette writes each piece to the upload's spooled file on its own: past 1 MB, one
thread hop per byte. Two MB of `\\r` kept the backend busy for two minutes, every other
request waiting seconds. It also logged a warning per byte after the last boundary, and
skipped line breaks before the first one byte by byte (CVE-2024-53981). Here the pieces of
one chunk go on as one, and those line breaks and what follows the end are skipped whole;
what a form parses to is unchanged.
"""

import multipart
import multipart.multipart as _multipart

# The original walks at most this much at a time: after the last boundary, no more of the chunk is walked.
_SLICE = 4096
_ORIGINAL_WRITE = _multipart.MultipartParser.write
_ORIGINAL_CALLBACK = _multipart.MultipartParser.callback


def _callback(self, name, data=None, start=None, end=None) -> None:
    """Part data gathered, until another callback or the end of the chunk passes it on; none after the end."""
    if name == "end":
        self._ended = True
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
    """`MultipartParser.write`, its part data passed on once, line breaks before the start and bytes after the end skipped."""
    total = len(data)
    if self.state == _multipart.STATE_START:
        data = data.lstrip(b"\r\n")
    self._gathering = bytearray()
    try:
        for at in range(0, len(data), _SLICE):
            if self.state == _multipart.STATE_END:
                break
            _ORIGINAL_WRITE(self, data[at : at + _SLICE])
        _flush(self)
    finally:
        self._gathering = None
    return total


def make_fast() -> bool:
    """Wraps the parser's `write` and `callback`; True when it was 0.0.5's. Newer releases are left alone."""
    if getattr(multipart, "__version__", None) != "0.0.5" or _multipart.MultipartParser.write is _write:
        return False
    _multipart.MultipartParser.write = _write
    _multipart.MultipartParser.callback = _callback
    return True
