"""Everything the feedback app plugs into the others: hooks, navigation, numbers, the
workbench, the timeline and the customer messages (called from ``AppConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    from aftersales.accounts.roles import Role
    from aftersales.core.hooks import register_hook
    from aftersales.core.messaging import register_message_templates
    from aftersales.core.navigation import NavItem, register_nav
    from aftersales.core.numbering import register_document_kind
    from aftersales.core.timeline import register_timeline_source
    from aftersales.core.workbench import register_figure_provider, register_todo_provider
    from aftersales.service.models import Case
    from aftersales.workdays.services import register_calendar_listener

    from . import workbench
    from .messages import CUSTOMER_MESSAGES
    from .timeline import case_feedback_events

    register_message_templates(CUSTOMER_MESSAGES)
    register_document_kind("follow_up", prefix="HF", name=_("Follow-up"))
    register_document_kind("improvement_proposal", prefix="IP", name=_("Improvement proposal"))
    register_document_kind("self_inspection", prefix="ZJ", name=_("Self-inspection"))
    register_document_kind("service_meeting", prefix="HY", name=_("Service meeting"))
    register_timeline_source(Case, case_feedback_events)
    register_hook("case_closed", _case_closed)
    register_hook("case_reopened", _case_reopened)
    register_hook("order_delivered", _order_delivered)
    register_hook("case_detail_panels", _case_panel)
    register_hook("case_track_panels", _track_panel)
    register_hook("case_track_post", _track_post)
    register_hook("nonconformance_panels", _nonconformance_panel)
    register_hook("order_detail_panels", _order_panel)
    register_calendar_listener(_recount_due_days, key="follow_ups")
    register_todo_provider(workbench.todos)
    register_figure_provider(workbench.figures)
    register_nav(
        NavItem(
            "feedback",
            _("Follow-ups"),
            "feedback:follow-ups",
            icon="telephone-outbound",
            order=46,
            roles=frozenset(
                r.value for r in (Role.CUSTOMER_SERVICE, Role.ADMIN, Role.SALES, Role.DEALER)
            ),
        )
    )
    register_nav(
        NavItem(
            "satisfaction",
            _("Satisfaction"),
            "feedback:stats",
            icon="emoji-smile",
            order=47,
            roles=frozenset(
                r.value
                for r in (
                    Role.CUSTOMER_SERVICE,
                    Role.SERVICE,
                    Role.QUALITY,
                    Role.SALES_VP,
                    Role.ADMIN,
                )
            ),
        )
    )
    # FB-5: the monthly self-inspection, and the service meetings with their action items
    # (a field technician, who holds the after-sales role too, is taken to their own items).
    register_nav(
        NavItem(
            "self_inspections",
            _("Self-inspection"),
            "feedback:self-inspections",
            icon="ui-checks",
            order=48,
            roles=frozenset(
                r.value for r in (Role.CUSTOMER_SERVICE, Role.QUALITY, Role.SALES_VP, Role.ADMIN)
            ),
        ),
        NavItem(
            "service_meetings",
            _("Service meetings"),
            "feedback:meetings",
            icon="people",
            order=49,
            roles=frozenset(
                r.value
                for r in (
                    Role.CUSTOMER_SERVICE,
                    Role.SERVICE,
                    Role.QUALITY,
                    Role.SALES_VP,
                    Role.ADMIN,
                )
            ),
        ),
    )


def _case_closed(*, case, actor):
    from .services.followups import follow_up_for_closed_case
    from .services.surveys import survey_for_closed_case

    follow_up_for_closed_case(case)
    survey_for_closed_case(case)


def _case_reopened(*, case, actor, keep):
    from .services.followups import follow_ups_case_reopened

    follow_ups_case_reopened(case, keep=keep)


def _order_delivered(*, order, day, actor):
    from .services.followups import follow_up_for_delivery

    follow_up_for_delivery(order, day)


def _case_panel(*, case, request):
    from .views.panels import case_panel

    return case_panel(case, request)


def _track_panel(*, case, request, token):
    from .views.public import track_panel

    return track_panel(case, request, token)


def _track_post(*, case, request, answer):
    from .views.public import track_post

    return track_post(case, request, answer)


def _order_panel(*, order, request):
    from .views.panels import order_panel

    return order_panel(order, request)


def _nonconformance_panel(*, nonconformance, request):
    from .views.panels import nonconformance_panel

    return nonconformance_panel(nonconformance, request)


def _recount_due_days(**_kwargs) -> int:
    from .services.recount import follow_up_deadlines_recount

    return follow_up_deadlines_recount()
