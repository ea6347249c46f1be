"""The administrators' page of partners' access: API keys (made here or by the API, shown
once), webhooks, and the recent deliveries with every attempt and a resend button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import add_error_to_form

from . import selectors, services
from .forms import KeyForm, WebhookForm
from .permissions import can_manage_partners

RECENT_DELIVERIES = 50


def _admin_only(request) -> None:
    if not can_manage_partners(request.user):
        raise Http404


def _render(request, *, key_form=None, webhook_form=None, created_key=None, created_hook=None):
    user = request.user
    return render(
        request,
        "partners/home.html",
        {
            "keys": list(selectors.key_list(user)),
            "webhooks": list(selectors.webhook_list(user)),
            "deliveries": list(selectors.delivery_list(user)[:RECENT_DELIVERIES]),
            "key_form": key_form or KeyForm(),
            "webhook_form": webhook_form or WebhookForm(),
            "created_key": created_key,
            "created_hook": created_hook,
        },
    )


@login_required
def home(request):
    _admin_only(request)
    return _render(request)


@login_required
@require_POST
def key_create(request):
    _admin_only(request)
    form = KeyForm(request.POST)
    if form.is_valid():
        try:
            key, raw = services.key_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            # Shown on this answer only: never stored, never put in a message or a cookie.
            return _render(request, created_key={"record": key, "key": raw})
    return _render(request, key_form=form)


@login_required
@require_POST
def key_revoke(request, pk: int):
    _admin_only(request)
    key = selectors.key_get(request.user, key_id=pk)
    if key is None:
        raise Http404
    services.key_revoke(actor=request.user, key=key)
    messages.success(request, _("The API key %(name)s was revoked.") % {"name": key.name})
    return redirect("partners:home")


@login_required
@require_POST
def webhook_create(request):
    _admin_only(request)
    form = WebhookForm(request.POST)
    if form.is_valid():
        try:
            webhook = services.webhook_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            return _render(request, created_hook=webhook)
    return _render(request, webhook_form=form)


@login_required
@require_POST
def webhook_off(request, pk: int):
    _admin_only(request)
    webhook = selectors.webhook_get(request.user, webhook_id=pk)
    if webhook is None:
        raise Http404
    services.webhook_deactivate(actor=request.user, webhook=webhook)
    messages.success(request, _("The webhook %(url)s was switched off.") % {"url": webhook.url})
    return redirect("partners:home")


@login_required
@require_POST
def delivery_resend(request, pk: int):
    _admin_only(request)
    delivery = selectors.delivery_get(request.user, delivery_id=pk)
    if delivery is None:
        raise Http404
    try:
        services.delivery_resend(actor=request.user, delivery=delivery)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The %(event)s event is being sent again.") % {"event": delivery.event}
        )
    return redirect("partners:home")
