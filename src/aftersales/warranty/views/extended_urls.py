"""Routes of the extended-warranty pages, under /warranty/extended/."""

from django.urls import path

from . import extended

urlpatterns = [
    path("", extended.extended_register, name="extended-register"),
    path("plans/new/", extended.plan_edit, name="extended-plan-new"),
    path("plans/<slug:code>/", extended.plan_edit, name="extended-plan-edit"),
    path("sell/<str:number>/", extended.extended_sell, name="extended-sell"),
    path("<str:number>/", extended.extended_detail, name="extended-detail"),
    path("<str:number>/cancel/", extended.extended_cancel, name="extended-cancel"),
]
