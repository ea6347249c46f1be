"""Reading work orders, with who may see what applied in one place."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import WorkOrder
from .permissions import can_dispatch, can_view_work_orders, dealer_scope, is_field_technician


def work_orders_for_user(user) -> QuerySet[WorkOrder]:
    qs = WorkOrder.objects.all()
    if not getattr(user, "is_authenticated", False):
        return WorkOrder.objects.none()
    # Whoever a case is assigned to sees its work orders, whatever their role (the handler
    # follows the visits they asked for, issue 17).
    handled = Q(case__assignee=user)
    if is_field_technician(user):
        return qs.filter(Q(technician=user) | handled)  # their own visits and cases
    if not can_view_work_orders(user):
        return qs.filter(handled)
    dealer = dealer_scope(user)
    if dealer is not None:
        # As the cases are scoped: by the case's dealer; without a case, the customer's.
        return qs.filter(Q(case__dealer=dealer) | Q(case__isnull=True, customer__dealer=dealer))
    return qs


# On-site work waiting for an appointment (the dispatch board's "waiting" column).
TO_SCHEDULE = "to_schedule"
TO_SCHEDULE_Q = Q(status=WorkOrder.Status.NEW) & ~Q(
    kind__in=(WorkOrder.Kind.MAIL_IN, WorkOrder.Kind.REMOTE)
)


def work_order_filter(user, *, status: str = "", kind: str = "", q: str = "") -> QuerySet:
    qs = work_orders_for_user(user)
    if status == "open":
        qs = qs.exclude(status__in=("completed", "returned", "cancelled"))
    elif status == TO_SCHEDULE:
        qs = qs.filter(TO_SCHEDULE_Q)
    elif status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(number__iexact=q)
            | Q(case__number__iexact=q)
            | Q(customer__name__icontains=q)
            | Q(serial__serial=q)
            | Q(contact_phone=q)
        )
        # Found by the contact's number: a reveal for a reader who sees phones masked.
        from aftersales.customers.services import customer_phone_search_record

        customer_phone_search_record(actor=user, query=q, found=qs, phone_fields=["contact_phone"])
    return qs


def work_order_get_for_user(user, number: str) -> WorkOrder | None:
    return (
        work_orders_for_user(user)
        .select_related("customer", "product", "serial", "case", "technician", "created_by")
        .prefetch_related("skills")
        .filter(number=number)
        .first()
    )


def is_dispatcher(user) -> bool:
    return can_dispatch(user)


def case_repair_material(case) -> dict[str, list[str]]:
    """What the technicians found and did on a case's work orders, for an article written
    from it (FB-4): diagnoses, work done, and the parts used (name × quantity)."""
    from .models import ChargeLine

    orders = list(
        WorkOrder.objects.filter(case=case)
        .order_by("created_at")
        .only("pk", "diagnosis", "work_done")
    )
    parts = ChargeLine.objects.filter(
        work_order__in=orders, kind=ChargeLine.Kind.PART
    ).select_related("part")
    return {
        "diagnoses": [o.diagnosis.strip() for o in orders if o.diagnosis.strip()],
        "results": [o.work_done.strip() for o in orders if o.work_done.strip()],
        "parts": list(dict.fromkeys(_part_text(line) for line in parts)),
    }


def _part_text(line) -> str:
    name = line.part.name if line.part_id else line.description
    return f"{name} × {line.quantity.normalize():f}"
