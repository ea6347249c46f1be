from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import StyledFormMixin

from .models import Category, Supplier


class ProductForm(StyledFormMixin, forms.Form):
    sku = forms.CharField(label=_("SKU"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=120)
    model = forms.CharField(label=_("Model"), max_length=60, required=False)
    specification = forms.CharField(label=_("Specification"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=10, initial="台")
    list_price = forms.DecimalField(
        label=_("List price (CNY)"), max_digits=12, decimal_places=2, min_value=0
    )
    shelf_life_days = forms.IntegerField(
        label=_("Shelf life (days)"), min_value=1, max_value=3650, required=False
    )
    serial_tracked = forms.BooleanField(label=_("Serial numbers tracked"), required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.none())
    manufacturer = forms.ModelChoiceField(
        label=_("Manufacturer"), queryset=Supplier.objects.none(), required=False
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("code")
        self.fields["manufacturer"].queryset = Supplier.objects.filter(active=True)
