from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import StyledFormMixin

from .models import Customer, CustomerFileEntry, Dealer


class CustomerForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Customer.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=120)
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)
    mobile_alt = forms.CharField(label=_("Second mobile"), max_length=20, required=False)
    landline = forms.CharField(label=_("Landline"), max_length=24, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    province = forms.CharField(label=_("Province"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=30, required=False)
    district = forms.CharField(label=_("District"), max_length=30, required=False)
    street = forms.CharField(label=_("Street address"), max_length=200, required=False)
    level = forms.ChoiceField(label=_("Level"), choices=Customer.Level.choices)
    dealer = forms.ModelChoiceField(
        label=_("Dealer"), queryset=Dealer.objects.none(), required=False
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18, required=False
    )
    tags = forms.CharField(label=_("Tags"), max_length=200, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, dealer_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dealer"].queryset = Dealer.objects.filter(active=True)
        if dealer_locked:
            del self.fields["dealer"]


class FileEntryForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CustomerFileEntry.Kind.choices)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(StyledFormMixin, forms.Form):
    into = forms.IntegerField(label=_("Merge into customer number"), min_value=1)
