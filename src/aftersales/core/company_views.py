"""The company profile page (administrators) and the company's logo (public branding)."""

from __future__ import annotations

import mimetypes

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from .company import company, logo_file_name
from .errors import ApplicationError
from .forms import StyledFormMixin, add_error_to_form
from .models import CompanyProfile
from .permissions import can_manage_company
from .services import COMPANY_TEXT_FIELDS, company_profile_save


class CompanyProfileForm(StyledFormMixin, forms.Form):
    """Input only; what the values may be is the service's to check (field by field)."""

    name = forms.CharField(label=gettext_lazy("Company name"), max_length=100)
    short_name = forms.CharField(
        label=gettext_lazy("Short name (SMS signature)"),
        max_length=12,
        required=False,
        help_text=gettext_lazy(
            "Text messages start with it in brackets, e.g. 【华东电器】; 2 to 12 characters. "
            "Empty: the company name."
        ),
    )
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy(
            "A PNG or JPEG picture of at most 2 MB, printed at the top of every document and "
            "shown on the customers' pages. It is public."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=200, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=40, required=False)
    credit_code = forms.CharField(
        label=gettext_lazy("Unified social credit code"), max_length=18, required=False
    )
    bank_name = forms.CharField(label=gettext_lazy("Bank"), max_length=100, required=False)
    bank_account = forms.CharField(
        label=gettext_lazy("Bank account"), max_length=40, required=False
    )
    public_url = forms.CharField(
        label=gettext_lazy("Public address"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Where customers reach this site, e.g. https://service.example.cn: links in text "
            "messages and the QR codes on printouts start with it. Empty: the server's "
            "setting (%(default)s)."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, default_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_url"].help_text = self.fields["public_url"].help_text % {
            "default": default_url or "—"
        }


def _admin_only(request) -> None:
    # Out-of-scope pages look missing, as in the API (404, not 403).
    if not can_manage_company(request.user):
        raise Http404


@login_required
def company_profile(request):
    """Who the company is: its name and letterhead on every document, the seller on the
    三包 certificate, the SMS signature, the public address; every save kept in its history."""
    from django.conf import settings

    _admin_only(request)
    profile = CompanyProfile.objects.filter(pk=1).first()
    initial = {f: getattr(profile, f) for f in COMPANY_TEXT_FIELDS} if profile else {}
    if profile is None and getattr(settings, "COMPANY_NAME", None):
        initial["name"] = settings.COMPANY_NAME
    initial["version"] = profile.version if profile else 0
    form = CompanyProfileForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        default_url=getattr(settings, "PUBLIC_BASE_URL", ""),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            company_profile_save(
                actor=request.user,
                data={f: data[f] for f in COMPANY_TEXT_FIELDS},
                logo=data["logo"] or None,
                remove_logo=data["remove_logo"],
                expected_version=data["version"],
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The company profile was saved."))
            return redirect("core:company-profile")
    return render(
        request,
        "core/company_profile.html",
        {"form": form, "profile": profile, "logo_url": company().logo_url},
    )


@require_safe
def company_logo(request, name: str):
    """The company's logo, for anyone: it is public branding, printed on every document.
    Its address carries the file's name (made from its content), so it never changes and may
    be cached for a year; an old or made-up name is "not found"."""
    stored = company().logo
    if not stored or logo_file_name(stored) != name:
        raise Http404
    try:
        handle = default_storage.open(stored, "rb")
    except OSError:
        raise Http404 from None
    kind = mimetypes.guess_type(stored)[0] or "application/octet-stream"
    if kind not in ("image/png", "image/jpeg"):
        handle.close()
        raise Http404
    response = FileResponse(handle, content_type=kind)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
