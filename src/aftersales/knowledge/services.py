"""Every write of the support knowledge (FB-4): articles and their versions, the review,
attachments, suggestions put to use on cases, and the help centre's answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aftersales.catalog.models import Category, FaultCode, Product
from aftersales.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from aftersales.core.messaging import message_customer
from aftersales.core.numbering import document_number_next
from aftersales.core.services import model_update
from aftersales.service.models import Case

from . import permissions
from .models import (
    Article,
    ArticleAttachment,
    ArticleVersion,
    HelpfulVote,
    SuggestionUse,
    Visibility,
)
from .search import words

TEXT_FIELDS = ("title", "problem", "symptoms", "cause", "solution", "parts", "safety")
MAX_TEXT = 5000
MAX_ATTACHMENTS = 20


@dataclass
class ArticleInput:
    title: str
    problem: str
    solution: str
    symptoms: str = ""
    cause: str = ""
    parts: str = ""
    safety: str = ""
    visibility: str = Visibility.INTERNAL
    products: list[Product] = field(default_factory=list)
    categories: list[Category] = field(default_factory=list)
    fault_codes: list[FaultCode] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)


def _check(data: ArticleInput) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("title", "problem", "solution"):
        if not (getattr(data, name) or "").strip():
            errors[name] = [_("This field is required.")]
    if len(data.title.strip()) > 120:
        errors["title"] = [_("At most 120 characters.")]
    for name in TEXT_FIELDS[1:]:
        if len(getattr(data, name) or "") > MAX_TEXT:
            errors[name] = [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
    if data.visibility not in Visibility.values:
        errors["visibility"] = [_("Choose who may read the article.")]
    if not (data.products or data.categories):
        errors["products"] = [_("Name at least one product or category the article is for.")]
    if errors:
        raise InvalidInput(fields=errors)


def owner_department_for(data: ArticleInput):
    """The department that reviews: the owner of the first product's (or category's) tree."""
    for category in [p.category for p in data.products] + list(data.categories):
        department = category.effective_owner_department()
        if department is not None:
            return department
    from aftersales.accounts.models import Department

    return Department.objects.filter(code="service").first()


def _text_of(version_data) -> dict:
    return {name: (getattr(version_data, name) or "").strip() for name in TEXT_FIELDS}


def index_words(article: Article, version: ArticleVersion) -> str:
    """The stored words an article is found by: its text, its fault codes' names and words,
    its products' and categories' names."""
    parts = [getattr(version, name) for name in TEXT_FIELDS]
    parts += [f"{f.name} {f.keywords}" for f in article.fault_codes.all()]
    parts += [f"{p.name} {p.model}" for p in article.products.all()]
    parts += [c.name for c in article.categories.all()]
    return " ".join(words(" ".join(parts), cap=None))


def _article_update(*, actor, article: Article, data: dict) -> Article:
    """The article's own fields, saved only when changed; its history names the person."""
    article._history_user = actor
    article, _changed = model_update(instance=article, fields=list(data), data=data)
    return article


def _set_links(article: Article, data: ArticleInput) -> None:
    article.products.set(data.products)
    article.categories.set(data.categories)
    article.fault_codes.set(data.fault_codes)


@transaction.atomic
def article_create(*, actor, data: ArticleInput) -> Article:
    """A new article with its first version, a draft."""
    if not permissions.can_write(actor):
        raise PermissionDenied(_("You may not write support articles."))
    _check(data)
    article = Article.objects.create(
        number=document_number_next(kind="article"),
        title=data.title.strip(),
        visibility=data.visibility,
        owner_department=owner_department_for(data),
        created_by=actor,
    )
    _set_links(article, data)
    version = ArticleVersion.objects.create(
        article=article,
        number=1,
        written_by=actor,
        visibility=data.visibility,
        **_text_of(data),
    )
    version.cases.set(data.cases)
    return article


@transaction.atomic
def article_edit(*, actor, article: Article, data: ArticleInput) -> ArticleVersion:
    """Change the text and links: the open draft is updated; a published article gets a new
    draft version, and readers keep the published one until it is approved."""
    if not permissions.can_write(actor):
        raise PermissionDenied(_("You may not write support articles."))
    _check(data)
    article = Article.objects.select_for_update().get(pk=article.pk)
    version = article.versions.filter(
        status__in=[ArticleVersion.Status.DRAFT, ArticleVersion.Status.REVIEW]
    ).first()
    if version is not None and version.status == ArticleVersion.Status.REVIEW:
        raise Conflict(_("This version is being reviewed; wait for the answer."))
    if version is None:
        number = (
            article.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = ArticleVersion.objects.create(
            article=article,
            number=number,
            written_by=actor,
            visibility=data.visibility,
            **_text_of(data),
        )
    else:
        for name, value in _text_of(data).items():
            setattr(version, name, value)
        version.visibility = data.visibility
        version.written_by = actor
        version.save()
    version.cases.add(*data.cases)
    article = _article_update(
        actor=actor,
        article=article,
        # Readers keep the published version's audience until the new one is approved.
        data={
            "owner_department": owner_department_for(data),
            **(
                {}
                if article.published_id
                else {"title": data.title.strip(), "visibility": data.visibility}
            ),
        },
    )
    _set_links(article, data)
    if article.published_id:
        _reindex(article)  # the links changed the words it is found by
    return version


@transaction.atomic
def version_submit(*, actor, version: ArticleVersion) -> ArticleVersion:
    """The writer asks the owner department to review the draft."""
    if not permissions.can_write(actor):
        raise PermissionDenied(_("You may not write support articles."))
    version = (
        ArticleVersion.objects.select_for_update().select_related("article").get(pk=version.pk)
    )
    if version.status != ArticleVersion.Status.DRAFT:
        raise Conflict(_("Only a draft can be submitted for review."))
    version.status = ArticleVersion.Status.REVIEW
    version.submitted_at = timezone.now()
    version.review_note = ""
    version.save(update_fields=["status", "submitted_at", "review_note"])
    article = version.article
    if article.status == Article.Status.DRAFT:
        Article.objects.filter(pk=article.pk).update(status=Article.Status.REVIEW)
    head = article.owner_department.head if article.owner_department_id else None
    if head is not None and head.pk != actor.pk:
        from aftersales.core.notifications import notify

        notify(
            recipients=[head],
            title=_("Support article %(number)s waits for your review")
            % {"number": article.number},
            body=version.title,
            link=reverse("knowledge:article", args=[article.number]),
        )
    return version


@transaction.atomic
def version_review(
    *, actor, version: ArticleVersion, approve: bool, note: str = ""
) -> ArticleVersion:
    """The owner department approves (the version is published, the previous one superseded)
    or sends it back with a note."""
    version = (
        # Only the version's row: PostgreSQL locks no row of an outer join (the department).
        ArticleVersion.objects.select_for_update(of=("self",))
        .select_related("article__owner_department")
        .get(pk=version.pk)
    )
    if not permissions.can_approve(actor, version):
        raise PermissionDenied(
            _("Only the owner department's head reviews this article, and not their own text.")
        )
    if version.status != ArticleVersion.Status.REVIEW:
        raise Conflict(_("This version is not waiting for review."))
    note = (note or "").strip()[:500]
    now = timezone.now()
    version.reviewed_by, version.reviewed_at, version.review_note = actor, now, note
    article = Article.objects.select_for_update().get(pk=version.article_id)
    if not approve:
        if not note:
            raise InvalidInput(fields={"note": [_("Say what should change.")]})
        version.status = ArticleVersion.Status.DRAFT
        version.save()
        if article.status == Article.Status.REVIEW:
            Article.objects.filter(pk=article.pk).update(status=Article.Status.DRAFT)
        _tell_writer(
            version, _("Support article %(number)s was sent back") % {"number": article.number}
        )
        return version
    article.versions.filter(status=ArticleVersion.Status.PUBLISHED).update(
        status=ArticleVersion.Status.SUPERSEDED
    )
    version.status, version.published_at = ArticleVersion.Status.PUBLISHED, now
    version.save()
    _article_update(
        actor=actor,
        article=article,
        data={
            "status": Article.Status.PUBLISHED,
            "published": version,
            "title": version.title,
            "visibility": version.visibility,
        },
    )
    _reindex(article)
    _tell_writer(version, _("Support article %(number)s is published") % {"number": article.number})
    return version


def _tell_writer(version: ArticleVersion, title: str) -> None:
    from aftersales.core.notifications import notify

    if version.written_by_id and version.written_by_id != version.reviewed_by_id:
        notify(
            recipients=[version.written_by],
            title=title,
            body=version.review_note,
            link=reverse("knowledge:article", args=[version.article.number]),
        )


def _reindex(article: Article) -> None:
    article = Article.objects.select_related("published").get(pk=article.pk)
    if article.published is None:
        return
    Article.objects.filter(pk=article.pk).update(
        search_text=index_words(article, article.published)
    )


@transaction.atomic
def article_archive(*, actor, article: Article) -> Article:
    """Withdraw an article: readers no longer see it; its versions stay."""
    if not permissions.can_review(actor, article):
        raise PermissionDenied(_("Only the owner department's head withdraws an article."))
    article = Article.objects.select_for_update().get(pk=article.pk)
    return _article_update(actor=actor, article=article, data={"status": Article.Status.ARCHIVED})


def article_attach_files(*, actor, article: Article, files: list) -> list[ArticleAttachment]:
    """Photos, manuals and 三证 copies, checked as at intake (types by content, sizes)."""
    from aftersales.service.services.attachments import attachment_check

    if not permissions.can_write(actor):
        raise PermissionDenied(_("You may not write support articles."))
    if not files:
        raise InvalidInput(fields={"file": [_("Choose a file.")]})
    if article.attachments.count() + len(files) > MAX_ATTACHMENTS:
        raise InvalidInput(
            fields={"file": [_("At most %(n)d files per article.") % {"n": MAX_ATTACHMENTS}]}
        )
    checked = [attachment_check(f) for f in files]
    out = []
    with transaction.atomic():
        for c in checked:
            out.append(
                ArticleAttachment.objects.create(
                    article=article,
                    file=c.upload,
                    original_name=c.name,
                    content_type=c.content_type,
                    size=c.size,
                    uploaded_by=actor,
                )
            )
    return out


def _published_or_404(article: Article, user) -> Article:
    if (
        article.status != Article.Status.PUBLISHED
        or article.visibility not in permissions.visible_levels(user)
    ):
        raise NotFound()
    return article


@transaction.atomic
def suggestion_attach(
    *, actor, case: Case, article: Article | None = None, similar_case: Case | None = None
) -> SuggestionUse:
    """An article or a similar solved case goes on the case (its timeline shows it); an
    article counts the use."""
    from aftersales.service.services.workflow import case_log_event

    if not permissions.can_use_on_case(actor, case):
        raise PermissionDenied(_("You may not handle this case."))
    if (article is None) == (similar_case is None):
        raise InvalidInput(fields={"article": [_("Choose an article or a similar case.")]})
    if article is not None:
        _published_or_404(article, actor)
        use, created = SuggestionUse.objects.get_or_create(
            case=case, article=article, action=SuggestionUse.Action.ATTACHED, defaults={"by": actor}
        )
        if created:
            Article.objects.filter(pk=article.pk).update(used=F("used") + 1)
            case_log_event(
                actor=actor, case=case, action="knowledge", note=f"{article.number} {article.title}"
            )
        return use
    if similar_case.pk == case.pk:
        raise InvalidInput(fields={"similar_case": [_("A case cannot be its own example.")]})
    use, created = SuggestionUse.objects.get_or_create(
        case=case,
        similar_case=similar_case,
        action=SuggestionUse.Action.ATTACHED,
        defaults={"by": actor},
    )
    if created:
        case_log_event(
            actor=actor,
            case=case,
            action="knowledge",
            note=f"{similar_case.number}: {similar_case.solution[:200]}",
        )
    return use


def article_public_url(article: Article) -> str:
    from aftersales.core.company import public_base_url

    return f"{public_base_url()}{reverse('help:article', args=[article.number])}"


@transaction.atomic
def article_send(*, actor, case: Case, article: Article) -> SuggestionUse:
    """Send a public article's link to the customer by SMS (and e-mail when known); the
    customer's timeline shows it."""
    from aftersales.service.services.workflow import case_log_event

    if not permissions.can_use_on_case(actor, case):
        raise PermissionDenied(_("You may not handle this case."))
    _published_or_404(article, actor)
    if article.visibility != Visibility.PUBLIC:
        raise InvalidInput(
            fields={"article": [_("Only a public article can be sent to a customer.")]}
        )
    phone = case.contact_phone if case.contact_phone.startswith("1") else case.customer.mobile
    if not phone and not case.customer.email:
        raise InvalidInput(fields={"article": [_("The customer has no mobile number or e-mail.")]})
    use, created = SuggestionUse.objects.get_or_create(
        case=case, article=article, action=SuggestionUse.Action.SENT, defaults={"by": actor}
    )
    message_customer(
        phone=phone,
        email=case.customer.email,
        template="knowledge_article",
        context={
            "name": case.customer.name,
            "title": article.title,
            "url": article_public_url(article),
        },
        related=case.number,
    )
    if created:
        Article.objects.filter(pk=article.pk).update(sent=F("sent") + 1)
    case_log_event(
        actor=actor,
        case=case,
        action="knowledge_sent",
        note=f"{article.number} {article.title}",
        customer_visible=True,
    )
    return use


def article_vote(*, article: Article, helpful: bool) -> None:
    """The help centre's "did this solve your problem?" (counted; rate-limited by the view)."""
    if article.status != Article.Status.PUBLISHED or article.visibility != Visibility.PUBLIC:
        raise NotFound()
    HelpfulVote.objects.create(article=article, helpful=helpful)
    counter = "helpful" if helpful else "not_helpful"
    Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})


def article_viewed(article: Article) -> None:
    Article.objects.filter(pk=article.pk).update(views=F("views") + 1)


def draft_from_case(case: Case) -> ArticleInput:
    """写成知识: an article pre-filled from a solved case — the description as the problem,
    the technicians' diagnosis as the cause, the solution and result as the steps, the parts
    used, and the case as its source."""
    from aftersales.repairs.selectors import case_repair_material

    material = case_repair_material(case)
    fault = case.fault_code
    product = case.product
    title = (
        (fault.name if fault else case.description.strip().splitlines()[0][:40])
        if case.description
        else ""
    )
    if product is not None and fault is not None:
        title = f"{product.name}：{fault.name}"
    steps = [s for s in [case.solution, *material["results"]] if s]
    return ArticleInput(
        title=title[:120],
        problem=case.description,
        symptoms=case.description,
        cause="\n".join(material["diagnoses"]),
        solution="\n".join(dict.fromkeys(steps)),
        parts="\n".join(material["parts"]),
        products=[product] if product is not None else [],
        fault_codes=[fault] if fault is not None else [],
        cases=[case],
    )
