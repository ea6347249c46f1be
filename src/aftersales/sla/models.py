"""SLA policies (data, not code) and the clocks that records own."""

from __future__ import annotations

from datetime import time

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import BaseModel, VersionedModel
from aftersales.core.times import local_text


class Metric(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    INITIAL_VERIFICATION = "initial_verification", _("Initial verification")
    ON_SITE = "on_site", _("On site")
    RESOLUTION = "resolution", _("Resolution")
    REFUND = "refund", _("Refund")


class Unit(models.TextChoices):
    CLOCK_HOURS = "clock_hours", _("clock hours")
    WORKING_HOURS = "working_hours", _("working hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class SlaPolicy(VersionedModel):
    """Targets for one kind of record. Blank matching fields match anything; the most specific
    active policy wins (see ``selectors.sla_policy_for``)."""

    name = models.CharField(_("name"), max_length=80)
    case_type = models.CharField(_("case type"), max_length=40, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, blank=True)
    channel = models.CharField(_("channel"), max_length=40, blank=True)
    customer_level = models.CharField(_("customer level"), max_length=40, blank=True)
    pause_statuses = models.JSONField(
        _("statuses that pause the clock"),
        default=list,
        blank=True,
        help_text=_("e.g. waiting_customer: the clock stops while we wait for the customer."),
    )
    business_opens = models.TimeField(_("business hours open"), default=time(9, 0))
    business_closes = models.TimeField(_("business hours close"), default=time(18, 0))
    active = models.BooleanField(_("active"), default=True)
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("Where the numbers come from.")
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language (the shipped preset's English name)."""
        from aftersales.core.seeded import seeded_text

        from .presets import LABELS

        return seeded_text(self.name, LABELS)

    @property
    def specificity(self) -> int:
        return sum(
            bool(v) for v in (self.case_type, self.priority, self.channel, self.customer_level)
        )


class SlaTarget(BaseModel):
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    amount = models.PositiveIntegerField(_("amount"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    end_of_business = models.BooleanField(
        _("due at close of business"),
        default=False,
        help_text=_("For day periods: due when business closes on the last day, not at midnight."),
    )
    source = models.CharField(_("source"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        ordering = ["policy", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "metric"], name="sla_target_policy_metric")
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.amount} {self.get_unit_display()}"

    @property
    def source_label(self) -> str:
        """Where the target comes from, in the reader's language (the preset's in English)."""
        from aftersales.core.seeded import seeded_text

        from .presets import LABELS

        return seeded_text(self.source, LABELS)


class SlaEscalationStep(BaseModel):
    """One rung of the escalation chain: when it fires and whom it tells."""

    class Trigger(models.TextChoices):
        BEFORE_DUE = "before_due", _("before the due moment")
        AFTER_DUE = "after_due", _("after the due moment")

    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1)])
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    offset_minutes = models.PositiveIntegerField(
        _("minutes"), default=0, help_text=_("How long before or after the due moment.")
    )
    notify_role = models.CharField(_("notify role"), max_length=30, blank=True)
    notify_responsible = models.BooleanField(
        _("notify the person responsible"),
        default=True,
        help_text=_("The handler of the record, where it has one."),
    )

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["policy", "level"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "level"], name="sla_escalation_policy_level")
        ]

    def __str__(self) -> str:
        return f"L{self.level} {self.get_trigger_display()} {self.offset_minutes}min"


class SlaClock(BaseModel):
    """One time limit of one record: started, maybe paused, due, met or breached.

    The due moment is stored; "overdue" is the query ``status=running, due_at < now``.
    Target, unit and business hours are copied from the policy at start, so editing a policy
    does not move the clocks already running.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        PAUSED = "paused", _("paused")
        MET = "met", _("met")
        BREACHED = "breached", _("finished late")
        CANCELLED = "cancelled", _("cancelled")

    owner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    policy = models.ForeignKey(
        SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True, related_name="clocks"
    )
    metric = models.CharField(_("metric"), max_length=30, choices=Metric.choices)
    amount = models.PositiveIntegerField(_("amount"))
    unit = models.CharField(_("unit"), max_length=20, choices=Unit.choices)
    end_of_business = models.BooleanField(default=False)
    business_opens = models.TimeField(default=time(9, 0))
    business_closes = models.TimeField(default=time(18, 0))
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING
    )
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional"),
        default=False,
        help_text=_("The due moment falls in a year whose official schedule is not loaded."),
    )
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)

    class Meta:
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="sla_clock_open_due_idx"),
            models.Index(fields=["owner_type", "owner_id"], name="sla_clock_owner_idx"),
            # The scorecards' clocks stopped in a month.
            models.Index(fields=["metric", "stopped_at"], name="sla_clock_stopped_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {local_text(self.due_at)}"

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.RUNNING, self.Status.PAUSED)


class SlaPause(models.Model):
    """A paused interval of a clock (e.g. waiting for the customer). Part of the clock's record;
    the clock's own history shows each pause and resume."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(_("paused at"))
    ended_at = models.DateTimeField(_("resumed at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=120, blank=True)

    class Meta:
        ordering = ["clock", "started_at"]
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")

    def __str__(self) -> str:
        return f"{local_text(self.started_at)} – {local_text(self.ended_at)}"


class SlaEscalation(models.Model):
    """An escalation that fired: shown on the owner's timeline; written once per level."""

    clock = models.ForeignKey(SlaClock, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField(_("level"))
    breached = models.BooleanField(_("breached"))
    at = models.DateTimeField(_("at"))
    recipients = models.CharField(_("notified"), max_length=400, blank=True)

    class Meta:
        ordering = ["clock", "level"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["clock", "level"], name="sla_escalation_once")
        ]

    def __str__(self) -> str:
        return f"L{self.level} {local_text(self.at)}"
