"""What every quality page shares: the access check and the sub-navigation."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404

from ..permissions import can_view_quality


def viewer(request) -> None:
    """Quality pages are for company staff; anyone else gets a plain 404 (SEC-1)."""
    if not can_view_quality(request.user):
        raise Http404


def page_of(request, queryset, size: int = 25):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def get_or_404(model, pk, **related):
    queryset = model.objects.all()
    if related.get("select"):
        queryset = queryset.select_related(*related["select"])
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj
