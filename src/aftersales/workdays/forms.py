from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import StyledFormMixin


class OverrideForm(StyledFormMixin, forms.Form):
    day = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    is_workday = forms.TypedChoiceField(
        label=_("The day is"),
        choices=[("0", _("a rest day")), ("1", _("a working day"))],
        coerce=lambda v: v == "1",
    )
    name = forms.CharField(
        label=_("Reason"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 公司年会")}),
    )


class AnnouncementForm(StyledFormMixin, forms.Form):
    notice = forms.CharField(
        label=_("Notice"),
        max_length=200,
        widget=forms.TextInput(attrs={"placeholder": "国务院办公厅关于2027年部分节假日安排的通知"}),
    )
    file = forms.FileField(
        label=_("Schedule (CSV)"),
        help_text=_(
            "Columns kind,start,end,name — e.g. holiday,2027-02-05,2027-02-12,春节 and "
            "workday,2027-02-14,,春节调休上班."
        ),
    )
