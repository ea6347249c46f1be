"""Routes of the certificate pages, and the public promises page."""

from django.urls import path

from . import cards

urlpatterns = [
    path("cards/", cards.card_list, name="card-list"),
    path("cards/new/", cards.card_new, name="card-new"),
    path("cards/<str:number>/", cards.card_detail, name="card-detail"),
    path("cards/<str:number>/pdf/", cards.card_pdf_view, name="card-pdf"),
    path("promises/<str:sku>/", cards.promises, name="promises"),
]
