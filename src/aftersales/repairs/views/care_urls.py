"""Routes of the care pages: loaners, maintenance plans, and the work order's charges (the
forms of ``repairs/_charges.html``, each redirecting back to the work order)."""

from django.urls import path

from . import care

urlpatterns = [
    path("loaners/", care.loaner_list, name="loaner-list"),
    path("loaners/new/", care.loaner_unit_new, name="loaner-new"),
    path("loaners/<str:code>/issue/", care.loaner_issue, name="loaner-issue"),
    path("loaners/loans/<int:pk>/return/", care.loaner_return, name="loaner-return"),
    path("maintenance/", care.maintenance_list, name="maintenance-list"),
    path("maintenance/new/", care.maintenance_new, name="maintenance-new"),
    path("maintenance/generate/", care.maintenance_generate, name="maintenance-generate"),
    path("work-orders/<str:number>/charges/add/", care.charge_add, name="charges-add"),
    path(
        "work-orders/<str:number>/charges/<int:pk>/remove/",
        care.charge_remove,
        name="charges-remove",
    ),
    path("work-orders/<str:number>/charges/pdf/", care.charge_sheet, name="charges-pdf"),
    path("work-orders/<str:number>/quote/<str:action>/", care.quote_step, name="charges-quote"),
    path("work-orders/<str:number>/cost-split/", care.cost_split_record, name="charges-cost-split"),
]
