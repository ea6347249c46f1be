"""The case page's photos, videos and PDFs (SVC-1): uploading more, and serving each file to
people who may see the case. Files are never served from ``MEDIA_URL``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from aftersales.core.errors import ApplicationError
from aftersales.core.files import stored_file_response
from aftersales.core.forms import error_text

from . import selectors
from .services import attachments


@login_required
@require_POST
def case_attachment_upload(request, number: str):
    case = selectors.case_get_for_user(request.user, number=number)
    if case is None:
        raise Http404
    try:
        stored = attachments.case_attach_files(
            actor=request.user, case=case, files=request.FILES.getlist("file")
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("Attached: %(names)s.") % {"names": "、".join(a.original_name for a in stored)},
        )
    return redirect(f"{case.get_absolute_url()}#attachments")


@login_required
@require_GET
def case_attachment(request, number: str, attachment_id: int):
    """One file of a case, for whoever may see the case; ``?download=1`` saves it."""
    attachment = selectors.attachment_get_for_user(
        request.user, number=number, attachment_id=attachment_id
    )
    if attachment is None:
        raise Http404
    try:
        return serve(request, attachment)
    except FileNotFoundError:  # the row is there but the storage lost the file
        raise Http404 from None


def serve(request, attachment):
    """The stored file under its original name; shown in the browser unless asked to save."""
    return stored_file_response(
        request,
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.original_name,
        inline=request.GET.get("download") != "1",
    )
