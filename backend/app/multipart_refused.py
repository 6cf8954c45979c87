"""A form python-multipart 0.0.5 (Debian 12's) would spend too long on, refused in words."""

import multipart.multipart as _multipart
from starlette.formparsers import MultiPartException


class FormRefused(_multipart.MultipartParseError, MultiPartException):
    """0.0.5's parse error, and Starlette's form error, whose message it answers as the 400's detail."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
