"""Serving stored files from a view that has already checked the reader may see them.

Uploaded files are never served from ``MEDIA_URL``: a view finds the record through the
reader's scoped selector and answers with ``stored_file_response``. It answers a single
``Range: bytes=…`` request with 206 Partial Content, because Safari (and so every browser on
an iPhone, WeChat's included) plays a ``<video>`` only from a server that does, and seeking in
a long video needs it everywhere.
"""

from __future__ import annotations

import re

from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def save_uploads(rows, uploads) -> None:
    """Write each upload into its row's ``file`` (a generated name), all or none: when one
    write fails (a full disk), the files already written are removed again and the
    service answers ``StorageFailed`` instead of a 500."""
    import uuid

    from .errors import StorageFailed

    written = []
    try:
        for row, item in zip(rows, uploads, strict=True):
            row.file.save(f"{uuid.uuid4().hex}{item.extension}", item.upload, save=False)
            written.append(row)
    except OSError:
        for row in written:
            row.file.delete(save=False)
        raise StorageFailed() from None


def _chunks(handle, length: int):
    try:
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def _byte_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """``(start, end)`` inclusive for one satisfiable range; ``False`` for an unsatisfiable
    one; ``None`` when the header is absent or not a single byte range (serve it all)."""
    match = RANGE_RE.match(header.strip()) if header else None
    if match is None or not (match[1] or match[2]):
        return None
    if match[1]:
        start = int(match[1])
        if match[2] and int(match[2]) < start:
            return None  # a backwards range is invalid: ignored, the whole file (RFC 9110)
        end = min(int(match[2]), size - 1) if match[2] else size - 1
    else:  # the last N bytes
        start, end = max(size - int(match[2]), 0), size - 1
    if start >= size or start > end:
        return False
    return start, end


def stored_file_response(
    request, field_file, *, content_type: str, filename: str, inline: bool = True
) -> HttpResponse:
    """The file, whole or the requested byte range, never sniffed by the browser into another
    type, and cached only by the reader's own browser."""
    size = field_file.size
    byte_range = _byte_range(request.headers.get("Range", ""), size)
    if byte_range is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif byte_range is None:
        response = FileResponse(field_file.open("rb"), content_type=content_type)
    else:
        start, end = byte_range
        handle = field_file.open("rb")
        handle.seek(start)
        response = StreamingHttpResponse(
            _chunks(handle, end - start + 1), status=206, content_type=content_type
        )
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=not inline, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
