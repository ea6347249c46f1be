"""The article form: shape only; the service checks the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Category, FaultCode, Product
from aftersales.core.forms import StyledFormMixin

from .models import Visibility


class ArticleForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    visibility = forms.ChoiceField(label=_("Visible to"), choices=Visibility.choices)
    products = forms.ModelMultipleChoiceField(
        label=_("Products"),
        queryset=Product.objects.filter(active=True).order_by("sku"),
        required=False,
    )
    categories = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=Category.objects.order_by("code"), required=False
    )
    fault_codes = forms.ModelMultipleChoiceField(
        label=_("Fault codes"),
        queryset=FaultCode.objects.filter(active=True).order_by("code"),
        required=False,
    )
    problem = forms.CharField(label=_("Problem"), widget=forms.Textarea(attrs={"rows": 2}))
    symptoms = forms.CharField(
        label=_("Symptoms"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    cause = forms.CharField(
        label=_("Cause"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    solution = forms.CharField(
        label=_("Solution steps"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One step per line."),
    )
    parts = forms.CharField(
        label=_("Parts often needed"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    safety = forms.CharField(
        label=_("Safety notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    cases = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].label_from_instance = lambda p: f"{p.sku} {p.name}"
        self.fields["categories"].label_from_instance = lambda c: c.label
        self.fields["fault_codes"].label_from_instance = lambda f: f"{f.code} · {f.label}"


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
