"""Routes of the parts pages (under /repairs/parts/). The fixed words come before
``<part_no>/`` so a part can never shadow them."""

from django.urls import path

from . import parts

urlpatterns = [
    path("", parts.parts_list, name="parts-list"),
    path("new/", parts.part_new, name="part-new"),
    path("alerts/", parts.parts_alerts, name="parts-alerts"),
    path("counter-sale/", parts.counter_sale_new, name="counter-sale-new"),
    path("sales/<str:number>/", parts.counter_sale_detail, name="counter-sale-detail"),
    path("<str:part_no>/", parts.part_detail, name="part-detail"),
    path("<str:part_no>/edit/", parts.part_edit, name="part-edit"),
    path("<str:part_no>/receive/", parts.part_receive, name="part-receive"),
    path("<str:part_no>/transfer/", parts.part_transfer, name="part-transfer"),
    path("<str:part_no>/adjust/", parts.part_adjust, name="part-adjust"),
]
