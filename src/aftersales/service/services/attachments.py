"""Photos, videos and PDFs of a case (SVC-1): what the customer sent at intake or later.

A file is accepted only when its name's extension and its first bytes agree on one of the
allowed types: the browser's declared content type is not trusted, so an executable renamed
``.jpg`` or an HTML page called ``.pdf`` is refused before anything is stored. Size limits come
from the settings ``CASE_ATTACHMENT_MAX_MB`` (photos and PDFs) and ``CASE_VIDEO_MAX_MB``.
Files are stored under a generated name and served only through views that check the reader
may see the case (``selectors.attachment_get_for_user``).
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from aftersales.core.errors import InvalidInput, PermissionDenied, StorageFailed

from ..models import Case, CaseAttachment
from . import intake
from .workflow import can_handle

MAX_ATTACHMENTS_PER_CASE = 20
FIELD = "file"

# The stored content type of each sniffed kind, and the extensions a file of it may carry.
JPEG, PNG, GIF, WEBP = "image/jpeg", "image/png", "image/gif", "image/webp"
MP4, QUICKTIME, PDF = "video/mp4", "video/quicktime", "application/pdf"
EXTENSIONS: dict[str, frozenset[str]] = {
    JPEG: frozenset({".jpg", ".jpeg"}),
    PNG: frozenset({".png"}),
    GIF: frozenset({".gif"}),
    WEBP: frozenset({".webp"}),
    # Phones write either brand into either extension; the container is the same.
    MP4: frozenset({".mp4", ".mov"}),
    QUICKTIME: frozenset({".mov", ".mp4"}),
    PDF: frozenset({".pdf"}),
}
ALLOWED_EXTENSIONS = frozenset().union(*EXTENSIONS.values())
VIDEO_TYPES = frozenset({MP4, QUICKTIME})
# For the file picker: what the browser offers first (the service still checks the bytes).
ACCEPT = ",".join(sorted(ALLOWED_EXTENSIONS))
# Top-level QuickTime atoms an old .mov may start with instead of ``ftyp``.
QUICKTIME_ATOMS = (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot")


def sniff(head: bytes) -> str | None:
    """The content type the first bytes of a file show, among the allowed ones, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp":  # ISO base media: MP4 and QuickTime
        return QUICKTIME if head[8:12] == b"qt  " else MP4
    if head[4:8] in QUICKTIME_ATOMS:
        return QUICKTIME
    return None


def can_attach(user, case: Case) -> bool:
    """Who handles the case, and whoever took it in, may add photos and videos to it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return can_handle(user, case) or (
        case.created_by_id is not None and case.created_by_id == user.pk
    )


def _limit_mb(content_type: str) -> int:
    if content_type in VIDEO_TYPES:
        return settings.CASE_VIDEO_MAX_MB
    return settings.CASE_ATTACHMENT_MAX_MB


def _display_name(upload) -> str:
    """The name the uploader gave, without any folder a browser may send along."""
    name = os.path.basename((getattr(upload, "name", "") or "").replace("\\", "/")).strip()
    return name[-200:] or "file"


@dataclass(frozen=True)
class CheckedFile:
    upload: object
    name: str
    extension: str
    content_type: str
    size: int


def attachment_check(upload) -> CheckedFile:
    """Check one uploaded file's type (extension and first bytes) and size. Raises
    ``InvalidInput`` on ``file`` with a message naming the file."""
    if upload is None:
        raise InvalidInput(fields={FIELD: [_("Choose a file to attach.")]})
    name = _display_name(upload)
    extension = os.path.splitext(name)[1].lower()
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if (
        extension not in ALLOWED_EXTENSIONS
        or content_type is None
        or extension not in EXTENSIONS[content_type]
    ):
        raise InvalidInput(
            fields={
                FIELD: [
                    _(
                        "%(name)s cannot be attached: attach a photo (JPG, PNG, GIF, WebP), "
                        "a video (MP4, MOV) or a PDF."
                    )
                    % {"name": name}
                ]
            }
        )
    size = upload.size or 0
    if size <= 0:
        raise InvalidInput(fields={FIELD: [_("%(name)s is empty.") % {"name": name}]})
    limit = _limit_mb(content_type)
    if size > limit * 1024 * 1024:
        message = (
            _("%(name)s is larger than %(limit)s MB, the limit for a video.")
            if content_type in VIDEO_TYPES
            else _("%(name)s is larger than %(limit)s MB, the limit for a photo or PDF.")
        )
        raise InvalidInput(fields={FIELD: [message % {"name": name, "limit": limit}]})
    return CheckedFile(upload, name, extension, content_type, size)


def _check_room(case: Case, adding: int) -> None:
    if case.attachments.count() + adding > MAX_ATTACHMENTS_PER_CASE:
        raise InvalidInput(
            fields={
                FIELD: [
                    _("A case keeps at most %(limit)s attachments.")
                    % {"limit": MAX_ATTACHMENTS_PER_CASE}
                ]
            }
        )


def _write(*, actor, files: list[CheckedFile]) -> list[CaseAttachment]:
    """Put the files in storage, before any transaction: copying a video must not hold the
    database's write lock. Returns their rows, not saved yet; on failure nothing is left."""
    written: list[CaseAttachment] = []
    try:
        for checked in files:
            attachment = CaseAttachment(
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                uploaded_by=actor,
            )
            # A generated name: the uploader's name may carry anything; it is kept apart.
            attachment.file.save(
                f"{uuid.uuid4().hex}{checked.extension}", checked.upload, save=False
            )
            written.append(attachment)
    except OSError:
        _discard(written)
        raise StorageFailed() from None
    except BaseException:
        _discard(written)
        raise
    return written


def _discard(attachments: list[CaseAttachment]) -> None:
    for attachment in attachments:
        attachment.file.delete(save=False)


def _save_rows(case: Case, attachments: list[CaseAttachment]) -> None:
    for attachment in attachments:
        attachment.case = case
        attachment.save()


def case_attach_files(*, actor, case: Case, files: list) -> list[CaseAttachment]:
    """Attach photos, videos or PDFs to a case. Every file is checked before any is stored:
    one bad file refuses them all, and a case keeps at most 20. The files are written first;
    the transaction only adds their rows (and removes the files again if it fails)."""
    if not can_attach(actor, case):
        raise PermissionDenied(_("You may not add files to this case."))
    if not files:
        raise InvalidInput(fields={FIELD: [_("Choose a file to attach.")]})
    checked = [attachment_check(f) for f in files]
    _check_room(case, len(checked))  # refuse early, before copying anything
    written = _write(actor=actor, files=checked)
    try:
        with transaction.atomic():
            # The row lock makes two uploads at once count each other.
            locked = Case.objects.select_for_update().get(pk=case.pk)
            _check_room(locked, len(written))
            _save_rows(locked, written)
    except BaseException:
        _discard(written)
        raise
    return written


def case_attach_file(*, actor, case: Case, file) -> CaseAttachment:
    """Attach one file (the API's upload); no file is the same "choose a file" error."""
    return case_attach_files(actor=actor, case=case, files=[file])[0]


def case_intake_with_files(
    *, actor, data: intake.IntakeInput, idempotency_key: str = "", files: list
) -> tuple[Case, bool]:
    """The desk's intake with the photos and videos the customer sent: the files are checked
    and written first, then the case and their rows are saved together or not at all. A
    retried form (the same key) gets the first case back and attaches nothing twice."""
    checked = [attachment_check(f) for f in files]
    if len(checked) > MAX_ATTACHMENTS_PER_CASE:
        raise InvalidInput(
            fields={
                FIELD: [
                    _("A case keeps at most %(limit)s attachments.")
                    % {"limit": MAX_ATTACHMENTS_PER_CASE}
                ]
            }
        )
    written = _write(actor=actor, files=checked)
    try:
        with transaction.atomic():
            case, created = intake.case_intake(
                actor=actor, data=data, idempotency_key=idempotency_key
            )
            if created:
                _save_rows(case, written)
    except BaseException:
        _discard(written)
        raise
    if not created:
        _discard(written)
    return case, created


def upload_hint() -> str:
    """What may be attached, for the forms' help text."""
    return _(
        "Photos (JPG, PNG, GIF, WebP) and PDFs up to %(image)s MB, videos (MP4, MOV) up to "
        "%(video)s MB; at most %(count)s files per case."
    ) % {
        "image": settings.CASE_ATTACHMENT_MAX_MB,
        "video": settings.CASE_VIDEO_MAX_MB,
        "count": MAX_ATTACHMENTS_PER_CASE,
    }
