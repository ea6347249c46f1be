"""The knowledge app's part of the workbench: the article versions waiting for the reader's
review (the head of an owner department; an administrator sees all)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aftersales.core.navigation import list_url

from . import permissions
from .selectors import review_queue


def todos(user, ctx):
    from aftersales.core.workbench import Todo

    if not permissions.can_open_knowledge(user) or not permissions._staff(user):
        return
    count = review_queue(user).count()
    if not count:
        return
    yield Todo(
        "knowledge.review",
        _("Support articles to review"),
        count,
        list_url("knowledge:review"),
        icon="journal-check",
        order=75,
    )
