"""The 三包 policy pages: every policy with its figures, an editor for administrators, and a
"try it" panel that runs the engine on facts typed in."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError, InvalidInput
from aftersales.core.forms import error_text
from aftersales.core.input_guard import allows_text

from ..engine import PRESETS
from ..permissions import can_edit_policies, can_view_warranty
from ..selectors import rulebooks
from ..services import policies as svc
from ..services.evaluation import evaluate_facts


@login_required
def policy_list(request):
    if not can_view_warranty(request.user):
        raise Http404
    return render(
        request,
        "warranty/policy_list.html",
        {"rows": list(rulebooks()), "can_edit": can_edit_policies(request.user)},
    )


def _try_facts(post, category: str) -> dict:
    today = timezone.localdate().isoformat()
    return {
        "category": post.get("category", category).strip(),
        "channel": post.get("channel", "offline"),
        "purchase_date": post.get("purchase_date") or None,
        "received_date": post.get("received_date") or None,
        "report_date": post.get("report_date") or today,
        "problem": post.get("problem", "quality"),
        "prior_repairs": int(post.get("prior_repairs") or 0)
        if (post.get("prior_repairs") or "0").isdigit()
        else post.get("prior_repairs"),
        "has_invoice_or_card": post.get("has_invoice_or_card", "1") == "1",
    }


@allows_text(100_000)  # the whole policy as JSON (the national preset is about 10,000 characters)
@login_required
def policy_detail(request, key: str):
    """The policy's data (editable by administrators) and the try-it panel."""
    if not can_view_warranty(request.user):
        raise Http404
    try:
        row = svc.rulebook_get(key)
    except ApplicationError:
        raise Http404 from None
    text = json.dumps(row.data, ensure_ascii=False, indent=2)
    errors: dict[str, list[str]] = {}
    categories = sorted((row.data.get("categories") or {}).keys())
    if not categories and row.data.get("layer_on"):
        categories = sorted(PRESETS["national"]["categories"])
    default_category = categories[0] if categories else "彩色电视机"
    try_facts = _try_facts({}, default_category)
    try_answer = None
    if request.method == "POST" and request.POST.get("submit") == "save":
        if not can_edit_policies(request.user):
            raise Http404
        text = request.POST.get("data", "")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            errors = {
                "data": [
                    _("Not valid JSON at line %(line)s, column %(col)s: %(msg)s")
                    % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
                ]
            }
        else:
            try:
                row = svc.rulebook_save(
                    actor=request.user,
                    key=key,
                    data=data,
                    name=request.POST.get("name") or None,
                    expected_version=int(version)
                    if (version := request.POST.get("version", "")).isdigit()
                    else None,
                )
            except ApplicationError as exc:
                errors = exc.fields or {"data": [error_text(exc)]}
            else:
                messages.success(request, _("Policy saved; new answers use it from now on."))
                return redirect("warranty:policy-detail", key=key)
    elif request.method == "POST" and request.POST.get("submit") == "try":
        try_facts = _try_facts(request.POST, default_category)
        try:
            try_answer = evaluate_facts(try_facts, key)
        except InvalidInput as exc:
            errors = {f"try.{k}": v for k, v in exc.fields.items()}
    return render(
        request,
        "warranty/policy_detail.html",
        {
            "row": row,
            "text": text,
            "errors": errors,
            "can_edit": can_edit_policies(request.user),
            "is_preset": key in PRESETS,
            "categories": categories,
            "try_facts": try_facts,
            "answer": try_answer,
            "history": row.history.select_related("history_user").order_by("-history_date")[:10],
        },
    )


@login_required
@require_POST
def policy_action(request, key: str, action: str):
    try:
        if action == "default":
            svc.rulebook_make_default(actor=request.user, key=key)
            messages.success(request, _("This is now the default policy."))
        elif action == "reset":
            svc.rulebook_reset(actor=request.user, key=key)
            messages.success(request, _("Back to the shipped figures."))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    return redirect("warranty:policy-detail", key=key)
