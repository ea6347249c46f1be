from django import template

from aftersales.customers.addresses import format_address
from aftersales.customers.masking import phone_for as _phone_for
from aftersales.customers.validators import mask_phone

register = template.Library()


@register.filter
def masked(value: str) -> str:
    return mask_phone(value or "")


@register.filter
def phone_for(value: str, user) -> str:
    """A customer's or a case contact's number as the reader may see it (SEC-1):
    ``{{ case.contact_phone|phone_for:request.user }}``."""
    return _phone_for(user, value)


@register.simple_tag
def address(province="", city="", district="", street=""):
    """``{% address r.province r.city r.district r.street %}``: one line, 上海市 once."""
    return format_address(province or "", city or "", district or "", street or "")
