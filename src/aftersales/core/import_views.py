"""The import pages every register shares: template, upload, preview, apply."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .errors import ApplicationError
from .excel import get_importer, run_import, template_response

PREVIEW_ROWS = 50


def _importer_for(request, name: str):
    importer = get_importer(name)
    if importer is None:
        raise Http404
    try:
        importer.check_permission(request.user)
    except ApplicationError:
        raise Http404 from None
    return importer


def _upload_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _upload_path(user, token: str) -> Path:
    if not token.isalnum():
        raise Http404
    return _upload_dir() / f"{user.pk}-{token}.xlsx"


@login_required
def import_start(request, name: str):
    importer = _importer_for(request, name)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose an .xlsx file to import."))
            return redirect("core:import", name=name)
        token = uuid.uuid4().hex
        path = _upload_path(request.user, token)
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        with path.open("rb") as handle:
            result = run_import(importer, request.user, handle, apply=False)
        if not result.ok:
            path.unlink(missing_ok=True)
        return render(
            request,
            "core/import_preview.html",
            {
                "importer": importer,
                "result": result,
                "token": token,
                "columns": importer.columns,
                "preview": result.rows[:PREVIEW_ROWS],
                "filename": upload.name,
            },
        )
    return render(request, "core/import_start.html", {"importer": importer})


@login_required
def import_template(request, name: str):
    return template_response(_importer_for(request, name))


@login_required
@require_POST
def import_apply(request, name: str):
    importer = _importer_for(request, name)
    path = _upload_path(request.user, request.POST.get("token", ""))
    if not path.exists():
        messages.error(request, _("The uploaded file has expired. Please upload it again."))
        return redirect("core:import", name=name)
    with path.open("rb") as handle:
        result = run_import(importer, request.user, handle, apply=True)
    path.unlink(missing_ok=True)
    if not result.ok:
        return render(
            request,
            "core/import_preview.html",
            {
                "importer": importer,
                "result": result,
                "token": "",
                "columns": importer.columns,
                "preview": result.rows[:PREVIEW_ROWS],
                "filename": "",
            },
        )
    messages.success(request, _("%(n)s rows were imported.") % {"n": result.applied})
    return redirect(importer.done_url or "core:home")
