"""Administrators keep the complaint categories and the routing rules here; cases are worked
on the case pages, where the rules are, and are read-only here."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aftersales.core.errors import InvalidInput
from aftersales.core.forms import add_error_to_form

from .models import (
    AgentProfile,
    Case,
    CaseAttachment,
    CaseCategory,
    DelayCompensation,
    DelayCompensationPolicy,
    RoutingRule,
    ServiceSkill,
)


@admin.register(CaseCategory)
class CaseCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "position", "active")
    list_editable = ("position", "active")


class RoutingRuleForm(forms.ModelForm):
    """Refuses a rule that sends a kind of case to a department none of whose people may act
    on it (``routing.routing_rule_check``), on the department field."""

    class Meta:
        model = RoutingRule
        fields = (
            "name",
            "position",
            "kind",
            "category",
            "product_category",
            "region",
            "dealer",
            "department",
            "assign_person",
            "skill",
            "active",
        )

    def clean(self):
        from .services.routing import routing_rule_check

        cleaned = super().clean()
        if cleaned.get("department") is not None:
            probe = RoutingRule(
                kind=cleaned.get("kind") or "",
                department=cleaned["department"],
                dealer=cleaned.get("dealer"),
                active=cleaned.get("active", True),
            )
            try:
                routing_rule_check(probe)
            except InvalidInput as exc:
                add_error_to_form(self, exc)
        return cleaned


@admin.register(RoutingRule)
class RoutingRuleAdmin(SimpleHistoryAdmin):
    form = RoutingRuleForm
    list_display = (
        "position",
        "name",
        "kind",
        "category",
        "product_category",
        "region",
        "dealer",
        "department",
        "skill",
        "assign_person",
        "active",
    )
    list_display_links = ("name",)
    list_filter = ("active", "kind", "department", "skill")

    def save_model(self, request, obj, form, change):
        from .services.routing import routing_rule_save

        routing_rule_save(actor=request.user, rule=obj)


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ("number", "kind", "status", "customer", "department", "assignee", "created_at")
    list_filter = ("status", "kind", "channel")
    search_fields = ("number", "contact_phone")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseAttachment)
class CaseAttachmentAdmin(admin.ModelAdmin):
    """Read-only: files are added on the case page or through the API and are kept as the
    case's evidence. The link opens the file through the case's permission check."""

    list_display = ("original_name", "case", "content_type", "size", "uploaded_by", "created_at")
    list_filter = ("content_type",)
    search_fields = ("case__number", "original_name")
    list_select_related = ("case", "uploaded_by")
    fields = ("case", "open_file", "content_type", "size", "uploaded_by", "created_at")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def open_file(self, obj):
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceSkill)
class ServiceSkillAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "active")
    list_editable = ("active",)
    search_fields = ("code", "name")


@admin.register(AgentProfile)
class AgentProfileAdmin(SimpleHistoryAdmin):
    """Who can handle what (routing by skill) and how many open cases routing gives them."""

    list_display = ("user", "max_open_cases")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__full_name")
    autocomplete_fields = ("user",)
    filter_horizontal = ("skills",)


@admin.register(DelayCompensationPolicy)
class DelayCompensationPolicyAdmin(SimpleHistoryAdmin):
    """SVC-10, SVC-11: the newest active policy prices every delay-compensation offer."""

    list_display = (
        "name",
        "active",
        "grace_working_days",
        "percent_per_day",
        "cap_percent",
        "company_extra_percent",
        "refund_after_days",
    )
    list_filter = ("active",)


@admin.register(DelayCompensation)
class DelayCompensationAdmin(SimpleHistoryAdmin):
    """Read-only: offers are made and answered on the case page or through the API."""

    list_display = ("case", "status", "amount", "days_late", "company_caused", "offered_at")
    list_filter = ("status", "company_caused")
    search_fields = ("case__number",)
    list_select_related = ("case",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
