from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RepairsConfig(AppConfig):
    name = "aftersales.repairs"
    label = "repairs"
    verbose_name = _("Field service and repairs")

    def ready(self) -> None:
        from aftersales.accounts.roles import Role
        from aftersales.core.navigation import NavItem, register_nav
        from aftersales.core.numbering import register_document_kind

        register_document_kind("work_order", prefix="WO", name=_("Work order"))
        register_document_kind("counter_sale", prefix="PS", name=_("Parts sale"))
        register_nav(
            NavItem(
                "repairs",
                _("Field service"),
                "repairs:board",
                icon="tools",
                order=42,
                roles=frozenset(
                    r.value
                    for r in (
                        Role.SERVICE,
                        Role.CUSTOMER_SERVICE,
                        Role.LOGISTICS,
                        Role.ADMIN,
                        Role.DEALER,
                    )
                ),
            )
        )
