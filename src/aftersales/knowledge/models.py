"""The technical support knowledge (FB-4): articles written from solved cases, kept in
versions that the owner department reviews, and the record of which suggestions were used."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel, VersionedModel


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    DEALERS = "dealers", _("Dealers")
    PUBLIC = "public", _("Public")


class Article(VersionedModel):
    """A support article. Its text lives in versions; ``published`` is the one readers see."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    number = models.CharField(_("article number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=120)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    products = models.ManyToManyField(
        "catalog.Product", verbose_name=_("products"), blank=True, related_name="articles"
    )
    categories = models.ManyToManyField(
        "catalog.Category", verbose_name=_("categories"), blank=True, related_name="articles"
    )
    fault_codes = models.ManyToManyField(
        "catalog.FaultCode", verbose_name=_("fault codes"), blank=True, related_name="articles"
    )
    owner_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published = models.ForeignKey(
        "ArticleVersion",
        verbose_name=_("published version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    # The published text's words segmented with jieba (with its products' and fault codes'
    # words): PostgreSQL indexes it as a tsvector (migration 0002), SQLite reads it.
    search_text = models.TextField(blank=True, editable=False)
    used = models.PositiveIntegerField(_("times used on cases"), default=0, editable=False)
    sent = models.PositiveIntegerField(_("times sent to customers"), default=0, editable=False)
    helpful = models.PositiveIntegerField(_("solved the problem"), default=0, editable=False)
    not_helpful = models.PositiveIntegerField(_("did not solve it"), default=0, editable=False)
    views = models.PositiveIntegerField(_("views"), default=0, editable=False)

    class Meta:
        verbose_name = _("support article")
        verbose_name_plural = _("support articles")
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["status", "visibility"], name="knowledge_art_status_idx")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class ArticleVersion(models.Model):
    """One version of an article's text, with the cases it was written from. Versions are
    never edited once submitted: a change is a new version."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded")

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=120)
    # Who may read the article once this version is approved: a wider audience is a
    # decision the reviewer takes, not the writer alone.
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    problem = models.TextField(_("problem"))
    symptoms = models.TextField(_("symptoms"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    solution = models.TextField(_("solution steps"), help_text=_("One step per line."))
    parts = models.TextField(_("parts often needed"), blank=True)
    safety = models.TextField(_("safety notes"), blank=True)
    cases = models.ManyToManyField(
        "service.Case", verbose_name=_("written from cases"), blank=True, related_name="+"
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="knowledge_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.article.number} v{self.number}"

    def steps(self) -> list[str]:
        return [line.strip() for line in self.solution.splitlines() if line.strip()]


class ArticleAttachment(BaseModel):
    """A photo, a manual or a 三证 copy with the article (S18: product technical documents)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="knowledge/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        verbose_name = _("article attachment")
        verbose_name_plural = _("article attachments")
        ordering = ["created_at"]

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class SuggestionUse(models.Model):
    """A suggestion put to use on a case: an article or a similar solved case attached, or an
    article sent to the customer. Counted on the article."""

    class Action(models.TextChoices):
        ATTACHED = "attached", _("Attached to the case")
        SENT = "sent", _("Sent to the customer")

    case = models.ForeignKey("service.Case", on_delete=models.CASCADE, related_name="+")
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, null=True, blank=True, related_name="uses"
    )
    similar_case = models.ForeignKey(
        "service.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion used")
        verbose_name_plural = _("suggestions used")
        ordering = ["-at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "article", "action"],
                condition=models.Q(article__isnull=False),
                name="knowledge_use_article_once",
            ),
            models.UniqueConstraint(
                fields=["case", "similar_case", "action"],
                condition=models.Q(similar_case__isnull=False),
                name="knowledge_use_case_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.case_id}"


class HelpfulVote(models.Model):
    """A reader's answer to "did this solve your problem?" on the help centre."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="votes")
    helpful = models.BooleanField(_("solved"))
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("help centre answer")
        verbose_name_plural = _("help centre answers")

    def __str__(self) -> str:
        return f"{self.article_id}: {'yes' if self.helpful else 'no'}"
