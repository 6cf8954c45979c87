"""python-multipart 0.0.5's header parser (Debian 12's), made to run in linear time.

Starlette parses a form's `Content-Type` with it, and the `Content-Disposition` of each
part, before the route's dependencies run: with no token at all. Its option regex
backtracks exponentially on a quoted value of backslashes left open (CVE-2024-24762:
`a="` and 50 of them froze the event loop, every request with it, for minutes) and
polynomially on a run of vertical tabs, which `\\s` and a key both take. Here a
backslash is an escape unless that leaves the value open, and a key takes no whitespace;
what they match is unchanged for any header a browser sends. Newer releases parse
headers otherwise: their regex, if any, is left alone.
"""

import re

import multipart.multipart as _multipart

_SPECIAL = re.escape(b'()<>@,;:\\"/[]?={} \t')
_VULNERABLE = br'(?:;|^)\s*([^' + _SPECIAL + br']+)\s*=\s*(' + br'(?:[^' + _SPECIAL + br']+|' + br'"(?:\\.|[^"])*"' + br')' + br')'
# A quoted value left open by its escapes ends, as before, at the last quote: Chromium sends `filename="ring\"` for `ring\`.
_LINEAR = br'(?:;|^)\s*([^' + _SPECIAL + br'\s]+)\s*=\s*(' + br'(?:[^' + _SPECIAL + br']+|' + br'"(?:\\.|[^"\\]|\\(?!.))*"|"(?s:.)*"' + br')' + br')'


def make_linear() -> bool:
    """Swaps the vulnerable regex for the linear one; True when it was there. `parse_options_header` reads it at each call."""
    option_re = getattr(_multipart, "OPTION_RE", None)
    if option_re is None or option_re.pattern != _VULNERABLE:
        return False
    _multipart.OPTION_RE = re.compile(_LINEAR)
    return True
