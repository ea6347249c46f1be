from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aftersales.core.errors import ApplicationError, NotFound
from aftersales.core.forms import add_error_to_form
from aftersales.core.models import ExportRecord

from . import selectors, services
from .excel import export_batches, export_products, export_serials
from .forms import ProductForm
from .models import Batch
from .permissions import (
    can_decide_release,
    can_edit_catalog,
    can_request_release,
    can_view_catalog,
)


def _viewer(request) -> None:
    if not can_view_catalog(request.user):
        raise Http404


def _page(request, queryset, size=25):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


@login_required
def product_list(request):
    _viewer(request)
    q, category = request.GET.get("q", "").strip(), request.GET.get("category", "")
    products = selectors.product_list_for_user(request.user, q=q, category=category)
    context = {
        "page": _page(request, products),
        "q": q,
        "category": category,
        "categories": selectors.category_tree(),
        "can_edit": can_edit_catalog(request.user),
        "querystring": request.GET.urlencode(),
    }
    template = (
        "catalog/partials/product_table.html" if request.htmx else "catalog/product_list.html"
    )
    return render(request, template, context)


@login_required
def product_detail(request, product_id: int):
    _viewer(request)
    try:
        product = selectors.product_get_for_user(request.user, product_id=product_id)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "policy": product.category.effective_warranty_policy(),
            "parts": product.parts.all(),
            "batches": product.batches.all()[:20],
            "serials": selectors.serial_list_for_user(request.user, product_id=product.pk)[:20],
            "can_edit": can_edit_catalog(request.user),
        },
    )


@login_required
def product_form(request, product_id: int | None = None):
    if not can_edit_catalog(request.user):
        raise Http404
    product = None
    initial = {"unit": "台", "active": True}
    if product_id:
        try:
            product = selectors.product_get_for_user(request.user, product_id=product_id)
        except NotFound:
            raise Http404 from None
        initial = {f: getattr(product, f) for f in services.PRODUCT_FIELDS}
        initial.update(
            category=product.category_id,
            manufacturer=product.manufacturer_id,
            version=product.version,
        )
    form = ProductForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            if product is None:
                product = services.product_create(actor=request.user, data=data)
            else:
                product = services.product_update(
                    actor=request.user, product=product, data=data, expected_version=version
                )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("Product %(name)s was saved.") % {"name": product})
            return redirect("catalog:product-detail", product_id=product.pk)
    return render(request, "catalog/product_form.html", {"form": form, "product": product})


@login_required
def batch_list(request):
    _viewer(request)
    q, status = request.GET.get("q", "").strip(), request.GET.get("status", "")
    batches = selectors.batch_list_for_user(request.user, q=q, status=status)
    return render(
        request,
        "catalog/batch_list.html",
        {
            "page": _page(request, batches),
            "can_release": can_request_release(request.user),
            "can_decide": can_decide_release(request.user),
            "q": q,
            "status": status,
            "statuses": Batch.QualityStatus.choices,
            "can_edit": can_edit_catalog(request.user),
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
def serial_list(request):
    _viewer(request)
    q = request.GET.get("q", "").strip()
    serials = selectors.serial_list_for_user(request.user, q=q)
    return render(
        request,
        "catalog/serial_list.html",
        {
            "page": _page(request, serials),
            "q": q,
            "can_edit": can_edit_catalog(request.user),
            "querystring": request.GET.urlencode(),
        },
    )


@login_required
def category_list(request):
    _viewer(request)
    return render(request, "catalog/category_list.html", {"tree": selectors.category_tree()})


def _export(request, what: str, response_and_count):
    response, count = response_and_count
    ExportRecord.objects.create(
        user=request.user, what=what, rows=count, filters=request.GET.urlencode()[:300]
    )
    return response


@login_required
def product_export(request):
    _viewer(request)
    products = selectors.product_list_for_user(
        request.user, q=request.GET.get("q", ""), category=request.GET.get("category", "")
    )
    return _export(request, "products", export_products(products))


@login_required
def batch_export(request):
    _viewer(request)
    batches = selectors.batch_list_for_user(
        request.user, q=request.GET.get("q", ""), status=request.GET.get("status", "")
    )
    return _export(request, "batches", export_batches(batches))


@login_required
def serial_export(request):
    _viewer(request)
    serials = selectors.serial_list_for_user(request.user, q=request.GET.get("q", ""))
    return _export(request, "serials", export_serials(serials))
