"""Shared model bases and the document numbering tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class BaseModel(models.Model):
    """Base of every business model: timestamps and a full change history (SEC-2).

    ``HistoricalRecords(inherit=True)`` gives each concrete subclass its own history table, so
    who changed what and when is kept without each app remembering to ask for it.
    """

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class VersionedModel(BaseModel):
    """A mutable record that must not lose updates: writes check and bump ``version``.

    See ``core.services.model_update``; a write made from a stale copy raises ``StaleVersion``.
    """

    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True


class NumberSeries(VersionedModel):
    """How one kind of document is numbered: ``<prefix>-<YYYYMMDD>-<sequence>``."""

    kind = models.SlugField(_("document kind"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    prefix = models.CharField(
        _("prefix"),
        max_length=10,
        help_text=_("Letters put before the date, e.g. TK for service tickets."),
    )
    padding = models.PositiveSmallIntegerField(
        _("sequence digits"), default=4, help_text=_("The daily sequence is zero-padded to this.")
    )

    class Meta:
        verbose_name = _("number series")
        verbose_name_plural = _("number series")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    def format(self, day, value: int) -> str:
        return f"{self.prefix}-{day:%Y%m%d}-{value:0{self.padding}d}"


class NumberCounter(models.Model):
    """The last number given out for one series on one day.

    Not a business record: it changes on every allocation, so it keeps no history. The numbers
    themselves are on the documents, whose history does.
    """

    series = models.ForeignKey(NumberSeries, on_delete=models.CASCADE, related_name="counters")
    day = models.DateField(_("day"))
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [
            models.UniqueConstraint(fields=["series", "day"], name="core_counter_series_day_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.series.prefix} {self.day:%Y-%m-%d} #{self.last_value}"


class Notification(models.Model):
    """A message to one person inside the product (the bell), optionally also e-mailed.

    A message, not a business record: it keeps no history; what caused it is on the timeline
    of the record it links to.
    """

    recipient = models.ForeignKey(
        "accounts.User",
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    level = models.CharField(_("level"), max_length=10, default="info")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="core_notif_unread_idx")]

    def __str__(self) -> str:
        return self.title


class ExportRecord(models.Model):
    """Every export of business data: who, what, how many rows, with which filters (SEC-1)."""

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    what = models.CharField(_("what"), max_length=40)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    filters = models.CharField(_("filters"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("export record")
        verbose_name_plural = _("export records")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} {self.what} {self.rows}"


class OutboundMessage(models.Model):
    """A message to a customer (SMS or e-mail) and what became of it.

    The default SMS backend stops here: staff read the outbox in the admin until a provider
    backend is configured (``SMS_BACKEND``). Retries update ``attempts`` and ``error``; a message
    that cannot be sent as set up (no provider template for it) fails at once.
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(_("to"), max_length=200)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("message"))
    # The message's key and fields: SMS providers send an approved template filled with them.
    template = models.CharField(_("message template"), max_length=60, blank=True)
    context = models.JSONField(_("message fields"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    related = models.CharField(_("about"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to}"


class MessageTemplate(BaseModel):
    """An administrator's wording of one customer message (SMS and e-mail), used instead of the
    built-in text while active. It may use only the ``%(field)s`` placeholders the built-in
    text uses; ``core.services.message_template_save`` checks that before saving."""

    key = models.CharField(_("message"), max_length=60, unique=True)
    text = models.TextField(_("text"))
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Off: customers get the built-in text again.")
    )
    updated_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class CompanyProfile(VersionedModel):
    """The company that uses the product: its name and letterhead on every document, the
    seller (销售者) on the 三包 certificate, the 【signature】 of its SMS, the signature of its
    e-mails, the footer of every page. One row (``core.company.company()`` reads it; the
    settings ``COMPANY_NAME`` and ``PUBLIC_BASE_URL`` stand in for what it leaves empty);
    ``core.services.company_profile_save`` writes it."""

    name = models.CharField(_("company name"), max_length=100)
    short_name = models.CharField(
        _("short name"),
        max_length=12,
        blank=True,
        help_text=_("The signature of text messages, e.g. 【华东电器】; 2 to 12 characters."),
    )
    logo = models.FileField(_("logo"), upload_to="company/", max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    bank_account = models.CharField(_("bank account"), max_length=40, blank=True)
    public_url = models.URLField(
        _("public address"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where customers reach this site, e.g. https://service.example.cn; links in "
            "messages and QR codes on printouts start with it."
        ),
    )

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profile")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="core_company_profile_one_row")
        ]

    def __str__(self) -> str:
        return self.name
