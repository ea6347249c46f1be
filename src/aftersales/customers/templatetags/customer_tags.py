from django import template

from aftersales.customers.validators import mask_phone

register = template.Library()


@register.filter
def masked(value: str) -> str:
    return mask_phone(value or "")
