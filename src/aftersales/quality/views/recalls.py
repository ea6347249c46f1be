"""Recalls (QC-5): who received the batches (preview and Excel list), starting a recall, and
working through its follow-up tasks, one per customer."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.catalog.models import Batch
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import StyledFormMixin, add_error_to_form, error_text
from aftersales.core.models import ExportRecord
from aftersales.customers.masking import phone_display

from .. import selectors
from ..exports import recall_export
from ..models import Recall, RecallTask
from ..permissions import RECALL_ROLES, can_manage_quality, can_work_recall
from ..services import recalls as services
from .common import get_or_404, page_of

PREVIEW_ROWS = 100
TASKS_PER_PAGE = 50
MAX_BATCHES = 200
_SEPARATORS = re.compile(r"[\s,，;；、]+")


def _recall_worker(request) -> None:
    """Recall lists carry customers' contacts: only those who work on recalls see them."""
    if not can_work_recall(request.user):
        raise Http404


def _parse_ids(raw: str) -> list[int] | None:
    """``"1,2, 3"`` → ``[1, 2, 3]`` (order kept, repeats dropped); None if anything is not a
    plain positive number or there are too many."""
    ids: list[int] = []
    for part in _SEPARATORS.split(raw.strip()):
        if not part:
            continue
        if not (part.isascii() and part.isdigit() and len(part) < 12) or int(part) == 0:
            return None
        if int(part) not in ids:
            ids.append(int(part))
    if len(ids) > MAX_BATCHES:
        return None
    return ids


def _requested_batches(request) -> tuple[list[Batch], str]:
    """The batches named by ``?batches=``, with a message for ids that are wrong or unknown.
    Returns the batches found and the canonical ``batches`` parameter."""
    raw = ",".join(request.GET.getlist("batches"))
    if not raw.strip():
        return [], ""
    ids = _parse_ids(raw)
    if ids is None:
        messages.error(
            request,
            _("The batch list is not valid: give batch ids separated by commas (at most %(n)s).")
            % {"n": MAX_BATCHES},
        )
        return [], ""
    found = {b.pk: b for b in Batch.objects.filter(pk__in=ids).select_related("product")}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        messages.warning(
            request, _("There is no batch with id %(ids)s.") % {"ids": ", ".join(missing)}
        )
    batches = [found[i] for i in ids if i in found]
    return batches, ",".join(str(b.pk) for b in batches)


def _filename(label: str) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", label).strip("_")[:120]
    return f"召回名单-{safe}.xlsx"


def _batch_label(batches) -> str:
    numbers = [b.batch_no for b in batches]
    label = "_".join(numbers[:5])
    if len(numbers) > 5:
        label += f"_+{len(numbers) - 5}"
    return label


def _export(request, batches, *, filename: str, filters: str):
    response, count = recall_export(request.user, [b.pk for b in batches], filename=filename)
    ExportRecord.objects.create(
        user=request.user, what="recall_list", rows=count, filters=filters[:300]
    )
    return response


# --- forms ----------------------------------------------------------------------------------


class RecallCreateForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the recall"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    due_in_working_days = forms.IntegerField(
        label=gettext_lazy("Contact every customer within (working days)"),
        min_value=1,
        max_value=60,
        initial=services.DEFAULT_WORKING_DAYS,
    )
    assignee = forms.ModelChoiceField(
        label=gettext_lazy("Assign the calls to"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=gettext_lazy("Customer service (shared list)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        field.queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[r.value for r in RECALL_ROLES])
            .distinct()
            .order_by("username")
        )
        field.label_from_instance = lambda u: u.get_full_name() or u.username


class TaskForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[c for c in RecallTask.Outcome.choices if c[0] != RecallTask.Outcome.PENDING]
    )
    note = forms.CharField(max_length=300, required=False)


# --- preview and export of the customers who received the batches --------------------------


def _batches_by_number(request):
    """``?batch_no=B1,B2`` (typed on the page) → a redirect to the preview of those batches."""
    numbers = [n for n in _SEPARATORS.split(request.GET.get("batch_no", "").strip()) if n][:50]
    found = list(Batch.objects.filter(batch_no__in=[n[:40] for n in numbers]).order_by("pk"))
    missing = sorted(set(numbers) - {b.batch_no for b in found})
    if missing:
        messages.warning(
            request, _("No batch numbered %(numbers)s.") % {"numbers": ", ".join(missing)}
        )
    target = reverse("quality:recall-preview")
    if not found:
        return redirect(target)
    return redirect(f"{target}?{urlencode({'batches': ','.join(str(b.pk) for b in found)})}")


@login_required
def recall_preview(request):
    _recall_worker(request)
    if request.method == "GET" and request.GET.get("batch_no", "").strip():
        return _batches_by_number(request)
    batches, batches_param = _requested_batches(request)
    user = request.user
    may_create = can_manage_quality(user)
    form = None
    if may_create:
        form = RecallCreateForm(request.POST or None)
        if request.method == "POST":
            if not batches:
                messages.error(request, _("Choose at least one batch."))
            elif form.is_valid():
                try:
                    recall = services.recall_create(
                        actor=user,
                        batches=batches,
                        reason=form.cleaned_data["reason"],
                        due_in_working_days=form.cleaned_data["due_in_working_days"],
                        assignee=form.cleaned_data["assignee"],
                    )
                except ApplicationError as exc:
                    add_error_to_form(form, exc)
                else:
                    messages.success(
                        request,
                        _("Recall %(number)s was started: %(n)s customers to contact.")
                        % {"number": recall.number, "n": recall.tasks.count()},
                    )
                    return redirect(recall.get_absolute_url())
    elif request.method == "POST":
        raise Http404
    context = {"batches": batches, "batches_param": batches_param, "form": form}
    if batches:
        ids = [b.pk for b in batches]
        rows = selectors.recall_rows(ids)
        show = phone_display(user)
        shown = []
        for r in rows[:PREVIEW_ROWS]:
            r["mobile"] = show(r["mobile"])
            r["landline"] = show(r["landline"])
            shown.append(r)
        context.update(
            rows=shown,
            count=rows.count(),
            pieces=selectors.batch_delivery_lines(ids).aggregate(n=Sum("quantity"))["n"] or 0,
            limit=PREVIEW_ROWS,
            earlier=Recall.objects.filter(batches__in=ids).distinct().order_by("-created_at"),
        )
    return render(request, "quality/recall_preview.html", context)


@login_required
def recall_list_export(request):
    _recall_worker(request)
    batches, batches_param = _requested_batches(request)
    if not batches:
        if not "".join(request.GET.getlist("batches")).strip():
            messages.error(request, _("Choose at least one batch."))
        return redirect("quality:recall-preview")
    return _export(
        request,
        batches,
        filename=_filename(_batch_label(batches)),
        filters=urlencode({"batches": batches_param}),
    )


# --- recalls --------------------------------------------------------------------------------


@login_required
def recall_list(request):
    _recall_worker(request)
    status = request.GET.get("status", "")
    if status not in Recall.Status.values:
        status = ""
    recalls = selectors.recall_list().select_related("created_by").prefetch_related("batches")
    if status:
        recalls = recalls.filter(status=status)
    page = page_of(request, recalls)
    for recall in page.object_list:
        recall.percent = round(100 * recall.done / recall.customers) if recall.customers else 0
    return render(
        request,
        "quality/recall_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Recall.Status.choices,
            "today": timezone.localdate(),
        },
    )


def _recall(recall_id: int) -> Recall:
    return get_or_404(Recall, recall_id, select=["created_by"])


@login_required
def recall_detail(request, recall_id: int):
    _recall_worker(request)
    recall = _recall(recall_id)
    outcome = request.GET.get("outcome", "")
    if outcome not in RecallTask.Outcome.values:
        outcome = ""
    by_outcome = dict(
        recall.tasks.values_list("outcome").annotate(n=Count("id")).order_by("outcome")
    )
    total = sum(by_outcome.values())
    done = total - by_outcome.get(RecallTask.Outcome.PENDING, 0)
    tasks = recall.tasks.select_related("customer", "assignee", "done_by").order_by("id")
    if outcome:
        tasks = tasks.filter(outcome=outcome)
    page = page_of(request, tasks, TASKS_PER_PAGE)
    show = phone_display(request.user)
    for task in page.object_list:
        task.phone = show(task.customer.mobile or task.customer.landline)
    is_open = recall.status == Recall.Status.OPEN
    return render(
        request,
        "quality/recall_detail.html",
        {
            "recall": recall,
            "batches": recall.batches.select_related("product").order_by("batch_no"),
            "page": page,
            "outcome": outcome,
            "outcomes": [
                (value, label, by_outcome.get(value, 0))
                for value, label in RecallTask.Outcome.choices
            ],
            "task_outcomes": TaskForm.base_fields["outcome"].choices,
            "total": total,
            "done": done,
            "percent": round(100 * done / total) if total else 0,
            "can_record": is_open and can_work_recall(request.user),
            "can_close": is_open and can_manage_quality(request.user),
            "overdue": is_open and done < total and recall.due_on < timezone.localdate(),
        },
    )


@login_required
def recall_export_view(request, recall_id: int):
    _recall_worker(request)
    recall = _recall(recall_id)
    batches = list(recall.batches.order_by("batch_no"))
    if not batches:
        messages.error(request, _("This recall names no batches."))
        return redirect(recall.get_absolute_url())
    return _export(
        request,
        batches,
        filename=_filename(f"{recall.number}-{_batch_label(batches)}"),
        filters=urlencode(
            {"recall": recall.number, "batches": ",".join(str(b.pk) for b in batches)}
        ),
    )


@login_required
@require_POST
def recall_close_view(request, recall_id: int):
    _recall_worker(request)
    recall = _recall(recall_id)
    try:
        services.recall_close(actor=request.user, recall=recall)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Recall %(number)s was closed.") % {"number": recall.number})
    return redirect(recall.get_absolute_url())


@login_required
@require_POST
def recall_task(request, task_id: int):
    _recall_worker(request)
    task = get_or_404(RecallTask, task_id, select=["recall", "customer"])
    form = TaskForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what came of the contact."))
    else:
        try:
            services.recall_task_record(
                actor=request.user,
                task=task,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(
                request,
                _("Recorded for %(customer)s.") % {"customer": task.customer.name},
            )
    # Back to the same page of the same filter, at the row just recorded.
    back = {}
    page = request.POST.get("page", "")
    if page.isascii() and page.isdigit() and len(page) < 7:
        back["page"] = page
    if request.POST.get("filter", "") in RecallTask.Outcome.values:
        back["outcome"] = request.POST["filter"]
    url = reverse("quality:recall-detail", args=[task.recall_id])
    return redirect(f"{url}?{urlencode(back)}#task-{task.pk}" if back else f"{url}#task-{task.pk}")
