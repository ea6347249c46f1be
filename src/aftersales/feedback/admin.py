from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from aftersales.core.errors import ApplicationError
from aftersales.core.forms import error_text

from .models import (
    ChecklistItem,
    FeedbackPolicy,
    FollowUp,
    FollowUpRule,
    InspectionChecklist,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    SurveyRule,
)
from .services.questionnaires import (
    questionnaire_new_version,
    questionnaire_publish,
    version_is_answered,
)


@admin.register(FeedbackPolicy)
class FeedbackPolicyAdmin(SimpleHistoryAdmin):
    list_display = ("name", "active", "survey_quiet_days", "low_overall_max", "low_nps_max")


@admin.register(FollowUpRule)
class FollowUpRuleAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "trigger", "case_kind", "outcome", "working_days", "active")
    list_filter = ("trigger", "active")


@admin.register(SurveyRule)
class SurveyRuleAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "case_kind", "questionnaire", "send_sms", "active")


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("position", "code", "text", "kind", "choices", "required")

    def _frozen(self, obj) -> bool:
        return obj is not None and version_is_answered(obj)

    # An answered version never changes (FB-2): its questions are shown, not edited.
    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(SimpleHistoryAdmin):
    list_display = ("questionnaire", "number", "published", "note")
    inlines = [QuestionInline]
    actions = ["publish"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and version_is_answered(obj):
            return ("questionnaire", "number", "published", "note")
        return ("published",)

    @admin.action(description=_("Use this version for new surveys"))
    def publish(self, request, queryset):
        for version in queryset:
            try:
                questionnaire_publish(actor=request.user, version=version)
            except ApplicationError as exc:
                messages.error(request, error_text(exc))


@admin.register(Questionnaire)
class QuestionnaireAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "active")
    actions = ["new_version"]

    @admin.action(description=_("Start a new version (a copy of the newest)"))
    def new_version(self, request, queryset):
        for questionnaire in queryset:
            version = questionnaire_new_version(actor=request.user, questionnaire=questionnaire)
            messages.info(request, _("Version %(n)s created.") % {"n": version.number})


@admin.register(FollowUp)
class FollowUpAdmin(SimpleHistoryAdmin):
    list_display = ("number", "kind", "customer", "due_on", "status", "outcome")
    list_filter = ("kind", "status")
    search_fields = ("number",)
    raw_id_fields = ("case", "order", "customer", "assignee", "survey", "complaint", "done_by")


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 1
    fields = ("position", "code", "text", "active")

    # An item answered by an inspection is kept (made inactive instead).
    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (
            obj is not None and obj.inspections.exists()
        )


@admin.register(InspectionChecklist)
class InspectionChecklistAdmin(SimpleHistoryAdmin):
    """Self-inspection checklists (FB-5): each active one gets a monthly inspection."""

    list_display = ("code", "name", "active")
    inlines = [ChecklistItemInline]
