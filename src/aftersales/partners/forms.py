from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import StyledFormMixin
from aftersales.customers.models import Dealer

from .models import Event, PartnerKey, Scope
from .services import MAX_RATE, MAX_URL_LENGTH


class KeyForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple
    )
    dealer = forms.ModelChoiceField(
        label=_("Acts for dealer"),
        queryset=Dealer.objects.filter(active=True).order_by("code"),
        required=False,
        help_text=_("Optional: the key then reads that dealer's cases and orders."),
    )
    allowed_ips = forms.CharField(
        label=_("Allowed addresses"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One address or network per line (203.0.113.0/24); empty: any address."),
    )
    rate_limit = forms.IntegerField(
        label=_("Requests a minute"), min_value=1, max_value=MAX_RATE, initial=60
    )

    def clean_allowed_ips(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["allowed_ips"].split() if line.strip()]


class WebhookForm(StyledFormMixin, forms.Form):
    key = forms.ModelChoiceField(
        label=_("API key"),
        queryset=PartnerKey.objects.filter(revoked_at__isnull=True).order_by("name"),
    )
    url = forms.CharField(label=_("URL"), max_length=MAX_URL_LENGTH)
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )
