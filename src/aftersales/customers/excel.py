"""Customers in and out of Excel: the import spec and the scoped, masked export."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aftersales.core.errors import InvalidInput, PermissionDenied
from aftersales.core.excel import Column, Importer, choice, export_response, iterate, text

from .masking import phone_display
from .models import Customer, Dealer
from .permissions import can_edit_customers

KINDS = {"个人": Customer.Kind.INDIVIDUAL, "单位": Customer.Kind.ORGANISATION}
LEVELS = {"普通": Customer.Level.NORMAL, "VIP": Customer.Level.VIP, "重点": Customer.Level.KEY}

COLUMNS = [
    Column("name", _("Full name"), required=True, example="王小明", width=18),
    Column("kind", _("Kind"), choice(KINDS), example="个人", width=8),
    Column("mobile", _("Mobile"), example="13812345678", width=14),
    Column("mobile_alt", _("Second mobile"), width=14),
    Column("landline", _("Landline"), example="021-62345678", width=14),
    Column("email", _("E-mail"), width=20),
    Column("province", _("Province"), example="上海市", width=10),
    Column("city", _("City"), example="上海市", width=10),
    Column("district", _("District"), example="徐汇区", width=10),
    Column("street", _("Street address"), example="漕溪北路 88 号 1201 室", width=28),
    Column("level", _("Customer level"), choice(LEVELS), example="普通", width=8),
    Column("dealer_code", _("Dealer code"), example="", width=12),
    Column("credit_code", _("Credit code"), width=20),
    Column("tags", _("Tags"), example="老客户", width=14),
    Column("notes", _("Notes"), width=24),
]


def _build(actor, values: dict) -> Customer:
    from .services import customer_build

    data = {k: v for k, v in values.items() if k != "dealer_code"}
    for key in ("kind", "level"):
        if not data.get(key):
            data.pop(key, None)
    code = text(values.get("dealer_code"))
    if code:
        dealer = Dealer.objects.filter(code=code).first()
        if dealer is None:
            raise InvalidInput(fields={"dealer_code": [_("No dealer has this code.")]})
        data["dealer"] = dealer
    return customer_build(actor=actor, data=data)


def _save(actor, customers: list[Customer]) -> int:
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(
        customers, Customer, batch_size=2000, default_user=actor, default_change_reason="Excel"
    )
    return len(customers)


def _check(actor) -> None:
    if not can_edit_customers(actor):
        raise PermissionDenied()


IMPORTER = Importer(
    name="customers",
    title=_("Customers"),
    columns=COLUMNS,
    build=_build,
    save=_save,
    check_permission=_check,
    unique_keys=("credit_code",),
    done_url="customers:customer-list",
)

EXPORT_HEADERS = [*(c.header for c in COLUMNS if c.key != "dealer_code"), _("Dealer")]


def export_customers(user, customers):
    """The rows the user may see, phones masked unless their role needs them (SEC-1)."""
    show = phone_display(user)
    kinds = dict(Customer.Kind.choices)
    levels = dict(Customer.Level.choices)

    def rows():
        for c in iterate(customers.select_related("dealer")):
            yield [
                c.name,
                str(kinds[c.kind]),
                show(c.mobile),
                show(c.mobile_alt),
                show(c.landline),
                c.email,
                c.province,
                c.city,
                c.district,
                c.street,
                str(levels[c.level]),
                c.credit_code,
                c.tags,
                c.notes,
                c.dealer.name if c.dealer_id else "",
            ]

    return export_response(
        filename="客户档案.xlsx",
        headers=EXPORT_HEADERS,
        rows=rows(),
        sheet_title=str(_("Customers")),
    )
