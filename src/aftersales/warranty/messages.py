"""The messages the 三包 flow sends customers (texts editable by administrators)."""

from django.utils.translation import gettext_lazy as _

CUSTOMER_MESSAGES = {
    "warranty_plan": _(
        "Dear %(name)s, our handling plan for your application %(number)s: %(plan)s. "
        "Please agree or refuse it on your case page: %(link)s"
    ),
}
