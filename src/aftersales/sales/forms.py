from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Category, Product
from aftersales.core.forms import StyledFormMixin

from .models import Order, WrittenPromise


class CustomerPickerWidget(forms.Widget):
    """Search customers by name or phone as you type (htmx against ``customers:picker``,
    scoped and masked there); the choice goes into a hidden input named like the field."""

    template_name = "sales/widgets/customer_picker.html"
    selected_label = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["selected_label"] = self.selected_label if value else ""
        return context

    def id_for_label(self, id_):
        return f"{id_}_search" if id_ else id_


class OrderForm(StyledFormMixin, forms.Form):
    customer = forms.IntegerField(
        label=_("Customer"),
        min_value=1,
        max_value=2**31 - 1,
        widget=CustomerPickerWidget,
        error_messages={"required": _("Choose the customer.")},
    )
    contract_number = forms.CharField(label=_("Contract number"), max_length=40, required=False)
    signed_on = forms.DateField(
        label=_("Signed on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Order.Channel.choices)
    delivery_date = forms.DateField(
        label=_("Delivery date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    delivery_place = forms.CharField(label=_("Delivery place"), max_length=200)
    delivery_method = forms.ChoiceField(
        label=_("Delivery method"), choices=Order.DeliveryMethod.choices
    )
    contact_name = forms.CharField(label=_("Contact"), max_length=60, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=24, required=False)
    quality_standard = forms.CharField(
        label=_("Agreed quality standard"), max_length=200, required=False
    )
    warranty_months = forms.IntegerField(
        label=_("Warranty (months)"),
        min_value=0,
        max_value=120,
        required=False,
        help_text=_("Empty: the product category's warranty applies."),
    )
    return_terms = forms.CharField(label=_("Return terms"), max_length=200, required=False)
    payment_terms = forms.CharField(
        label=_("Payment terms"),
        max_length=200,
        required=False,
        help_text=_("e.g. deposit of 30%, balance on delivery"),
    )
    delivery_terms = forms.CharField(
        label=_("Delivery terms"),
        max_length=200,
        required=False,
        help_text=_("e.g. delivered and installed, freight paid"),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, customer_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if "customer" in self.fields:
            self.fields["customer"].widget.selected_label = customer_label


class LineForm(StyledFormMixin, forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=1_000_000)
    unit_price = forms.DecimalField(
        label=_("Unit price (CNY)"), max_digits=12, decimal_places=2, min_value=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.filter(active=True).order_by("sku")
        self.fields["product"].label_from_instance = lambda p: f"{p.sku} · {p.name}"


LineFormSet = forms.formset_factory(LineForm, extra=0, min_num=1, validate_min=True, max_num=100)


class PromiseForm(StyledFormMixin, forms.Form):
    """A written promise (SAL-11): its words, whom it covers and when."""

    title = forms.CharField(
        label=_("Title"), max_length=80, help_text=_("e.g. Authenticity guarantee")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=WrittenPromise.Kind.choices)
    text = forms.CharField(
        label=_("Promise"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("As the customer reads it on the product's promises page."),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        help_text=_("Leave category and product empty for every product."),
    )
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.none(), required=False
    )
    valid_from = forms.DateField(
        label=_("Valid from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    sort_order = forms.IntegerField(
        label=_("Sort order"),
        min_value=0,
        max_value=9999,
        initial=0,
        help_text=_("Smaller numbers come first."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, current_product_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        category.queryset = Category.objects.select_related("parent").order_by("code")
        category.label_from_instance = lambda c: (
            f"{c.parent.label} › {c.label}" if c.parent_id else c.label
        )
        product = self.fields["product"]
        # A promise keeps its product after the product is no longer sold.
        product.queryset = Product.objects.filter(
            Q(active=True) | Q(pk=current_product_id or 0)
        ).order_by("sku")
        product.label_from_instance = lambda p: f"{p.sku} · {p.name}"
