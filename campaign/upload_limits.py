"""Upload size limits, enforced while the request body is read, before a file is stored.

A view declares its limit with ``@upload_limit("SETTING_MB")`` (innermost decorator, so the
others copy it). ``UploadLimitHandler``, first in ``FILE_UPLOAD_HANDLERS``, finds the limit
through the resolved view and:

- when the request's Content-Length already says the body is over the limit (plus room for
  the form's other fields), keeps Django's own handlers from ever seeing the file;
- otherwise counts the bytes as they arrive and, once past the limit, stops passing them on
  and closes what Django's handlers stored so far (at most the limit).

Either way the form receives a ``RefusedUpload`` of the size that arrived, with no content,
and says "The file is N MB; at most M MB." The rest of the body is read and dropped: the
proxy in front (README, deployment) should refuse bodies over the largest limit outright.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers

MB = 1024 * 1024
# Room in a multipart body for the boundaries and the form's other fields (CSRF token, a dealer).
FORM_OVERHEAD_BYTES = 1 * MB
V = TypeVar("V", bound=Callable[..., Any])


def upload_limit(setting: str) -> Callable[[V], V]:
    """Mark a view's uploads as limited to ``settings.<setting>`` megabytes."""

    def decorate(view: V) -> V:
        view.upload_limit_setting = setting  # type: ignore[attr-defined]
        return view

    return decorate


def upload_limit_bytes(setting: str) -> int:
    return int(getattr(settings, setting)) * MB


def upload_size_error(upload: UploadedFile, *, setting: str) -> str | None:
    """The message for a file over the limit (refused on the way in, or just too big); None if it fits."""
    limit = upload_limit_bytes(setting)
    if isinstance(upload, RefusedUpload) or (upload.size or 0) > limit:
        return f"The file is {upload.size / MB:,.1f} MB; at most {limit // MB:,} MB."
    return None


class RefusedUpload(UploadedFile):
    """Stands in for a file that was over the limit: its name and size, none of its content."""

    def __init__(self, *, name: str, size: int, content_type: str | None):
        super().__init__(file=io.BytesIO(), name=name, content_type=content_type, size=size)


class UploadLimitHandler(FileUploadHandler):
    def __init__(self, request: Any = None):
        super().__init__(request)
        self.limit: int | None = None
        self.body_length = 0
        self.refused = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None) -> None:
        match = getattr(self.request, "resolver_match", None)
        setting = getattr(match.func, "upload_limit_setting", None) if match else None
        self.limit = upload_limit_bytes(setting) if setting else None
        self.body_length = content_length or 0
        return None  # let the parser read the body

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.refused = False
        if self.limit is not None and self.body_length > self.limit + FORM_OVERHEAD_BYTES:
            # Known too big from the header: Django's handlers never start this file.
            self.refused = True
            raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.refused:
            return None  # counted by the parser, passed to no one
        if self.limit is not None and start + len(raw_data) > self.limit:
            self.refused = True
            self._close_stored()
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.refused:
            return None  # Django's handlers have the file
        self.refused = False
        return RefusedUpload(name=self.file_name or "", size=file_size, content_type=self.content_type)

    def _close_stored(self) -> None:
        # What the later handlers stored before the limit was passed: a temporary file is
        # deleted when closed, an in-memory one dropped.
        for handler in getattr(self.request, "upload_handlers", ()):
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()
