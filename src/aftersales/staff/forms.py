"""Forms validate the shape of the input only; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.core.forms import StyledFormMixin

from .models import CourseKind


class CourseForm(StyledFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=40, help_text=_("Letters, digits and hyphens, e.g. product-ac.")
    )
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=CourseKind.choices)
    category = forms.ModelChoiceField(
        label=_("Product category"),
        queryset=None,
        required=False,
        help_text=_("For a product course: it qualifies technicians for this category."),
    )
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=1, min_value=0)
    validity_months = forms.IntegerField(
        label=_("Valid for (months)"), min_value=0, initial=0, help_text=_("0: does not expire.")
    )
    pass_mark = forms.DecimalField(
        label=_("Pass mark"), max_digits=5, decimal_places=1, min_value=0, initial=60
    )
    description = forms.CharField(
        label=_("About the course"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        from aftersales.catalog.models import Category

        self.fields["category"].queryset = Category.objects.order_by("code")
        if editing:
            self.fields["code"].disabled = True


class SessionForm(StyledFormMixin, forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=None)
    held_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    trainer = forms.ModelChoiceField(label=_("Trainer"), queryset=None, required=False)
    trainer_name = forms.CharField(
        label=_("Outside trainer"),
        max_length=60,
        required=False,
        help_text=_("When not one of us."),
    )
    place = forms.CharField(label=_("Place"), max_length=80, required=False)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Course

        self.fields["course"].queryset = Course.objects.filter(active=True)
        self.fields["trainer"].queryset = people
        self.fields["attendees"].queryset = people
        self.fields["attendees"].label_from_instance = lambda p: (
            f"{p} · {p.department.label}" if p.department_id else str(p)
        )


class PlanForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    course = forms.ModelChoiceField(label=_("Course"), queryset=None)
    planned = forms.IntegerField(label=_("People to train"), min_value=1, max_value=10000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from aftersales.accounts.models import Department

        from .models import Course

        # The company's departments: a dealer's people are not trained by its plans.
        self.fields["department"].queryset = (
            Department.objects.filter(active=True)
            .exclude(members__groups__name="dealer")
            .distinct()
        )
        self.fields["course"].queryset = Course.objects.filter(active=True)
