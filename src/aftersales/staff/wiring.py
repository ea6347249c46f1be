"""Everything the training and assessment app plugs into the others: the hooks that gate the
work, navigation, numbers and the workbench (called from ``AppConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def connect() -> None:
    from aftersales.accounts.roles import Role
    from aftersales.core.hooks import register_hook
    from aftersales.core.navigation import NavItem, register_nav
    from aftersales.core.numbering import register_document_kind
    from aftersales.core.workbench import register_todo_provider

    from . import workbench
    from .gating import category_qualifications, work_blockers
    from .selectors import scorecard_totals

    register_document_kind("training_session", prefix="PX", name=_("Training session"))
    register_hook("work_blockers", work_blockers)
    register_hook("category_qualifications", category_qualifications)
    register_hook("scorecard_totals", scorecard_totals)
    register_todo_provider(workbench.todos)
    # Everyone on the company's side has a training record and scorecards; a dealer's
    # people do not.
    register_nav(
        NavItem(
            "staff",
            _("People"),
            "staff:home",
            icon="person-badge",
            order=80,
            roles=frozenset(r.value for r in Role if r != Role.DEALER),
        )
    )
