"""Use cases for customers and dealers. Pages, API, imports and demo data all use these."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from aftersales.core.errors import InvalidInput, NotFound, PermissionDenied, StaleVersion
from aftersales.core.hooks import call_hook
from aftersales.core.services import full_clean_or_invalid

from .masking import hidden_digit_runs, sees_full_phones
from .models import Customer, CustomerFileEntry, Dealer, DealerMember, PhoneReveal
from .permissions import can_edit_customers, can_merge_customers, dealer_of, is_dealer_user
from .selectors import customer_duplicates
from .validators import normalise_phone

CUSTOMER_FIELDS = [
    "kind",
    "name",
    "mobile",
    "mobile_alt",
    "landline",
    "email",
    "province",
    "city",
    "district",
    "street",
    "tags",
    "level",
    "dealer",
    "credit_code",
    "notes",
]

_merge_hooks: list[Callable[[Customer, Customer], object]] = []


def register_customer_merge_hook(hook: Callable[[Customer, Customer], object]) -> None:
    """``hook(source, target)`` moves an app's records from a merged customer (in the merge's
    transaction). Orders, cases and serial numbers register one each."""
    if hook not in _merge_hooks:
        _merge_hooks.append(hook)


def _clean(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k in CUSTOMER_FIELDS}
    for key in ("mobile", "mobile_alt", "landline"):
        if key in data:
            data[key] = normalise_phone(data[key] or "")
    for key in ("name", "email", "province", "city", "district", "street", "tags", "notes"):
        if key in data and data[key] is not None:
            data[key] = str(data[key]).strip()
    if data.get("credit_code"):
        data["credit_code"] = data["credit_code"].strip().upper()
    return data


def _check(customer: Customer, actor) -> None:
    errors: dict[str, list[str]] = {}
    if not (customer.mobile or customer.landline):
        errors["mobile"] = [_("Give a mobile or a landline so that the customer can be reached.")]
    if customer.kind == Customer.Kind.INDIVIDUAL and customer.credit_code:
        errors["credit_code"] = [_("Only organisations have a credit code.")]
    if is_dealer_user(actor):
        own = dealer_of(actor)
        if own is None or customer.dealer_id != own.pk:
            errors["dealer"] = [_("A dealer can only keep its own customers.")]
    if errors:
        raise InvalidInput(fields=errors)
    full_clean_or_invalid(customer, exclude=["mobile_reversed", "merged_into", "version"])


def customer_build(*, actor, data: dict) -> Customer:
    """A validated, unsaved customer (also used by the import to check every row)."""
    data = _clean(data)
    if is_dealer_user(actor):
        own = dealer_of(actor)
        if data.get("dealer") is not None and data["dealer"] != own:
            raise InvalidInput(fields={"dealer": [_("A dealer can only keep its own customers.")]})
        data["dealer"] = own
    customer = Customer(**data)
    customer.mobile_reversed = customer.mobile[::-1]
    _check(customer, actor)
    return customer


@transaction.atomic
def customer_create(*, actor, data: dict) -> tuple[Customer, list[Customer]]:
    """Create a customer; also return existing customers with the same mobile or credit code
    (flagged, not refused: a family may share a phone; merge them if they are one)."""
    if not can_edit_customers(actor):
        raise PermissionDenied()
    customer = customer_build(actor=actor, data=data)
    customer._history_user = actor
    customer.save()
    duplicates = list(
        customer_duplicates(
            mobile=customer.mobile, credit_code=customer.credit_code, exclude_id=customer.pk
        )
    )
    return customer, duplicates


@transaction.atomic
def customer_update(
    *, actor, customer: Customer, data: dict, expected_version: int | None = None
) -> Customer:
    if not can_edit_customers(actor):
        raise PermissionDenied()
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleVersion()
    old_name = locked.name
    for key, value in _clean(data).items():
        setattr(locked, key, value)
    if is_dealer_user(actor):
        locked.dealer = dealer_of(actor)
    locked.mobile_reversed = locked.mobile[::-1]
    _check(locked, actor)
    locked.version += 1
    locked._history_user = actor
    locked.save()
    if locked.name != old_name:
        # Other apps keep the name in derived data (the cases' search words).
        call_hook("customer_renamed", customer=locked)
    return locked


@transaction.atomic
def customer_file_add(*, actor, customer: Customer, kind: str, content: str) -> CustomerFileEntry:
    if not can_edit_customers(actor):
        raise PermissionDenied()
    if customer.merged_into_id:
        raise InvalidInput(fields={"customer": [_("This customer was merged into another.")]})
    content = (content or "").strip()
    if kind not in CustomerFileEntry.Kind.values:
        raise InvalidInput(fields={"kind": [_("Choose need, feedback or contact.")]})
    if not content:
        raise InvalidInput(fields={"content": [_("Write what the customer needs or said.")]})
    return CustomerFileEntry.objects.create(
        customer=customer, kind=kind, content=content, author=actor
    )


@transaction.atomic
def customer_reveal_phone(*, actor, customer: Customer, field: str = "mobile") -> str:
    """The full number for someone who normally sees it masked; the reveal is recorded."""
    if field not in {"mobile", "mobile_alt", "landline"}:
        raise InvalidInput(fields={"field": [_("Choose mobile, mobile_alt or landline.")]})
    if not sees_full_phones(actor, customer=customer):
        PhoneReveal.objects.create(customer=customer, user=actor, field=field)
    return getattr(customer, field)


SEARCH_REVEAL = "search"


@transaction.atomic
def customer_phone_search_record(
    *,
    actor,
    query: str,
    found: QuerySet,
    phone_fields: Iterable[str],
    customer_field: str = "customer_id",
) -> int:
    """A search is a reveal when a masked reader finds records by digits the mask hides: it
    confirms the number. Each customer whose number (one of ``phone_fields`` of the ``found``
    records) has those digits gets one ``PhoneReveal`` (field ``"search"``); returns how many.

    Called by the selectors that search by phone (customers, cases, work orders), so that
    every page, API answer and export built on them records it."""
    runs = hidden_digit_runs(query)
    if not runs or sees_full_phones(actor):
        return 0
    if getattr(actor, "pk", None) is None:
        # No person to record it against (a partner's API key, which reads its own cases).
        return 0
    matches = Q()
    for run in runs:
        for name in phone_fields:
            matches |= Q(**{f"{name}__contains": run})
    ids = sorted(
        {
            pk
            for pk in found.filter(matches)
            .order_by()
            .values_list(customer_field, flat=True)
            .distinct()
            if pk is not None
        }
    )
    PhoneReveal.objects.bulk_create(
        [PhoneReveal(customer_id=pk, user=actor, field=SEARCH_REVEAL) for pk in ids]
    )
    return len(ids)


@transaction.atomic
def customer_merge(*, actor, source: Customer, target: Customer) -> Customer:
    """Merge ``source`` into ``target``: its records move, it is kept (inactive) for history."""
    if not can_merge_customers(actor):
        raise PermissionDenied()
    if source.pk == target.pk:
        raise InvalidInput(fields={"target": [_("Choose a different customer to merge into.")]})
    source = Customer.objects.select_for_update().get(pk=source.pk)
    target = Customer.objects.select_for_update().get(pk=target.pk)
    if source.merged_into_id or target.merged_into_id:
        raise InvalidInput(fields={"target": [_("A merged customer cannot be merged again.")]})
    if source.dealer_id != target.dealer_id:
        # Merging would hand one dealer's customer data to another dealer.
        raise InvalidInput(fields={"target": [_("Both customers must belong to the same dealer.")]})
    CustomerFileEntry.objects.filter(customer=source).update(customer=target)
    for hook in _merge_hooks:
        hook(source, target)
    fillable = ["mobile", "landline", "email", "street"]
    if target.kind == Customer.Kind.ORGANISATION:
        fillable.append("credit_code")
    for field in fillable:
        if not getattr(target, field) and getattr(source, field):
            setattr(target, field, getattr(source, field))
    if source.mobile and source.mobile != target.mobile and not target.mobile_alt:
        target.mobile_alt = source.mobile
    target.mobile_reversed = target.mobile[::-1]
    _check(target, actor)
    target.version += 1
    target._history_user = actor
    target._change_reason = _("Merged in %(name)s (#%(id)s)") % {
        "name": source.name,
        "id": source.pk,
    }
    target.save()
    source.merged_into, source.active = target, False
    source.version += 1
    source._history_user = actor
    source._change_reason = _("Merged into %(name)s (#%(id)s)") % {
        "name": target.name,
        "id": target.pk,
    }
    source.save()
    return target


@transaction.atomic
def dealer_create(*, actor, code: str, name: str, **fields) -> Dealer:
    from aftersales.accounts.permissions import user_has_role
    from aftersales.accounts.roles import Role

    if actor is not None and not user_has_role(actor, Role.ADMIN, Role.SALES):
        raise PermissionDenied()
    dealer = Dealer(code=code, name=name, **fields)
    full_clean_or_invalid(dealer)
    dealer._history_user = actor
    dealer.save()
    return dealer


@transaction.atomic
def dealer_member_add(*, actor, dealer: Dealer, user) -> DealerMember:
    from aftersales.accounts.permissions import can_manage_users

    if actor is not None and not can_manage_users(actor):
        raise PermissionDenied()
    member, _created = DealerMember.objects.update_or_create(user=user, defaults={"dealer": dealer})
    return member


def customer_for_update(actor, customer_id: int) -> Customer:
    from .selectors import customer_get_for_user

    customer = customer_get_for_user(actor, customer_id=customer_id)
    if customer.merged_into_id:
        raise NotFound()
    return customer
