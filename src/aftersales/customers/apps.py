from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "aftersales.customers"
    label = "customers"
    verbose_name = _("Customers and dealers")

    def ready(self) -> None:
        from aftersales.core.excel import register_importer
        from aftersales.core.navigation import NavItem, register_nav

        from .excel import IMPORTER
        from .masking import mask_in_timeline
        from .models import Customer

        register_importer(IMPORTER)
        mask_in_timeline(Customer, "mobile", "mobile_alt", "landline")

        register_nav(
            NavItem(
                "customers",
                _("Customers"),
                "customers:customer-list",
                icon="person-vcard",
                order=100,
            )
        )
        from aftersales.core.search import register_search_provider

        from . import global_search

        register_search_provider(
            "customers",
            _("Customers"),
            global_search.customers,
            more_url=global_search.customers_more,
            order=30,
        )
