from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.accounts.roles import Role
from aftersales.core.forms import StyledFormMixin

from .models import Metric, Priority, SlaEscalationStep, Unit


class PolicyForm(StyledFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    case_type = forms.CharField(
        label=_("Case type"), max_length=40, required=False, help_text=_("Blank: every type.")
    )
    priority = forms.ChoiceField(
        label=_("Priority"), required=False, choices=[("", _("any")), *Priority.choices]
    )
    channel = forms.CharField(label=_("Channel"), max_length=40, required=False)
    customer_level = forms.CharField(label=_("Customer level"), max_length=40, required=False)
    pause_statuses = forms.CharField(
        label=_("Statuses that pause the clock"),
        required=False,
        help_text=_("Comma-separated status codes, e.g. waiting_customer."),
    )
    business_opens = forms.TimeField(
        label=_("Business hours open"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    business_closes = forms.TimeField(
        label=_("Business hours close"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    active = forms.BooleanField(label=_("Active"), required=False)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean_pause_statuses(self) -> list[str]:
        raw = self.cleaned_data["pause_statuses"].replace("，", ",")
        return [s.strip() for s in raw.split(",") if s.strip()]


class TargetForm(StyledFormMixin, forms.Form):
    metric = forms.ChoiceField(choices=Metric.choices, widget=forms.HiddenInput)
    amount = forms.IntegerField(label=_("Amount"), min_value=1, max_value=3650, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices)
    end_of_business = forms.BooleanField(label=_("At close of business"), required=False)
    source = forms.CharField(label=_("Source"), max_length=120, required=False)


class StepForm(StyledFormMixin, forms.Form):
    level = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=9)
    trigger = forms.ChoiceField(label=_("When"), choices=SlaEscalationStep.Trigger.choices)
    offset_minutes = forms.IntegerField(
        label=_("Minutes"), min_value=0, max_value=525600, required=False
    )
    notify_role = forms.ChoiceField(
        label=_("Notify role"), required=False, choices=[("", "—"), *Role.choices]
    )
    notify_responsible = forms.BooleanField(label=_("Person responsible"), required=False)


TargetFormSet = forms.formset_factory(TargetForm, extra=0)
StepFormSet = forms.formset_factory(StepForm, extra=0)
