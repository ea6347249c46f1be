"""The written promises as pages (SAL-11, S2): the list, the form, and the page where the
company reviews a dealer's promise and the dealer reads the decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.forms import add_error_to_form, error_text

from . import permissions, selectors, services
from .forms import PromiseForm
from .models import WrittenPromise

P = WrittenPromise.Status


def _promise(request, promise_id: int) -> WrittenPromise:
    try:
        return selectors.promise_get_for_user(request.user, promise_id=promise_id)
    except NotFound:
        raise Http404 from None


@login_required
def promise_list(request):
    user = request.user
    if not permissions.can_view_promises(user):
        raise Http404
    status = request.GET.get("status", "")
    promises = selectors.promise_list_for_user(user, status=status)
    page = Paginator(promises, 25).get_page(request.GET.get("page"))
    reviewer = permissions.can_review_promises(user)
    return render(
        request,
        "sales/promise_list.html",
        {
            "page": page,
            "status": status,
            "statuses": P.choices,
            "can_write": permissions.can_write_promises(user),
            "waiting": selectors.promise_list_for_user(user, status=P.SUBMITTED).count()
            if reviewer
            else None,
        },
    )


def _values(form: PromiseForm) -> tuple[dict, int | None]:
    data = dict(form.cleaned_data)
    version = data.pop("version", None)
    return data, version


@login_required
def promise_create(request):
    if not permissions.can_write_promises(request.user):
        raise Http404
    form = PromiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data, _version = _values(form)
        try:
            promise = services.promise_create(actor=request.user, **data)
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The promise was saved as a draft."))
            return redirect("sales:promise-detail", promise_id=promise.pk)
    return render(request, "sales/promise_form.html", {"form": form})


@login_required
def promise_edit(request, promise_id: int):
    promise = _promise(request, promise_id)
    if not permissions.can_edit_promise(request.user, promise):
        raise Http404
    initial = {name: getattr(promise, name) for name in services.PROMISE_FIELDS}
    initial["version"] = promise.version
    form = PromiseForm(request.POST or None, initial=initial, current_product_id=promise.product_id)
    if request.method == "POST" and form.is_valid():
        data, version = _values(form)
        try:
            promise = services.promise_update(
                actor=request.user, promise=promise, expected_version=version, **data
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            if promise.status == P.SUBMITTED and promise.dealer_id:
                messages.success(request, _("The promise was saved and waits for review."))
            else:
                messages.success(request, _("The promise was saved."))
            return redirect("sales:promise-detail", promise_id=promise.pk)
    return render(request, "sales/promise_form.html", {"form": form, "promise": promise})


def promise_actions(user, promise: WrittenPromise) -> list[str]:
    """The steps the person may take on the promise now, as the services decide them."""
    actions = []
    if permissions.can_edit_promise(user, promise):
        if promise.dealer_id is None and services.promise_can_move(promise, P.PUBLISHED):
            actions.append("publish")
        elif promise.dealer_id and promise.status in (P.DRAFT, P.REJECTED):
            actions.append("submit")
    if promise.dealer_id and permissions.can_review_promises(user):
        if services.promise_can_move(promise, P.PUBLISHED):
            actions.append("approve")
        if services.promise_can_move(promise, P.REJECTED):
            actions.append("reject")
    return actions


@login_required
def promise_detail(request, promise_id: int):
    promise = _promise(request, promise_id)
    public_url = ""
    if promise.status == P.PUBLISHED and promise.product_id and promise.product.active:
        public_url = reverse("warranty:promises", args=[promise.product.sku])
        if promise.dealer_id:
            public_url += f"?dealer={promise.dealer.code}"
    return render(
        request,
        "sales/promise_detail.html",
        {
            "promise": promise,
            "actions": promise_actions(request.user, promise),
            "can_edit": permissions.can_edit_promise(request.user, promise),
            "public_url": public_url,
        },
    )


@login_required
@require_POST
def promise_action(request, promise_id: int, action: str):
    promise = _promise(request, promise_id)
    user, reason = request.user, request.POST.get("reason", "")
    calls = {
        "submit": lambda: services.promise_submit(actor=user, promise=promise),
        "publish": lambda: services.promise_submit(actor=user, promise=promise),
        "approve": lambda: services.promise_review(
            actor=user, promise=promise, decision="approve", reason=reason
        ),
        "reject": lambda: services.promise_review(
            actor=user, promise=promise, decision="reject", reason=reason
        ),
    }
    if action not in calls:
        raise Http404
    try:
        promise = calls[action]()
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request,
            _("The promise is now %(status)s.") % {"status": promise.get_status_display()},
        )
    return redirect("sales:promise-detail", promise_id=promise.pk)
