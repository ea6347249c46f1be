"""What customers are told about field service (SMS / e-mail, in Chinese)."""

from django.utils.translation import gettext_lazy as _

CUSTOMER_MESSAGES = {
    "work_order_scheduled": _(
        "Dear %(name)s, for %(number)s our technician %(technician)s will come on %(day)s "
        "between %(start)s and %(end)s. Reply or call us if this time does not suit you."
    ),
    "work_order_rescheduled": _(
        "Dear %(name)s, the visit for %(number)s has moved to %(day)s between %(start)s and "
        "%(end)s (technician %(technician)s)."
    ),
    "work_order_quote": _(
        "Dear %(name)s, the quotation for work order %(number)s comes to ¥%(amount)s "
        "(%(lines)s). Please tell our technician or call us whether you accept it."
    ),
    "work_order_received": _(
        "Dear %(name)s, we have received your product for %(number)s at the repair centre; "
        "the repair is due by %(due)s."
    ),
}
