"""Reads of the catalogue. Dealer users see only serial numbers owned by their customers."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from aftersales.core.errors import NotFound
from aftersales.core.selectors import clean_query
from aftersales.customers.permissions import dealer_of, is_dealer_user

from .models import Batch, Category, Product, SerialNumber
from .permissions import can_view_catalog


def product_list_for_user(
    user, *, q: str = "", category: str = "", active: bool | None = None
) -> QuerySet[Product]:
    if not can_view_catalog(user):
        return Product.objects.none()
    products = Product.objects.select_related("category", "manufacturer")
    q, category = clean_query(q), clean_query(category)
    if q:
        products = products.filter(
            Q(sku__istartswith=q) | Q(name__startswith=q) | Q(model__istartswith=q)
        )
    if category:
        products = products.filter(Q(category__code=category) | Q(category__parent__code=category))
    if active is not None:
        products = products.filter(active=active)
    return products.order_by("sku")


def product_get_for_user(user, *, product_id: int) -> Product:
    product = product_list_for_user(user).filter(pk=product_id).first()
    if product is None:
        raise NotFound()
    return product


def batch_list_for_user(
    user, *, q: str = "", product_id: int | None = None, status: str = ""
) -> QuerySet[Batch]:
    if not can_view_catalog(user):
        return Batch.objects.none()
    batches = Batch.objects.select_related("product")
    q, status = clean_query(q), clean_query(status)
    if q:
        batches = batches.filter(Q(batch_no__istartswith=q) | Q(product__sku__istartswith=q))
    if product_id:
        batches = batches.filter(product_id=product_id)
    if status:
        batches = batches.filter(quality_status=status)
    return batches.order_by("-production_date", "batch_no")


def serial_list_for_user(
    user, *, q: str = "", product_id: int | None = None
) -> QuerySet[SerialNumber]:
    if not can_view_catalog(user):
        return SerialNumber.objects.none()
    serials = SerialNumber.objects.select_related("product", "batch", "owner")
    if is_dealer_user(user):
        own = dealer_of(user)
        if own is None:
            return SerialNumber.objects.none()
        serials = serials.filter(owner__dealer=own)
    q = clean_query(q)
    if q:
        serials = serials.filter(serial__istartswith=q)
    if product_id:
        serials = serials.filter(product_id=product_id)
    return serials.order_by("serial")


def category_tree() -> list[tuple[Category, int]]:
    """Every category with its depth, parents before children, with product counts."""
    categories = list(
        Category.objects.select_related("warranty_policy", "parent")
        .annotate(product_count=Count("products"))
        .order_by("code")
    )
    children: dict[int | None, list[Category]] = {}
    for c in categories:
        children.setdefault(c.parent_id, []).append(c)
    ordered: list[tuple[Category, int]] = []

    def walk(parent_id, depth):
        for c in children.get(parent_id, []):
            ordered.append((c, depth))
            walk(c.pk, depth + 1)

    walk(None, 0)
    return ordered
