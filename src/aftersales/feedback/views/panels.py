"""The feedback app's cards on other pages: the case (its follow-ups and surveys), the order
(its delivery follow-up) and the nonconformance raised from complaints."""

from __future__ import annotations

from django.template.loader import render_to_string

from ..models import FollowUp, ImprovementProposal, SelfInspection, Survey
from ..permissions import (
    can_analyse_complaints,
    can_view_follow_ups,
    can_view_self_inspections,
    can_view_surveys,
)
from ..selectors import follow_up_list_for_user


def case_panel(case, request) -> str:
    user = request.user
    follow_ups = (
        list(follow_up_list_for_user(user).filter(case=case).order_by("-created_at")[:10])
        if can_view_follow_ups(user)
        else []
    )
    surveys = (
        list(Survey.objects.filter(case=case).order_by("-sent_at")[:5])
        if can_view_surveys(user)
        else []
    )
    if not follow_ups and not surveys:
        return ""
    return render_to_string(
        "feedback/_case_panel.html",
        {"follow_ups": follow_ups, "surveys": surveys, "today_due": FollowUp.Status.DUE},
        request=request,
    )


def order_panel(order, request) -> str:
    user = request.user
    if not can_view_follow_ups(user):
        return ""
    follow_ups = list(follow_up_list_for_user(user).filter(order=order).order_by("-created_at"))
    if not follow_ups:
        return ""
    return render_to_string(
        "feedback/_case_panel.html", {"follow_ups": follow_ups, "surveys": []}, request=request
    )


def nonconformance_panel(nonconformance, request) -> str:
    if nonconformance.source == "self_inspection":
        return _self_inspection_panel(nonconformance, request)
    proposals = list(
        ImprovementProposal.objects.filter(nonconformance=nonconformance).prefetch_related(
            "complaints__customer"
        )
    )
    if not proposals:
        return ""
    return render_to_string(
        "feedback/_nonconformance_panel.html",
        {"proposals": proposals, "can_open_proposal": can_analyse_complaints(request.user)},
        request=request,
    )


def _self_inspection_panel(nonconformance, request) -> str:
    """The self-inspection whose findings the nonconformance's actions are (FB-5)."""
    inspections = list(
        SelfInspection.objects.filter(nonconformance=nonconformance).select_related("checklist")
    )
    if not inspections:
        return ""
    return render_to_string(
        "feedback/_self_inspection_panel.html",
        {"inspections": inspections, "can_open": can_view_self_inspections(request.user)},
        request=request,
    )
