from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "aftersales.catalog"
    label = "catalog"
    verbose_name = _("Products")

    def ready(self) -> None:
        from aftersales.core.excel import register_importer
        from aftersales.core.navigation import NavItem, register_nav
        from aftersales.customers.services import register_customer_merge_hook

        from .excel import BATCH_IMPORTER, PRODUCT_IMPORTER, SERIAL_IMPORTER
        from .services import move_serials_on_merge

        for importer in (PRODUCT_IMPORTER, BATCH_IMPORTER, SERIAL_IMPORTER):
            register_importer(importer)

        register_customer_merge_hook(move_serials_on_merge)
        register_nav(
            NavItem("products", _("Products"), "catalog:product-list", icon="box-seam", order=200)
        )
        from aftersales.core.search import register_search_provider

        from . import global_search

        register_search_provider(
            "serials",
            _("Serial numbers"),
            global_search.serials,
            more_url=global_search.serials_more,
            order=40,
        )
        register_search_provider(
            "batches",
            _("Batches"),
            global_search.batches,
            more_url=global_search.batches_more,
            order=41,
        )
