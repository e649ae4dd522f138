"""Limits on what a request may upload, applied by the framework before any
view reads it (this module imports no app).

- ``RequestSizeLimit`` (middleware) answers 413 to a request whose declared
  Content-Length exceeds ``settings.MAX_REQUEST_BYTES``, without reading it.
- ``FileSizeLimit`` (first of ``FILE_UPLOAD_HANDLERS``) counts each uploaded
  file's bytes as they stream in and, past ``settings.MAX_UPLOAD_FILE_BYTES``,
  passes no more of them on: the view then receives an ``OversizedUpload``
  (no content, the size seen, the limit) and refuses it with its usual
  message. A file is never held whole, in memory or on disk, beyond the limit.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

MB = 1024 * 1024


class RequestSizeLimit:
    """413 for a request declaring a body over ``MAX_REQUEST_BYTES``. The
    proxy in front (nginx ``client_max_body_size``) should refuse it first;
    this is the same limit for a server reached without it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0  # Django reads such a body as empty
        limit = settings.MAX_REQUEST_BYTES
        if declared > limit:
            message = _("提交的内容太大（超过 %(mb)s MB），请减少照片数量或缩小照片后重试。") % {
                "mb": f"{limit / MB:g}"
            }
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class OversizedUpload(UploadedFile):
    """A file that was stopped at ``limit`` while it streamed in: it holds no
    content, ``size`` is the bytes received."""

    def __init__(self, *, name: str, content_type: str | None, size: int, limit: int):
        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)
        self.limit = limit


class FileSizeLimit(FileUploadHandler):
    """Put first in ``FILE_UPLOAD_HANDLERS``: the handlers after it (memory,
    temporary file) receive a file's chunks only up to the limit."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.limit = settings.MAX_UPLOAD_FILE_BYTES
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        return raw_data if self.received <= self.limit else None  # None: the chunk goes no further

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.received <= self.limit:
            return None  # the next handler returns the file
        return OversizedUpload(
            name=self.file_name, content_type=self.content_type, size=self.received, limit=self.limit
        )
