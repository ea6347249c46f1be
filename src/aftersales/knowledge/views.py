"""The knowledge pages (FB-4): the article list and search, writing and reviewing, the
common-problem analysis, the technical support manual, and the suggestion panels on the
case page, at intake and on the technician's visit page."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.catalog.models import Category, FaultCode, Product
from aftersales.core.errors import ApplicationError
from aftersales.core.forms import add_error_to_form, error_text
from aftersales.service.models import Case
from aftersales.service.selectors import case_get_for_user

from . import permissions, selectors, services
from .forms import ArticleForm, AttachmentForm
from .models import Article, ArticleAttachment, ArticleVersion, SuggestionUse
from .search import Query

PAGE = 25


def _opener(request) -> None:
    if not permissions.can_open_knowledge(request.user):
        raise PermissionDenied


def _tabs(user) -> dict:
    drafts = permissions.can_see_drafts(user)
    return {
        "show_review": drafts,
        "to_review": selectors.review_queue(user).count() if drafts else 0,
        "can_analyse": permissions.can_analyse(user),
    }


def _article(request, number: str) -> Article:
    article = selectors.article_get_for_user(request.user, number)
    if article is None:
        raise Http404
    return article


@login_required
def article_list(request):
    _opener(request)
    user = request.user
    articles = selectors.article_list_for_user(user)
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    if status in Article.Status.values:
        articles = articles.filter(status=status)
    product = request.GET.get("product", "")
    if product.isdigit():
        articles = articles.filter(products=int(product))
    fault = request.GET.get("fault_code", "")
    if fault:
        articles = articles.filter(fault_codes__code=fault)
    articles = selectors.article_search(articles, q).distinct().order_by("-updated_at", "-pk")
    page = Paginator(articles.prefetch_related("fault_codes", "products"), PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "knowledge/list.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": Article.Status.choices if permissions.can_see_drafts(user) else [],
            "products": Product.objects.filter(active=True).order_by("sku"),
            "product": product,
            "fault_codes": FaultCode.objects.filter(active=True).order_by("code"),
            "fault_code": fault,
            "can_write": permissions.can_write(user),
            "tab": "articles",
            **_tabs(user),
        },
    )


@login_required
def review_list(request):
    _opener(request)
    if not permissions.can_see_drafts(request.user):
        raise PermissionDenied
    versions = selectors.review_queue(request.user).order_by("submitted_at")
    return render(
        request,
        "knowledge/review_list.html",
        {"versions": versions, "tab": "review", **_tabs(request.user)},
    )


def _input(form: ArticleForm, cases: list[Case]) -> services.ArticleInput:
    d = form.cleaned_data
    return services.ArticleInput(
        title=d["title"],
        problem=d["problem"],
        solution=d["solution"],
        symptoms=d["symptoms"],
        cause=d["cause"],
        parts=d["parts"],
        safety=d["safety"],
        visibility=d["visibility"],
        products=list(d["products"]),
        categories=list(d["categories"]),
        fault_codes=list(d["fault_codes"]),
        cases=cases,
    )


def _cases_of(request, numbers: str) -> list[Case]:
    out = []
    for number in dict.fromkeys(n for n in (numbers or "").split() if n):
        case = case_get_for_user(request.user, number=number)
        if case is not None:
            out.append(case)
    return out


def _initial(data: services.ArticleInput, cases: list[Case]) -> dict:
    return {
        "title": data.title,
        "visibility": data.visibility,
        "products": data.products,
        "categories": data.categories,
        "fault_codes": data.fault_codes,
        "problem": data.problem,
        "symptoms": data.symptoms,
        "cause": data.cause,
        "solution": data.solution,
        "parts": data.parts,
        "safety": data.safety,
        "cases": " ".join(c.number for c in cases),
    }


@login_required
def article_new(request):
    """A new article; ``?case=`` (写成知识) pre-fills it from a solved case."""
    if not permissions.can_write(request.user):
        raise PermissionDenied
    source = None
    initial = {}
    number = request.GET.get("case", "")
    if number:
        source = case_get_for_user(request.user, number=number)
        if source is None:
            raise Http404
        draft = services.draft_from_case(source)
        initial = _initial(draft, [source])
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cases = _cases_of(request, form.cleaned_data["cases"])
        try:
            article = services.article_create(actor=request.user, data=_input(form, cases))
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(
                request, _("Article %(number)s saved as a draft.") % {"number": article.number}
            )
            return redirect("knowledge:article", number=article.number)
    cases = _cases_of(request, form["cases"].value() or "")
    return render(
        request,
        "knowledge/form.html",
        {"form": form, "source": source, "cases": cases, "article": None},
    )


@login_required
def article_edit(request, number: str):
    if not permissions.can_write(request.user):
        raise PermissionDenied
    article = _article(request, number)
    current = selectors.open_version(article) or article.published
    if current is not None and current.status == ArticleVersion.Status.REVIEW:
        messages.warning(request, _("This version is being reviewed; wait for the answer."))
        return redirect("knowledge:article", number=number)
    initial = {}
    if current is not None:
        initial = _initial(
            services.ArticleInput(
                title=current.title,
                problem=current.problem,
                solution=current.solution,
                symptoms=current.symptoms,
                cause=current.cause,
                parts=current.parts,
                safety=current.safety,
                visibility=current.visibility,
                products=list(article.products.all()),
                categories=list(article.categories.all()),
                fault_codes=list(article.fault_codes.all()),
            ),
            [],
        )
    form = ArticleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_edit(
                actor=request.user,
                article=article,
                data=_input(form, _cases_of(request, form.cleaned_data["cases"])),
            )
        except ApplicationError as exc:
            add_error_to_form(form, exc)
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("knowledge:article", number=number)
    return render(request, "knowledge/form.html", {"form": form, "article": article, "cases": []})


@login_required
def article_detail(request, number: str):
    _opener(request)
    user = request.user
    article = _article(request, number)
    versions = list(selectors.article_versions(article))
    drafts_visible = permissions.can_see_drafts(user)
    shown = article.published
    open_version = next(
        (
            v
            for v in versions
            if v.status in (ArticleVersion.Status.DRAFT, ArticleVersion.Status.REVIEW)
        ),
        None,
    )
    if shown is None or (drafts_visible and request.GET.get("version") == "open" and open_version):
        shown = open_version
    if shown is None:
        raise Http404
    if shown.status == ArticleVersion.Status.PUBLISHED:
        services.article_viewed(article)
    uses = SuggestionUse.objects.filter(article=article).select_related("case", "by")[:20]
    return render(
        request,
        "knowledge/detail.html",
        {
            "article": article,
            "shown": shown,
            "open_version": open_version if drafts_visible else None,
            "versions": versions if drafts_visible else [],
            "uses": uses if drafts_visible else [],
            "attachments": article.attachments.all(),
            "can_write": permissions.can_write(user) and article.status != Article.Status.ARCHIVED,
            "can_review": open_version is not None
            and open_version.status == ArticleVersion.Status.REVIEW
            and permissions.can_approve(user, open_version),
            "can_archive": permissions.can_review(user, article)
            and article.status == Article.Status.PUBLISHED,
            "public_url": services.article_public_url(article)
            if article.visibility == "public" and article.status == Article.Status.PUBLISHED
            else "",
            "upload": AttachmentForm(),
        },
    )


@login_required
@require_POST
def article_submit(request, number: str):
    article = _article(request, number)
    version = selectors.open_version(article)
    if version is None:
        raise Http404
    try:
        services.version_submit(actor=request.user, version=version)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Sent to the owner department for review."))
    return redirect("knowledge:article", number=number)


@login_required
@require_POST
def article_review(request, number: str):
    article = _article(request, number)
    version = selectors.open_version(article)
    if version is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        services.version_review(
            actor=request.user, version=version, approve=approve, note=request.POST.get("note", "")
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
        return redirect(f"{article_url(number)}?version=open")
    messages.success(request, _("Published.") if approve else _("Sent back to the writer."))
    return redirect("knowledge:article", number=number)


def article_url(number: str) -> str:
    from django.urls import reverse

    return reverse("knowledge:article", args=[number])


@login_required
@require_POST
def article_archive(request, number: str):
    article = _article(request, number)
    try:
        services.article_archive(actor=request.user, article=article)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The article is withdrawn."))
    return redirect("knowledge:list")


@login_required
@require_POST
def article_upload(request, number: str):
    article = _article(request, number)
    try:
        services.article_attach_files(
            actor=request.user, article=article, files=request.FILES.getlist("file")
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("File added."))
    return redirect("knowledge:article", number=number)


def attachment_response(attachment: ArticleAttachment) -> FileResponse:
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.is_image and attachment.content_type != "application/pdf",
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
def article_file(request, number: str, pk: int):
    article = _article(request, number)
    return attachment_response(get_object_or_404(article.attachments, pk=pk))


@login_required
def common_problems(request):
    """The most frequent faults per product among solved cases, and whether the manual covers
    them; "写成知识" on those it does not."""
    if not permissions.can_analyse(request.user):
        raise PermissionDenied
    days = request.GET.get("days", "365")
    days = int(days) if days.isdigit() and 0 < int(days) <= 3650 else 365
    product = request.GET.get("product", "")
    item = Product.objects.filter(pk=int(product)).first() if product.isdigit() else None
    uncovered = request.GET.get("uncovered") == "1"
    rows = selectors.common_problems(
        since=timezone.now() - timedelta(days=days), product=item, uncovered=uncovered
    )
    return render(
        request,
        "knowledge/common_problems.html",
        {
            "rows": rows,
            "days": days,
            "product": product,
            "products": Product.objects.filter(active=True).order_by("sku"),
            "uncovered": uncovered,
            "top": max((r.cases for r in rows), default=1),
            "periods": [
                (90, _("Last 90 days")),
                (365, _("Last 12 months")),
                (1095, _("Last 3 years")),
            ],
            "can_write": permissions.can_write(request.user),
            "tab": "problems",
            **_tabs(request.user),
        },
    )


@login_required
def manual(request):
    """The technical support manual: choose a product or a category; ``.pdf`` prints it."""
    _opener(request)
    return render(
        request,
        "knowledge/manual.html",
        {
            "products": Product.objects.filter(active=True).order_by("sku"),
            "categories": Category.objects.order_by("code"),
            "tab": "manual",
            **_tabs(request.user),
        },
    )


@login_required
def manual_pdf(request):
    from .printouts import manual_pdf as make

    _opener(request)
    product = request.GET.get("product", "")
    category = request.GET.get("category", "")
    item = Product.objects.filter(pk=int(product)).first() if product.isdigit() else None
    group = Category.objects.filter(pk=int(category)).first() if category.isdigit() else None
    if item is None and group is None:
        return render(
            request,
            "knowledge/manual.html",
            {
                "products": Product.objects.filter(active=True).order_by("sku"),
                "categories": Category.objects.order_by("code"),
                "error": _("Choose a product or a category."),
                "tab": "manual",
                **_tabs(request.user),
            },
            status=400,
        )
    pdf, name = make(request.user, product=item, category=group)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{name}"
    return response


# Suggestions -----------------------------------------------------------------------------


def _query_from(request, *, text: str, case: Case | None = None) -> Query:
    product = case.product if case is not None else None
    category = None
    if product is None:
        sku = request.GET.get("product_sku", "").strip()
        product = Product.objects.filter(sku__iexact=sku).first() if sku else None
    if product is None and request.GET.get("category", "").isdigit():
        category = Category.objects.filter(pk=int(request.GET["category"])).first()
    fault = case.fault_code if case is not None else None
    return Query.build(text, product=product, category=category, fault_code=fault)


def _suggestions(user, query: Query, *, case: Case | None = None) -> dict:
    return {
        "articles": selectors.suggest_articles(user, query),
        "similar": selectors.similar_cases(user, query, exclude=case.pk if case else None),
    }


def intake_panel(request) -> str:
    """The intake form's side panel: it asks for suggestions as the description is typed."""
    if not permissions.can_open_knowledge(request.user):
        return ""
    return render_to_string("knowledge/_intake_panel.html", {}, request=request)


def attach_from_intake(case: Case, request) -> list[str]:
    """The articles ticked on the intake form go on the new case."""
    said = []
    for number in dict.fromkeys(request.POST.getlist("attach_article")):
        article = selectors.article_get_for_user(request.user, number)
        if article is None:
            continue
        try:
            services.suggestion_attach(actor=request.user, case=case, article=article)
        except ApplicationError as exc:
            said.append(error_text(exc))
        else:
            said.append(_("Article %(number)s attached to the case.") % {"number": number})
    return said


@login_required
def suggest_fragment(request):
    """The intake form's suggestions while the agent types (an HTML fragment)."""
    _opener(request)
    text = (request.GET.get("text") or request.GET.get("description") or "")[:2000]
    query = _query_from(request, text=text)
    found = _suggestions(request.user, query)
    ticked = set(request.GET.getlist("attach_article"))
    shown = {hit.article.number for hit in found["articles"]}
    return render(
        request,
        "knowledge/_suggestions.html",
        {
            **found,
            "mode": "intake",
            "typed": bool(text.strip()),
            "ticked": ticked,
            # Ticked earlier, no longer among the suggestions: still attached on saving.
            "ticked_only": sorted(ticked - shown),
        },
    )


def case_panel(case: Case, request) -> str:
    user = request.user
    if not permissions.can_open_knowledge(user):
        return ""
    query = Query.build(case.description, product=case.product, fault_code=case.fault_code)
    used = SuggestionUse.objects.filter(case=case)
    context = {
        **_suggestions(user, query, case=case),
        "mode": "case",
        "case": case,
        "attached": {u.article_id for u in used if u.action == "attached" and u.article_id},
        "attached_cases": {u.similar_case_id for u in used if u.similar_case_id},
        "sent": {u.article_id for u in used if u.action == "sent"},
        "can_use": case.status != Case.Status.CANCELLED and permissions.can_use_on_case(user, case),
        "can_write": permissions.can_write(user) and case.status in selectors.SOLVED,
        "fault_codes": FaultCode.objects.filter(active=True).order_by("code"),
        "can_send": bool(case.contact_phone or case.customer.mobile or case.customer.email),
    }
    return render_to_string("knowledge/_case_panel.html", context, request=request)


def visit_panel(work_order, request) -> str:
    case = work_order.case
    if case is None or not permissions.can_open_knowledge(request.user):
        return ""
    text = " ".join(t for t in (work_order.problem, case.description) if t)
    query = Query.build(text, product=case.product, fault_code=case.fault_code)
    found = _suggestions(request.user, query, case=case)
    if not found["articles"] and not found["similar"]:
        return ""
    return render_to_string(
        "knowledge/_suggestions.html", {**found, "mode": "visit"}, request=request
    )


@login_required
@require_POST
def case_use(request, number: str):
    """Attach a suggestion to the case, or send an article to the customer."""
    case = case_get_for_user(request.user, number=number)
    if case is None:
        raise Http404
    action = request.POST.get("action", "")
    article_number = request.POST.get("article", "")
    similar = request.POST.get("similar_case", "")
    try:
        article = None
        if article_number:
            article = selectors.article_get_for_user(request.user, article_number)
            if article is None:
                raise Http404
        if action == "send" and article is not None:
            services.article_send(actor=request.user, case=case, article=article)
            messages.success(request, _("Sent to the customer."))
        elif action == "attach":
            other = case_get_for_user(request.user, number=similar) if similar else None
            if similar and other is None:
                raise Http404
            services.suggestion_attach(
                actor=request.user, case=case, article=article, similar_case=other
            )
            messages.success(request, _("Attached to the case."))
        else:
            raise Http404
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    return redirect("service:case-detail", number=number)


@login_required
@require_POST
def case_fault_code(request, number: str):
    from aftersales.service.services.workflow import case_set_fault_code

    case = case_get_for_user(request.user, number=number)
    if case is None:
        raise Http404
    code = request.POST.get("fault_code", "")
    fault = FaultCode.objects.filter(code=code, active=True).first() if code else None
    if code and fault is None:
        messages.error(request, _("Choose a fault code from the list."))
        return redirect("service:case-detail", number=number)
    try:
        case_set_fault_code(actor=request.user, case=case, fault_code=fault)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Fault code saved."))
    return redirect("service:case-detail", number=number)
