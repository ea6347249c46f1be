"""The recall list as Excel (QC-5): one row per customer who received the batches, with the
contact details the reader may see (SEC-1: phones masked for roles that do not call)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.core.excel import export_response
from aftersales.customers.addresses import format_address
from aftersales.customers.masking import phone_display

from .selectors import recall_rows


def recall_headers() -> list[str]:
    return [
        _("Customer"),
        _("Mobile"),
        _("Landline"),
        _("Address"),
        _("Dealer"),
        _("Pieces"),
        _("Number of deliveries"),
        _("First delivery"),
        _("Last delivery"),
    ]


def recall_export(user, batch_ids: list[int], *, filename: str):
    """Stream the rows straight from the grouped query into a write-only workbook; returns
    the response and the row count."""
    show = phone_display(user)

    def rows():
        # Fetched whole, not through a server-side cursor: for a cursor PostgreSQL plans for
        # the first rows and walks the customer index of every line (6x slower); 20,000
        # grouped rows are a few megabytes.
        for r in list(recall_rows(batch_ids)):
            yield [
                r["name"],
                show(r["mobile"]),
                show(r["landline"]),
                format_address(r["province"], r["city"], r["district"], r["street"]),
                r["dealer"] or "",
                r["pieces"],
                r["deliveries"],
                timezone.localtime(r["first"]).date() if r["first"] else None,
                timezone.localtime(r["last"]).date() if r["last"] else None,
            ]

    return export_response(
        filename=filename, headers=recall_headers(), rows=rows(), sheet_title=_("Recall list")
    )
