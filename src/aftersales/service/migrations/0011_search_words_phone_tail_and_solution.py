"""The cases' search words gain the last four digits of the contact's phone and the words of
the solution (``services.search.search_words``): rebuilt for the cases already there. Plain
UPDATEs of ``search_text``: SQLite's FTS5 triggers and PostgreSQL's generated tsvector follow."""

from django.db import migrations

CHUNK = 500


def rebuild(apps, schema_editor):
    from aftersales.service.services.search import search_words

    Case = apps.get_model("service", "Case")
    cases = (
        Case.objects.select_related("customer", "serial", "product")
        .only(
            "pk",
            "number",
            "contact_phone",
            "contact_name",
            "description",
            "requested_remedy",
            "solution",
            "search_text",
            "customer__name",
            "serial__serial",
            "product__name",
        )
        .order_by("pk")
    )
    for case in cases.iterator(chunk_size=CHUNK):
        text = search_words(
            case.number,
            case.contact_phone,
            case.contact_name,
            case.customer.name if case.customer_id else "",
            case.serial.serial if case.serial_id else "",
            case.product.name if case.product_id else "",
            case.description,
            case.requested_remedy,
            case.solution,
        )
        if text != case.search_text:
            Case.objects.filter(pk=case.pk).update(search_text=text)


class Migration(migrations.Migration):
    dependencies = [("service", "0010_intake_fingerprint")]

    operations = [migrations.RunPython(rebuild, migrations.RunPython.noop)]
