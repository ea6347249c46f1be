"""The tabs of the people pages, each shown only to those who may open it."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from ..permissions import can_compute_scorecards, can_run_training, can_view_people

register = template.Library()


@register.inclusion_tag("staff/_tabs.html", takes_context=True)
def staff_tabs(context, active: str):
    user = context["request"].user
    tabs = [("home", _("My record"), reverse("staff:home"))]
    if can_view_people(user):
        tabs += [
            ("people", _("People"), reverse("staff:people")),
            ("scorecards", _("Scorecards"), reverse("staff:scorecards")),
        ]
    tabs.append(("courses", _("Courses"), reverse("staff:courses")))
    if can_run_training(user):
        tabs.append(("sessions", _("Sessions"), reverse("staff:sessions")))
    if can_run_training(user) or can_view_people(user):
        tabs.append(("plans", _("Training plans"), reverse("staff:plans")))
    if can_compute_scorecards(user):
        tabs.append(("indicators", _("Indicators"), reverse("staff:indicators")))
    return {"tabs": tabs, "active": active}
