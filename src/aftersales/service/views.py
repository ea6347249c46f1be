"""The case pages: the queue of open cases by due time, and the case page with its steps."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.core.errors import ApplicationError, InvalidInput, TooManyRequests
from aftersales.core.forms import MultipleFileField, StyledFormMixin, error_text
from aftersales.core.hooks import call_hook
from aftersales.core.paging import DeferredJoinPaginator
from aftersales.core.throttling import address_rate_exceeded
from aftersales.quality.permissions import can_view_quality

from . import selectors
from .models import Case, CaseCall, CaseCategory, Channel, Kind, Priority
from .services import attachments, case_log, compensation, intake, routing, workflow
from .services.sla import sla_summary

QUEUE_FILTERS = ("q", "status", "kind", "department", "assignee", "overdue", "due")
SEARCH_COUNT_LIMIT = 1000


@login_required
def case_list(request):
    """Open cases, the one due soonest first (the next SLA deadline of each). A search looks
    through every status unless one is chosen: the caller's old cases matter too."""
    f = {k: request.GET.get(k, "").strip() for k in QUEUE_FILTERS}
    status = f["status"] or ("all" if f["q"] else selectors.OPEN_STATUS)
    cases = selectors.case_filter(
        request.user,
        q=f["q"],
        status=status,
        kind=f["kind"],
        department=f["department"],
        assignee=f["assignee"],
        overdue=f["overdue"] == "1",
        due=f["due"],
    )
    # The queue: soonest deadline first. A search: the newest matches first, counted up to
    # SEARCH_COUNT_LIMIT (the first pages are what an agent reads; a search index serves them
    # without fetching every match).
    cases = cases.order_by("-created_at", "-id") if f["q"] else selectors.with_next_due(cases)
    page = DeferredJoinPaginator(
        cases,
        25,
        load=lambda ids: selectors.case_list_for_user(request.user).filter(pk__in=ids),
        count_limit=SEARCH_COUNT_LIMIT if f["q"] else None,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "service/case_list.html",
        {
            "page": page,
            "f": f,
            "status": f["status"],
            "query": urlencode({k: v for k, v in f.items() if v}),
            "statuses": Case.Status.choices,
            "kinds": Kind.choices,
            "departments": _departments_with_people(),
            "can_assign": workflow.can_bulk_assign(request.user),
            "now": timezone.now(),
        },
    )


@login_required
@require_POST
def cases_assign(request):
    """Bulk assignment from the queue's ticked rows; back to the same filtered queue."""
    from aftersales.accounts.models import Department, User

    from .services.bulk import cases_assign as assign_all

    post = request.POST

    def _id(name: str) -> int:
        raw = post.get(name, "")
        return int(raw) if raw.isdigit() else 0

    department = Department.objects.filter(pk=_id("department"), active=True).first()
    assignee = User.objects.filter(pk=_id("assignee"), is_active=True).first()
    # Each tick box carries "number:version", the version the agent saw in the queue.
    versions = {}
    for ticked in post.getlist("cases"):
        number, _sep, version = ticked.partition(":")
        versions[number] = int(version) if version.isdigit() else None
    try:
        done = assign_all(
            actor=request.user,
            numbers=list(versions),
            department=department,
            assignee=assignee,
            versions={n: v for n, v in versions.items() if v is not None},
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(n)s cases assigned.") % {"n": len(done)})
    back = post.get("next", "")
    return redirect(back if back.startswith("/service/") else "service:case-list")


def _case(request, number: str) -> Case:
    case = selectors.case_get_for_user(request.user, number=number)
    if case is None:
        raise Http404
    return case


@login_required
def case_detail(request, number: str):
    case = _case(request, number)
    return render(
        request,
        "service/case_detail.html",
        {
            "case": case,
            "sla": sla_summary(case),
            "actions": workflow.allowed_actions(case)
            if workflow.can_handle(request.user, case)
            else [],
            "substatuses": Case.Substatus.choices,
            "kinds": Kind.choices,
            "can_judge": can_view_quality(request.user),
            "compensation": _compensation_panel(request.user, case),
            "attachments": selectors.case_attachments(case),
            "can_attach": attachments.can_attach(request.user, case),
            "attachment_accept": attachments.ACCEPT,
            "attachment_hint": attachments.upload_hint(),
            "departments": _departments_with_people(),
            # Internal notes and the call log: written here, read on the timeline.
            "can_log": case_log.can_log(request.user, case),
            "call_directions": CaseCall.Direction.choices,
            "call_outcomes": CaseCall.Outcome.choices,
            # Panels other apps add to the case page (the 三包 answer, …).
            "panels": call_hook("case_detail_panels", case=case, request=request),
            "other_cases": selectors.case_list_for_user(request.user)
            .filter(customer=case.customer)
            .exclude(pk=case.pk)[:10],
        },
    )


@login_required
@require_POST
def case_step(request, number: str, action: str):
    case = _case(request, number)
    post = request.POST
    try:
        if action == "merge":
            target = selectors.case_get_for_user(
                request.user, number=post.get("target", "").strip()
            )
            if target is None:
                messages.error(request, _("No case has this number."))
                return redirect("service:case-detail", number=case.number)
            workflow.case_merge(
                actor=request.user, source=case, target=target, note=post.get("note", "")
            )
            messages.success(request, _("Merged into %(number)s.") % {"number": target.number})
            return redirect("service:case-detail", number=target.number)
        elif action == "split":
            new = workflow.case_split(
                actor=request.user,
                case=case,
                kind=post.get("kind", ""),
                description=post.get("description", ""),
            )
            messages.success(request, _("Split off as %(number)s.") % {"number": new.number})
            return redirect("service:case-detail", number=new.number)
        elif action == "assign":
            from aftersales.accounts.models import Department, User

            def _id(name):
                raw = post.get(name, "")
                return int(raw) if raw.isdigit() else 0

            department = Department.objects.filter(pk=_id("department"), active=True).first()
            assignee = User.objects.filter(pk=_id("assignee"), is_active=True).first()
            routing.case_assign(
                actor=request.user, case=case, department=department, assignee=assignee
            )
        elif action == "substatus":
            workflow.case_set_substatus(
                actor=request.user, case=case, substatus=post.get("substatus", "")
            )
        elif action == "promise":
            workflow.case_promise(
                actor=request.user, case=case, timetable=post.get("timetable", "")
            )
        elif action == "note":
            case_log.case_note_add(actor=request.user, case=case, text=post.get("text", ""))
        elif action == "call":
            case_log.case_call_log(
                actor=request.user,
                case=case,
                direction=post.get("direction", ""),
                duration_seconds=_call_seconds(post.get("minutes", ""), post.get("seconds", "")),
                outcome=post.get("outcome", ""),
                note=post.get("note", ""),
                called_at=_local_moment(post.get("called_at", "")),
            )
        elif action == "compensation":
            compensation.case_compensation_offer(
                actor=request.user,
                case=case,
                company_caused=post.get("company_caused") == "1",
                note=post.get("note", ""),
            )
        elif action == "compensation_answer":
            compensation.case_compensation_answer(
                actor=request.user,
                case=case,
                answer=post.get("answer", ""),
                note=post.get("note", ""),
            )
        elif action in workflow.TRANSITIONS:
            workflow.case_transition(
                actor=request.user,
                case=case,
                action=action,
                note=post.get("note", ""),
                solution=post.get("solution", ""),
                result=post.get("result", ""),
            )
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Saved."))
    return redirect("service:case-detail", number=case.number)


def _call_seconds(minutes: str, seconds: str) -> int | None:
    """The call log form's minutes and seconds as seconds (None when not whole numbers)."""
    minutes, seconds = (minutes or "0").strip() or "0", (seconds or "0").strip() or "0"
    if not all(v.isascii() and v.isdigit() and len(v) < 6 for v in (minutes, seconds)):
        return None
    return int(minutes) * 60 + int(seconds)


def _local_moment(raw: str):
    """A ``datetime-local`` field (China time); blank: None (now). Unreadable raises the
    form's error on the field."""
    from datetime import datetime

    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return timezone.make_aware(datetime.fromisoformat(raw))
    except ValueError:
        raise InvalidInput(
            fields={"called_at": [_("Give the date and time of the call.")]}
        ) from None


def track(request):
    """Public: the customer's case. The signed link from the SMS shows it and, once resolved,
    lets the customer confirm or reject the result; the case number with the last four digits
    of the phone shows the status only. Rate-limited per address (the trusted client address),
    and the number with the phone per case number too."""
    from .services.tracking import case_from_token, case_track_lookup

    # Only the signed link answers for the customer; a POST never falls back to number + phone.
    token = request.POST.get("t", "") if request.method == "POST" else request.GET.get("t", "")
    number = "" if request.method == "POST" else request.GET.get("number", "")
    case, asked = None, bool(token or number)
    if asked:
        if address_rate_exceeded(request, "case_track"):
            limited = _("Too many tries. Please wait a minute.")
            return render(request, "service/track.html", {"limited": limited}, status=429)
        try:
            case = (
                case_from_token(token)
                if token
                else case_track_lookup(number, request.GET.get("phone", ""))
            )
        except TooManyRequests as exc:
            return render(
                request,
                "service/track.html",
                {"limited": exc.message, "number": number},
                status=429,
            )
    if request.method == "POST":
        if case is None or not token:
            raise Http404
        answer = request.POST.get("answer", "")
        if answer not in ("confirm", "reject"):
            # Other apps' forms on this page (a 三包 application, a quotation): each handles
            # the answers it knows and says how it went.
            for outcome in call_hook("case_track_post", case=case, request=request, answer=answer):
                for ok, text in outcome:
                    (messages.success if ok else messages.error)(request, text)
        else:
            try:
                workflow.case_transition(
                    actor=None,
                    case=case,
                    action=answer,
                    note=request.POST.get("note", ""),
                    by_customer=True,
                )
            except ApplicationError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Thank you for confirming.")
                    if answer == "confirm"
                    else _("We are sorry; the case has been reopened and escalated."),
                )
        return redirect(f"{request.path}?t={token}")
    events = case.events.filter(customer_visible=True) if case else []
    return render(
        request,
        "service/track.html",
        {
            "case": case,
            "asked": asked,
            "token": token,
            "number": number,
            "events": events,
            # Without the signed link: the number and the status, nothing more.
            "full": bool(token),
            "can_answer": bool(token) and case is not None and case.status == Case.Status.RESOLVED,
            "panels": call_hook("case_track_panels", case=case, request=request, token=token)
            if token and case is not None
            else [],
        },
    )


def _departments_with_people():
    """Active departments with their active members, for the assignment form; a member who
    may not be given cases yet carries why (``not_offered``), shown instead of offered."""
    from aftersales.accounts.models import Department

    departments = list(
        Department.objects.filter(active=True).prefetch_related("members").order_by("code")
    )
    people = [m for d in departments for m in d.members.all() if m.is_active]
    blocked = routing.work_blockers(people)
    for person in people:
        person.not_offered = blocked.get(person.pk, "")
    return departments


class IntakeForm(StyledFormMixin, forms.Form):
    """The desk's intake form: the same fields as the intake API."""

    channel = forms.ChoiceField(label=gettext_lazy("Channel"), choices=Channel.choices)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Kind.choices)
    is_complaint = forms.BooleanField(
        label=gettext_lazy("The customer is complaining"),
        required=False,
        help_text=gettext_lazy(
            "A repair, return or exchange the customer complained about: it goes into the "
            "complaint register too."
        ),
    )
    customer_name = forms.CharField(label=gettext_lazy("Customer name"), max_length=120)
    customer_phone = forms.CharField(label=gettext_lazy("Phone"), max_length=24)
    product_sku = forms.CharField(label=gettext_lazy("Product SKU"), max_length=40, required=False)
    serial_no = forms.CharField(label=gettext_lazy("Serial number"), max_length=60, required=False)
    order_no = forms.CharField(label=gettext_lazy("Order number"), max_length=30, required=False)
    purchase_date = forms.DateField(
        label=gettext_lazy("Purchase date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "From the invoice or the receipt: the Three Guarantees (三包) periods run from it."
        ),
    )
    category = forms.ChoiceField(label=gettext_lazy("Complaint category"), required=False)
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), widget=forms.Textarea(attrs={"rows": 4})
    )
    fault_code = forms.ChoiceField(
        label=gettext_lazy("Fault code"),
        required=False,
        help_text=gettext_lazy("If it is clear already; the technician may set it later."),
    )
    requested_remedy = forms.CharField(
        label=gettext_lazy("What the customer asks for"), max_length=300, required=False
    )
    file = MultipleFileField(label=gettext_lazy("Photos, videos or PDFs"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = attachments.upload_hint()
        self.fields["file"].widget.attrs["accept"] = attachments.ACCEPT
        self.fields["category"].choices = [("", "—")] + [
            (c.code, c.label) for c in CaseCategory.objects.filter(active=True)
        ]
        from aftersales.catalog.models import FaultCode

        self.fields["fault_code"].choices = [("", "—")] + [
            (f.code, f"{f.label}") for f in FaultCode.objects.filter(active=True).order_by("code")
        ]


@login_required
def case_create(request):
    if not intake.can_take_cases(request.user):
        raise Http404
    form = IntakeForm(request.POST or None, request.FILES or None, initial={"channel": "phone"})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        files = data.pop("file", [])
        try:
            case, _created = attachments.case_intake_with_files(
                actor=request.user,
                data=intake.IntakeInput(**data),
                idempotency_key=request.POST.get("form_key", ""),
                files=files,
            )
        except ApplicationError as exc:
            for field, errors in exc.fields.items():
                name = {"customer.name": "customer_name", "customer.phone": "customer_phone"}.get(
                    field, field
                )
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
            if not exc.fields:
                form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("Case %(number)s taken in; the customer has been told the number.")
                % {"number": case.number},
            )
            # What other apps' side panels asked for on the form (suggestions attached).
            for outcome in call_hook("case_taken_in", case=case, request=request):
                for text in outcome or ():
                    messages.info(request, text)
            return redirect("service:case-detail", number=case.number)
    return render(
        request,
        "service/case_form.html",
        {
            "form": form,
            "form_key": request.POST.get("form_key") or uuid.uuid4().hex,
            "side_panels": call_hook("intake_side_panels", request=request),
        },
    )


def _compensation_panel(user, case: Case) -> dict | None:
    """The delay compensation panel of a delivery-delay case with an order (SVC-10, SVC-11):
    what the policy gives today, the latest offer and whether this person may record one."""
    quote = compensation.compensation_quote(case)
    if quote is None:
        return None
    offer = compensation.latest_compensation(case)
    return {
        "quote": quote,
        "offer": offer,
        "can_record": case.is_open and compensation.can_record_compensation(user, case),
        "extra_if_company": (
            quote.policy is not None
            and not quote.company_caused
            and quote.compensated_days > 0
            and quote.policy.company_extra_percent > 0
        ),
    }
